// Writes src/protocol/generated/ from Kafka's JSON message definitions, which stay outside the repo:
//   node dist/scripts/generate-protocol.js <messagesDir> [outDir]
// Each message becomes one file: interfaces for the message and its structs, and a MessageSchema
// constant that the codec in src/protocol/codec/ interprets. To support more, extend the tables below.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DefaultValue, ElementKind, FieldKind, FieldSchema, PrimitiveKind, VersionRange } from '../src/protocol/codec/schema';

export interface ApiToGenerate {
  readonly name: string;
  readonly apiKey: number;
  readonly versions: VersionRange;
}

/** Request and response are generated for each row. */
export const GENERATED_APIS: readonly ApiToGenerate[] = [
  { name: 'Produce', apiKey: 0, versions: [0, 11] },
  { name: 'Fetch', apiKey: 1, versions: [0, 17] },
  { name: 'ListOffsets', apiKey: 2, versions: [0, 10] },
  { name: 'Metadata', apiKey: 3, versions: [0, 12] },
  { name: 'OffsetCommit', apiKey: 8, versions: [0, 9] },
  { name: 'OffsetFetch', apiKey: 9, versions: [0, 9] },
  { name: 'FindCoordinator', apiKey: 10, versions: [0, 6] },
  { name: 'JoinGroup', apiKey: 11, versions: [0, 9] },
  { name: 'Heartbeat', apiKey: 12, versions: [0, 4] },
  { name: 'LeaveGroup', apiKey: 13, versions: [0, 5] },
  { name: 'SyncGroup', apiKey: 14, versions: [0, 5] },
  { name: 'DescribeGroups', apiKey: 15, versions: [0, 5] },
  { name: 'ListGroups', apiKey: 16, versions: [0, 5] },
  { name: 'SaslHandshake', apiKey: 17, versions: [0, 1] },
  { name: 'ApiVersions', apiKey: 18, versions: [0, 4] },
  { name: 'CreateTopics', apiKey: 19, versions: [0, 7] },
  { name: 'DeleteTopics', apiKey: 20, versions: [0, 6] },
  { name: 'DeleteRecords', apiKey: 21, versions: [0, 2] },
  { name: 'InitProducerId', apiKey: 22, versions: [0, 5] },
  { name: 'OffsetForLeaderEpoch', apiKey: 23, versions: [0, 4] },
  { name: 'AddPartitionsToTxn', apiKey: 24, versions: [0, 5] },
  { name: 'AddOffsetsToTxn', apiKey: 25, versions: [0, 4] },
  { name: 'EndTxn', apiKey: 26, versions: [0, 5] },
  { name: 'TxnOffsetCommit', apiKey: 28, versions: [0, 4] },
  { name: 'DescribeAcls', apiKey: 29, versions: [0, 3] },
  { name: 'CreateAcls', apiKey: 30, versions: [0, 3] },
  { name: 'DeleteAcls', apiKey: 31, versions: [0, 3] },
  { name: 'DescribeConfigs', apiKey: 32, versions: [0, 4] },
  { name: 'AlterConfigs', apiKey: 33, versions: [0, 2] },
  { name: 'SaslAuthenticate', apiKey: 36, versions: [0, 2] },
  { name: 'CreatePartitions', apiKey: 37, versions: [0, 3] },
  { name: 'DeleteGroups', apiKey: 42, versions: [0, 2] },
  { name: 'DescribeLogDirs', apiKey: 35, versions: [0, 4] },
  { name: 'IncrementalAlterConfigs', apiKey: 44, versions: [0, 1] },
  { name: 'OffsetDelete', apiKey: 47, versions: [0, 0] },
  { name: 'DescribeUserScramCredentials', apiKey: 50, versions: [0, 0] },
  { name: 'AlterUserScramCredentials', apiKey: 51, versions: [0, 0] },
  { name: 'DescribeCluster', apiKey: 60, versions: [0, 1] },
  { name: 'DescribeProducers', apiKey: 61, versions: [0, 0] },
  { name: 'DescribeTransactions', apiKey: 65, versions: [0, 0] },
  { name: 'ListTransactions', apiKey: 66, versions: [0, 1] },
];

