import { strict as assert } from 'node:assert';
import * as ts from 'typescript';
import { decodeMessage, encodeMessage, MessageSchema, Reader } from '../../src/protocol/codec';
import {
  generateMessageSource,
  kebabCase,
  MessageSpec,
  parseMessageSpec,
  parseVersions,
  stripJsonComments,
} from '../../scripts/generate-protocol';

// A made-up message (not one of Kafka's) using what the generated Kafka messages in range do not:
// common structs, struct-typed fields, a nullable struct, a tagged struct, uint16, float64, bytes.
const WIDGET_JSON = `// Licensed under http://www.apache.org/licenses/LICENSE-2.0
{
  "apiKey": 99,
  "type": "response",
  "name": "WidgetResponse",
  // Version 2 is the first flexible version.
  "validVersions": "0-4",
  "flexibleVersions": "2+",
  "fields": [
    { "name": "Url", "type": "string", "versions": "0+", "default": "http://x//y", "about": "A // in a string stays." }, // trailing
    { "name": "Limit", "type": "int32", "versions": "0+", "default": "0x7fffffff" },
    { "name": "Legacy", "type": "int16", "versions": "0" },
    { "name": "Future", "type": "int16", "versions": "4+" },
    { "name": "Owner", "type": "Person", "versions": "1+" },
    { "name": "Members", "type": "[]Person", "versions": "0+" },
    { "name": "Labels", "type": "[]string", "versions": "0+", "nullableVersions": "1+" },
    { "name": "Info", "type": "Info", "versions": "2+", "nullableVersions": "2+", "default": "null", "fields": [
      { "name": "Id", "type": "uuid", "versions": "2+" },
      { "name": "Size", "type": "uint16", "versions": "2+" }
    ]},
    { "name": "Leader", "type": "LeaderIdAndEpoch", "versions": "2+", "taggedVersions": "2+", "tag": 1, "fields": [
      { "name": "LeaderId", "type": "int32", "versions": "2+", "default": "-1" },
      { "name": "LeaderEpoch", "type": "int32", "versions": "2+", "default": -1 }
    ]},
    { "name": "Extra", "type": "Extra", "versions": "2+", "nullableVersions": "2+", "taggedVersions": "2+", "tag": 2, "fields": [
      { "name": "Flag", "type": "bool", "versions": "2+" }
    ]},
    { "name": "Note", "type": "string", "versions": "2+", "nullableVersions": "2+", "default": "null", "taggedVersions": "2+", "tag": 0 },
    { "name": "ClientId", "type": "string", "versions": "0+", "flexibleVersions": "none" },
    { "name": "Ratio", "type": "float64", "versions": "0+" },
    { "name": "Data", "type": "bytes", "versions": "0+", "nullableVersions": "0+" }
  ],
  "commonStructs": [
    { "name": "Person", "versions": "0+", "fields": [
      { "name": "Name", "type": "string", "versions": "0+" },
      { "name": "Age", "type": "int8", "versions": "1+" }
    ]}
  ]
}`;

/** Compiles generated source to CommonJS in memory and returns its exports. */
function loadModule(source: string): Record<string, unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', js)(module, module.exports, require);
  return module.exports;
}

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

