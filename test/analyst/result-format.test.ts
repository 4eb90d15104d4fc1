import { strict as assert } from 'node:assert';
import { runQuery } from '../../src/analyst/query-engine';
import { formatCsv, formatJsonLines, formatTable } from '../../src/analyst/result-format';

describe('query result formats', () => {
  it('json: integers as numbers while exact, else strings; ISO 8601 timestamps; nested values kept nested', async () => {
    const result = await runQuery([], `SELECT 9007199254740993::BIGINT AS big, -12::BIGINT AS small, 2::HUGEINT AS huge,
      TIMESTAMPTZ '2026-11-21 06:00:00.123456+00' AS instant, TIMESTAMP '2026-11-21 06:00:00' AS local, DATE '2026-11-21' AS day,
      12.50::DECIMAL(10,2) AS money, 12345678901234567.89::DECIMAL(38,2) AS wide, 'ab'::BLOB AS bytes, NULL::VARCHAR AS nothing,
      {'a': 1, 'b': [1, 2]} AS struct, MAP {'k': 1::BIGINT} AS map`);
    assert.deepEqual(JSON.parse(formatJsonLines(result)), {
      big: '9007199254740993', small: -12, huge: 2, instant: '2026-11-21T06:00:00.123456Z', local: '2026-11-21T06:00:00.000', day: '2026-11-21',
      money: 12.5, wide: '12345678901234567.89', bytes: 'YWI=', nothing: null, struct: { a: 1, b: [1, 2] }, map: { k: 1 },
    });
  });

  it('csv quotes fields with commas, quotes and line breaks; null is an empty field; table shows NULL and aligns', async () => {
    const result = await runQuery([], `SELECT * FROM (VALUES (1, 'plain', NULL), (22, 'a,b "c"', 'two
lines')) AS t(n, text, note) ORDER BY n`);
    assert.equal(formatCsv(result), 'n,text,note\r\n1,plain,\r\n22,"a,b ""c""","two\nlines"\r\n');
    assert.equal(formatTable(result), [
      ' n  text     note',
      '--  -------  ----------',
      ' 1  plain    NULL',
      '22  a,b "c"  two\\nlines',
      '(2 rows)',
    ].join('\n'));
  });
});