export const GENERATED_HEADERS: readonly { name: string; versions: VersionRange }[] = [
  { name: 'RequestHeader', versions: [0, 2] },
  { name: 'ResponseHeader', versions: [0, 1] },
];

const GENERATED_MARKER = '// Generated ';

/** A field as Kafka's JSON declares it (only the keys the codec needs). */
export interface FieldSpec {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  tag?: number;
  taggedVersions?: string;
  flexibleVersions?: string;
  default?: string | number | boolean;
  about?: string;
  fields?: FieldSpec[];
}

export interface MessageSpec {
  name: string;
  type: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions?: string;
  fields: FieldSpec[];
  commonStructs?: { name: string; versions?: string; fields: FieldSpec[] }[];
}

/** Kafka's JSON allows `//` comments; drops them without touching `//` inside strings. */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else {
      inString = c === '"';
      out += c;
    }
  }
  return out;
}

export function parseMessageSpec(jsonWithComments: string): MessageSpec {
  return JSON.parse(stripJsonComments(jsonWithComments)) as MessageSpec;
}

/** "3+", "3-8", "3" or "none" (null); open ranges end at Infinity. */
export function parseVersions(text: string | undefined, what: string): [number, number] | null {
  const spec = (text ?? '').trim();
  if (spec === 'none') return null;
  const match = /^(\d+)(?:(\+)|-(\d+))?$/.exec(spec);
  if (!match) throw new Error(`${what}: cannot read version range ${JSON.stringify(text)}`);
  const first = Number(match[1]);
  return [first, match[2] ? Infinity : Number(match[3] ?? first)];
}

function intersect(a: VersionRange | null, b: VersionRange): VersionRange | null {
  if (!a) return null;
  const first = Math.max(a[0], b[0]);
  const last = Math.min(a[1], b[1]);
  return first <= last ? [first, last] : null;
}

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveKind>([
  'bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid',
]);
const INTEGER_BITS: Record<string, readonly [number, number]> = {
  int8: [-0x80, 0x7f], int16: [-0x8000, 0x7fff], uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff], uint32: [0, 0xffffffff], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

interface GenStruct {
  readonly typeName: string;
  /** The versions its fields were resolved within: the declaring field's, or a common struct's own. */
  readonly range: VersionRange;
  readonly fields: GenField[];
}

/** A field resolved for the generated versions: its schema literal, plus what its interface member needs. */
interface GenField {
  /** Everything but `fields`, in the order it is written; undefined properties are left out. */
  readonly schema: Omit<FieldSchema, 'fields'>;
  readonly about: string | undefined;
  readonly struct: GenStruct | undefined;
  /** Exists in every version of its parent, inline, without an explicit default. */
  readonly required: boolean;
}

/** One message resolved against the generated version range: fields outside it are dropped, ranges clipped. */
class MessageModel {
  readonly fields: GenField[];
  /** Struct interfaces in order of first appearance. */
  readonly structs: GenStruct[] = [];
  /** Children before parents, so each field constant is declared before it is used. */
  readonly structsInDeclarationOrder: GenStruct[] = [];
  private readonly structsByJsonName = new Map<string, GenStruct>();

  constructor(readonly spec: MessageSpec, readonly range: VersionRange) {
    const valid = parseVersions(spec.validVersions, `${spec.name} validVersions`);
    if (!valid || range[0] < valid[0] || range[1] > valid[1]) {
      throw new Error(`${spec.name}: versions ${range[0]}-${range[1]} are outside validVersions ${spec.validVersions}`);
    }
    this.fields = this.resolveFields(spec.fields, range);
  }