describe('protocol generator', () => {
  const spec = parseMessageSpec(WIDGET_JSON);
  const source = generateMessageSource(spec, [0, 3]);
  const schema = loadModule(source).widgetResponseSchema as MessageSchema<Record<string, unknown>>;

  it('strips // comments but not // inside strings', () => {
    assert.equal(stripJsonComments('{"a": "http://x", // note\n"b": 1} // end'), '{"a": "http://x", \n"b": 1} ');
    assert.equal(stripJsonComments('{"a": "q\\"//"}'), '{"a": "q\\"//"}');
    assert.equal(spec.fields[0].default, 'http://x//y');
  });

  it('reads version ranges', () => {
    assert.deepEqual(parseVersions('3+', 'x'), [3, Infinity]);
    assert.deepEqual(parseVersions('0-2', 'x'), [0, 2]);
    assert.deepEqual(parseVersions('5', 'x'), [5, 5]);
    assert.equal(parseVersions('none', 'x'), null);
    assert.throws(() => parseVersions('2-', 'Foo.Bar'), /Foo.Bar: cannot read version range/);
  });

  it('names files in kebab case', () => {
    assert.equal(kebabCase('ApiVersionsRequest'), 'api-versions-request');
    assert.equal(kebabCase('ListOffsetsResponse'), 'list-offsets-response');
  });

  it('writes the do-not-edit header, interfaces with optional and nullable fields, and shared common structs', () => {
    assert.ok(source.startsWith("// Generated from Kafka's WidgetResponse.json by scripts/generate-protocol.ts"));
    const declarations = [
      '  url?: string;',
      '  limit?: number;',
      '  legacy?: number;',
      '  owner?: WidgetResponsePerson;',
      '  members: WidgetResponsePerson[];',
      '  labels: string[] | null;',
      '  info?: WidgetResponseInfo | null;',
      '  leader?: WidgetResponseLeaderIdAndEpoch;',
      '  note?: string | null;',
      '  extra?: WidgetResponseExtra | null;',
      '  clientId: string;',
      '  ratio: number;',
      '  data: Buffer | null;',
      '  age?: number;',
      '  id: Buffer;',
    ];
    for (const line of declarations) assert.ok(source.includes(`\n${line}\n`), `missing ${line}`);
    assert.ok(!/future/i.test(source), 'a field outside the generated versions is left out');
    assert.equal(source.split('export interface WidgetResponsePerson {').length, 2, 'one interface per common struct');
    assert.match(source, /export const widgetResponseSchema: MessageSchema<WidgetResponse> = \{/);
  });

  it('records ranges, defaults, tags and the flexibleVersions override in the schema', () => {
    const field = (name: string) => schema.fields.find((f) => f.name === name);
    assert.deepEqual(schema.versions, [0, 3]);
    assert.equal(schema.firstFlexibleVersion, 2);
    assert.equal(schema.apiKey, 99);
    assert.equal(field('limit')?.default, 2147483647);
    assert.equal(field('url')?.default, 'http://x//y');
    assert.deepEqual(field('legacy')?.versions, [0, 0]);
    assert.deepEqual(field('labels')?.nullableVersions, [1, 3]);
    assert.equal(field('clientId')?.flexibleVersions, 'none');
    assert.deepEqual([field('leader')?.tag, field('leader')?.taggedVersions], [1, [2, 3]]);
    assert.equal(field('members')?.fields, field('owner')?.fields, 'both uses share the common struct');
    assert.deepEqual(field('leader')?.fields?.map((f) => f.default), [-1, -1]);
  });

  it('produces a schema the codec reads and writes byte for byte (hand-computed v2)', () => {
    const value = {
      url: 'u',
      limit: 1,
      owner: { name: 'o', age: 3 },
      members: [],
      labels: null,
      info: { id: Buffer.alloc(16, 0x11), size: 0xfffe },
      leader: { leaderId: 5, leaderEpoch: -1 },
      extra: null,
      clientId: 'c',
      ratio: 0.5,
      data: null,
    };
    const bytes = hex(
      '02 75  00000001  02 6f 03 00  01  00  01 11111111111111111111111111111111 fffe 00' +
        '  0001 63  3fe0000000000000  00' +
        '  02  01 09 00000005 ffffffff 00' + // tagged: two fields; tag 1 (leader), 9 bytes
        '  02 01 00', // tag 2: a null nullable struct in the tagged section is uvarint 0 (inline it would be int8 -1)
    );
    assert.equal(encodeMessage(schema, 2, value).toBuffer().toString('hex'), bytes.toString('hex'));
    const decoded = decodeMessage(schema, 2, new Reader(bytes));
    assert.deepStrictEqual(decoded, { ...value, legacy: 0, note: null });
    const withoutInfo = decodeMessage(schema, 2, new Reader(hex('02 75  00000001  02 6f 03 00  01  00  ff  0001 63  3fe0000000000000  00  00')));
    assert.equal(withoutInfo.info, null);
    assert.deepStrictEqual(withoutInfo.leader, { leaderId: -1, leaderEpoch: -1 });
    assert.deepStrictEqual(withoutInfo.extra, { flag: false }, 'a tagged struct not sent gets its default');
  });

  it('round-trips every generated version, with old-style encodings before v2', () => {
    const value = {
      url: 'é',
      limit: -7,
      legacy: 9,
      owner: { name: 'o', age: 3 },
      members: [{ name: 'a', age: 1 }, { name: 'b', age: -2 }],
      labels: ['x', 'yy'],
      info: { id: Buffer.alloc(16, 2), size: 65535 },
      leader: { leaderId: 1, leaderEpoch: 2 },
      extra: { flag: true },
      note: 'n',
      clientId: 'c',
      ratio: -1.25,
      data: Buffer.from('dd'),
    };
    for (let version = 0; version <= 3; version++) {
      const decoded = decodeMessage(schema, version, new Reader(encodeMessage(schema, version, value).toBuffer()));
      assert.deepStrictEqual(decoded.members, version === 0 ? [{ name: 'a', age: 0 }, { name: 'b', age: 0 }] : value.members);
      assert.equal(decoded.legacy, version === 0 ? 9 : 0);
      assert.deepStrictEqual(decoded.leader, version >= 2 ? value.leader : { leaderId: -1, leaderEpoch: -1 });
      assert.deepStrictEqual(decoded.info, version >= 2 ? value.info : null);
      assert.deepStrictEqual(decoded.extra, { flag: version >= 2 });
      assert.deepStrictEqual([decoded.url, decoded.labels, decoded.ratio, decoded.data], [value.url, value.labels, value.ratio, value.data]);
    }
    assert.equal(encodeMessage(schema, 1, value).toBuffer().subarray(0, 3).toString('hex'), '0002c3', 'v1 strings have int16 lengths');
  });

  it('refuses definitions it cannot generate faithfully', () => {
    const base: MessageSpec = { name: 'BadRequest', type: 'request', apiKey: 98, validVersions: '0-1', flexibleVersions: 'none', fields: [] };
    assert.throws(() => generateMessageSource(base, [0, 2]), /BadRequest: versions 0-2 are outside validVersions 0-1/);
    const unknownType = { ...base, fields: [{ name: 'A', type: 'Missing', versions: '0+' }] };
    assert.throws(() => generateMessageSource(unknownType, [0, 1]), /BadRequest.A: type Missing is neither a primitive nor a declared struct/);
    const twice = {
      ...base,
      fields: [
        { name: 'A', type: 'S', versions: '0+', fields: [{ name: 'X', type: 'int8', versions: '0+' }] },
        { name: 'B', type: 'S', versions: '0+', fields: [{ name: 'X', type: 'int8', versions: '0+' }] },
      ],
    };
    assert.throws(() => generateMessageSource(twice, [0, 1]), /BadRequest.B: struct S is declared twice/);
    const badDefault = { ...base, fields: [{ name: 'A', type: 'int8', versions: '0+', default: '300' }] };
    assert.throws(() => generateMessageSource(badDefault, [0, 1]), /BadRequest.A: default 300 is not a valid int8/);
  });
});
