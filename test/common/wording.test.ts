import { strict as assert } from 'node:assert';
import { describeHours } from '../../src/common/hour-list';
import { findJsonSyntaxError } from '../../src/common/json-syntax';
import { plural } from '../../src/common/plural';

const hoursFrom = (start: string, count: number) =>
  Array.from({ length: count }, (_, i) => new Date(Date.parse(`${start}:00:00Z`) + i * 3_600_000).toISOString().slice(0, 13));

describe('wording shared by every printer', () => {
  it('plural: 0 records, 1 record, 2 records, and irregular plurals', () => {
    assert.deepEqual([0, 1, 2].map((n) => plural(n, 'record')), ['0 records', '1 record', '2 records']);
    assert.equal(plural(1, 'entry', 'entries'), '1 entry');
    assert.equal(plural(3, 'entry', 'entries'), '3 entries');
  });

  it('describeHours: 258 consecutive hours are one range with its count', () => {
    const hours = hoursFrom('2026-11-10T00', 258);
    assert.equal(hours[257], '2026-11-20T17');
    assert.equal(describeHours(hours), '2026-11-10T00..2026-11-20T17 (258 hours)');
  });

  it('describeHours: gaps split ranges, across midnight and month ends; unsorted and repeated keys are fine', () => {
    assert.equal(describeHours([]), 'none');
    assert.equal(describeHours(['2026-11-21T05']), '2026-11-21T05');
    assert.equal(describeHours(['2026-11-30T23', '2026-12-01T00', '2026-11-30T22', '2026-12-01T03', '2026-12-01T00']), '2026-11-30T22..2026-12-01T00 (3 hours), 2026-12-01T03');
  });

  it('describeHours: after 8 ranges the rest are counted, so a line stays short however scattered the hours', () => {
    const everyOther = Array.from({ length: 20 }, (_, i) => hoursFrom('2026-11-21T00', 40)[i * 2]);
    assert.equal(describeHours(everyOther), `${everyOther.slice(0, 8).join(', ')}, … and 12 more spans, 12 hours`);
  });

  it('findJsonSyntaxError: line and column of the first error, and null for valid JSON', () => {
    assert.equal(findJsonSyntaxError('{"a": [1, -2.5e3, true, null, "x\\u00e9\\n"], "b": {}}'), null);
    const cases: [string, number, number, RegExp][] = [
      ['{\n  "a": 1,\n}', 3, 1, /comma before \}/],
      ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /missing comma/],
      ['{\n  "a": tru\n}', 2, 8, /'t' where a value should be/],
      ['{"a": "x\ny"}', 1, 9, /control character/],
      ['[1, 2,]', 1, 7, /comma before \]/],
      ['{"a": 1', 1, 8, /'the end of the text'|the end of the text/],
      ['{} {}', 1, 4, /after the end of the JSON value/],
      ["{'a': 1}", 1, 2, /double-quoted property name/],
    ];
    for (const [text, line, column, reason] of cases) {
      assert.throws(() => JSON.parse(text), SyntaxError, 'the case is invalid JSON');
      const problem = findJsonSyntaxError(text);
      assert.ok(problem, text);
      assert.deepEqual([problem.line, problem.column], [line, column], `${JSON.stringify(text)}: ${problem.reason}`);
      assert.match(problem.reason, reason);
    }
  });
});