  private resolveFields(specs: readonly FieldSpec[], parentRange: VersionRange): GenField[] {
    const fields: GenField[] = [];
    for (const spec of specs) {
      const where = `${this.spec.name}.${spec.name}`;
      const versions = intersect(parseVersions(spec.versions, `${where} versions`), parentRange);
      if (!versions) continue;
      const isArray = spec.type.startsWith('[]');
      const baseType = isArray ? spec.type.slice(2) : spec.type;
      const isPrimitive = PRIMITIVES.has(baseType);
      const kind = (isArray ? 'array' : isPrimitive ? baseType : 'struct') as FieldKind;
      const struct = isPrimitive ? undefined : this.resolveStruct(baseType, spec.fields, versions, where);
      const taggedVersions = spec.tag === undefined ? null : intersect(parseVersions(spec.taggedVersions, `${where} taggedVersions`), versions);
      const flexible = spec.flexibleVersions === undefined ? undefined : intersect(parseVersions(spec.flexibleVersions, where), this.range);
      const schema: Omit<FieldSchema, 'fields'> = {
        name: lowerFirst(spec.name),
        kind,
        elementKind: isArray ? ((isPrimitive ? baseType : 'struct') as ElementKind) : undefined,
        versions,
        nullableVersions: intersect(parseVersions(spec.nullableVersions ?? 'none', `${where} nullableVersions`), versions) ?? undefined,
        tag: taggedVersions ? spec.tag : undefined,
        taggedVersions: taggedVersions ?? undefined,
        flexibleVersions: spec.flexibleVersions === undefined ? undefined : flexible ?? 'none',
        default: parseDefault(spec, kind, where),
      };
      const required = versions[0] === parentRange[0] && versions[1] === parentRange[1] && !taggedVersions && spec.default === undefined;
      fields.push({ schema, about: spec.about, struct, required });
    }
    return fields;
  }

  /** Inline structs are resolved within their field's versions; common structs once, within their own. */
  private resolveStruct(jsonName: string, inline: FieldSpec[] | undefined, versions: VersionRange, where: string): GenStruct {
    const known = this.structsByJsonName.get(jsonName);
    const common = this.spec.commonStructs?.find((s) => s.name === jsonName);
    if (known && (inline || !common)) throw new Error(`${where}: struct ${jsonName} is declared twice`);
    if (known) return known;
    const fieldSpecs = inline ?? common?.fields;
    if (!fieldSpecs) throw new Error(`${where}: type ${jsonName} is neither a primitive nor a declared struct`);
    const commonRange = intersect(parseVersions(common?.versions ?? '0+', `${jsonName} versions`), this.range);
    const range = inline || !commonRange ? versions : commonRange;
    const struct: GenStruct = { typeName: this.spec.name + jsonName, range, fields: [] };
    this.structsByJsonName.set(jsonName, struct);
    this.structs.push(struct);
    struct.fields.push(...this.resolveFields(fieldSpecs, range));
    this.structsInDeclarationOrder.push(struct);
    return struct;
  }
}

function parseDefault(spec: FieldSpec, kind: FieldKind, where: string): DefaultValue | undefined {
  const raw = spec.default;
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const range = INTEGER_BITS[kind];
  if (range) {
    const value = parseIntegerLiteral(text);
    if (!Number.isSafeInteger(value) || value < range[0] || value > range[1]) throw new Error(`${where}: default ${text} is not a valid ${kind}`);
    return value;
  }
  if (kind === 'float64' && text !== '' && !Number.isNaN(Number(text))) return Number(text);
  if (kind === 'bool' && (text === 'true' || text === 'false')) return text === 'true';
  if (kind === 'string') return text === 'null' ? null : String(raw);
  if (text === 'null') return null;
  throw new Error(`${where}: default ${JSON.stringify(raw)} is not supported for a ${kind} field`);
}

/** Decimal, 0x hex or leading-zero octal, as Java's Long.decode reads Kafka's defaults. */
function parseIntegerLiteral(text: string): number {
  const match = /^(-?)(0x[0-9a-f]+|0[0-7]+|\d+)$/i.exec(text);
  if (!match) return NaN;
  const digits = match[2];
  const magnitude = /^0x/i.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === '0' ? parseInt(digits, 8) : Number(digits);
  return match[1] ? -magnitude : magnitude;
}

const TS_TYPES: Record<PrimitiveKind, string> = {
  bool: 'boolean', int8: 'number', int16: 'number', uint16: 'number', int32: 'number', uint32: 'number', int64: 'number',
  float64: 'number', string: 'string', bytes: 'Buffer', records: 'Buffer', uuid: 'Buffer',
};

function tsType({ schema, struct }: GenField): string {
  let type = struct ? struct.typeName : TS_TYPES[(schema.elementKind ?? schema.kind) as PrimitiveKind];
  if (schema.kind === 'array') type += '[]';
  return schema.nullableVersions || schema.kind === 'records' ? `${type} | null` : type;
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return typeof value === 'string' ? quote(value) : String(value);
}

function docComment(field: GenField, parentRange: VersionRange): string | undefined {
  const notes: string[] = [];
  const [first, last] = field.schema.versions;
  if (first !== parentRange[0] || last !== parentRange[1]) notes.push(first === last ? `v${first} only` : `v${first}-${last}`);
  if (field.schema.taggedVersions) notes.push(`tagged ${field.schema.tag}`);
  const about = (field.about ?? '').replace(/\s+/g, ' ').trim().replace(/\*\//g, '*\\/');
  const text = [about, notes.length > 0 ? `(${notes.join(', ')})` : ''].filter((part) => part !== '').join(' ');
  return text === '' ? undefined : `  /** ${text} */`;
}

function interfaceSource(typeName: string, fields: readonly GenField[], parentRange: VersionRange): string {
  const lines = [`export interface ${typeName} {`];
  for (const field of fields) {
    const doc = docComment(field, parentRange);
    if (doc) lines.push(doc);
    lines.push(`  ${field.schema.name}${field.required ? '' : '?'}: ${tsType(field)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

function fieldLiteral(field: GenField): string {
  const parts = Object.entries(field.schema).flatMap(([key, value]) => (value === undefined ? [] : [`${key}: ${literal(value)}`]));
  if (field.struct) parts.push(`fields: ${fieldsConstName(field.struct)}`);
  return `{ ${parts.join(', ')} }`;
}

function fieldsConstName(struct: GenStruct): string {
  return `${lowerFirst(struct.typeName)}Fields`;
}

function lowerFirst(name: string): string {
  return name[0].toLowerCase() + name.slice(1);
}

export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function schemaConstName(messageName: string): string {
  return `${lowerFirst(messageName)}Schema`;
}

/** The TypeScript source of one message's file: JSON definition in, text out (no file access). */
export function generateMessageSource(spec: MessageSpec, versions: VersionRange): string {
  const model = new MessageModel(spec, versions);
  const flexible = parseVersions(spec.flexibleVersions ?? 'none', `${spec.name} flexibleVersions`);
  if (flexible && flexible[1] !== Infinity) throw new Error(`${spec.name}: flexibleVersions must be open-ended`);
  const type = spec.type;
  if (type !== 'request' && type !== 'response' && type !== 'header') throw new Error(`${spec.name}: type ${type} is not a request, response or header`);
  const imports = model.structs.length > 0 ? 'FieldSchema, MessageSchema' : 'MessageSchema';
  const fieldLines = (fields: readonly GenField[]) => fields.map((f) => `  ${fieldLiteral(f)},`).join('\n');
  const sections = [
    `// Generated from Kafka's ${spec.name}.json by scripts/generate-protocol.ts (versions ${versions[0]}-${versions[1]}).\n` +
      `// Do not edit: change the generator and run it again.\nimport type { ${imports} } from '../codec/schema';`,
    interfaceSource(spec.name, model.fields, versions),
    ...model.structs.map((s) => interfaceSource(s.typeName, s.fields, s.range)),
    ...model.structsInDeclarationOrder.map((s) => `const ${fieldsConstName(s)}: readonly FieldSchema[] = [\n${fieldLines(s.fields)}\n];`),
    [
      `export const ${schemaConstName(spec.name)}: MessageSchema<${spec.name}> = {`,
      `  name: ${quote(spec.name)},`,
      `  apiKey: ${spec.apiKey ?? 'undefined'},`,
      `  type: '${type}',`,
      `  versions: ${literal(versions)},`,
      `  firstFlexibleVersion: ${flexible ? flexible[0] : 'null'},`,
      `  fields: [\n${fieldLines(model.fields).replace(/^/gm, '  ')}\n  ],`,
      '};',
    ].join('\n'),
  ];
  return `${sections.join('\n\n')}\n`;
}

function loadSpec(messagesDir: string, name: string): MessageSpec {
  return parseMessageSpec(fs.readFileSync(path.join(messagesDir, `${name}.json`), 'utf8'));
}

/** Every generated file (name → text) for the tables above, read from `messagesDir`. */
export function generateProtocolFiles(messagesDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const modules: string[] = [];
  const add = (name: string, expectedType: string, versions: VersionRange, apiKey?: number) => {
    const spec = loadSpec(messagesDir, name);
    if (spec.name !== name || spec.type !== expectedType || spec.apiKey !== apiKey) {
      throw new Error(`${name}.json: expected ${expectedType} ${name} with apiKey ${apiKey}, found ${spec.type} ${spec.name} with ${spec.apiKey}`);
    }
    files.set(`${kebabCase(name)}.ts`, generateMessageSource(spec, versions));
    modules.push(kebabCase(name));
  };
  for (const header of GENERATED_HEADERS) add(header.name, 'header', header.versions);
  const apis = [...GENERATED_APIS].sort((a, b) => a.apiKey - b.apiKey);
  for (const api of apis) {
    add(`${api.name}Request`, 'request', api.versions, api.apiKey);
    add(`${api.name}Response`, 'response', api.versions, api.apiKey);
  }
  files.set('api-schemas.ts', apiSchemasSource(apis));
  const header = `${GENERATED_MARKER}by scripts/generate-protocol.ts. Do not edit: change the generator and run it again.`;
  files.set('index.ts', `${header}\nexport * from './api-schemas';\n${modules.map((m) => `export * from './${m}';`).join('\n')}\n`);
  return files;
}

function apiSchemasSource(apis: readonly ApiToGenerate[]): string {
  const messages = [...GENERATED_HEADERS.map((h) => h.name), ...apis.flatMap((a) => [`${a.name}Request`, `${a.name}Response`])];
  return [
    `${GENERATED_MARKER}by scripts/generate-protocol.ts from its table of APIs. Do not edit: change the generator and run it again.`,
    `import type { ApiSchemaEntry, ApiSchemaRegistry, MessageSchema } from '../codec/schema';`,
    ...messages.map((m) => `import { ${schemaConstName(m)} } from './${kebabCase(m)}';`),
    '',
    '/** The APIs this codec was generated for, in apiKey order. */',
    'export const SUPPORTED_APIS: readonly ApiSchemaEntry[] = [',
    ...apis.map((a) => {
      const [req, res] = [schemaConstName(`${a.name}Request`), schemaConstName(`${a.name}Response`)];
      return `  { name: '${a.name}', apiKey: ${a.apiKey}, request: ${req}, response: ${res}, minVersion: ${a.versions[0]}, maxVersion: ${a.versions[1]} },`;
    }),
    '];',
    '',
    '/** SUPPORTED_APIS keyed by apiKey. */',
    'export const API_SCHEMAS: ApiSchemaRegistry = Object.fromEntries(SUPPORTED_APIS.map((api) => [api.apiKey, api]));',
    '',
    '/** Every generated message schema, headers first. */',
    'export const MESSAGE_SCHEMAS: readonly MessageSchema<unknown>[] = [',
    ...messages.map((m) => `  ${schemaConstName(m)},`),
    '];',
    '',
  ].join('\n');
}

/** Writes the files and removes generated files no longer produced. Returns the process exit status. */
export function main(args: readonly string[]): number {
  const [messagesDir, outDir = path.resolve(__dirname, '../../src/protocol/generated')] = args;
  if (!messagesDir) {
    console.error('usage: node dist/scripts/generate-protocol.js <kafka messages dir> [output dir]');
    return 2;
  }
  const files = generateProtocolFiles(messagesDir);
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of fs.readdirSync(outDir)) {
    const file = path.join(outDir, name);
    if (name.endsWith('.ts') && !files.has(name) && fs.readFileSync(file, 'utf8').startsWith(GENERATED_MARKER)) fs.unlinkSync(file);
  }
  for (const [name, text] of files) fs.writeFileSync(path.join(outDir, name), text);
  console.log(`wrote ${files.size} files to ${outDir}`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
