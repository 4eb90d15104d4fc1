// `output.partitioning`: the directory template of a table, over event time (Java DateTimeFormatter letters, as
// kafka-connect-hdfs's `path.format`) and top-level record fields, with values escaped as Hive escapes them.
import type { AvroSchema } from '../formats/record-file-writer';

export const DEFAULT_PARTITIONING = 'dt={yyyy-MM-dd}/hr={HH}';

export type TimeToken = 'yyyy' | 'MM' | 'dd' | 'HH' | 'mm';
/** Coarse to fine: a template's time tokens are a prefix of this, at least through `dd`. */
const TOKEN_ORDER: readonly TimeToken[] = ['yyyy', 'MM', 'dd', 'HH', 'mm'];
export type Granularity = 'day' | 'hour' | 'minute';
const GRANULARITY_OF_TOKENS: Record<number, Granularity> = { 3: 'day', 4: 'hour', 5: 'minute' };

export type TimePart = { token: TimeToken } | { literal: string };
export interface TimeSegment { kind: 'time'; column: string; parts: TimePart[] }
export interface FieldSegment { kind: 'field'; column: string; field: string }
export type PartitionSegment = TimeSegment | FieldSegment;

/** A parsed template: plain data, so a job posted to a worker thread keeps it. Field segments come first. */
export interface PartitionTemplate {
  template: string;
  segments: PartitionSegment[];
  granularity: Granularity;
}

export class PartitionTemplateError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'PartitionTemplateError';
  }
}

/** Hive's partition value for null or the empty string (`hive.exec.default.partition.name`). */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

// Characters Hive's FileUtils.escapePathName writes as %XX: control characters, DEL and " # % ' * / : = ? \ { [ ] ^
function needsEscape(code: number): boolean {
  return (code >= 0x01 && code <= 0x1f) || code === 0x7f || '"#%\'*/:=?\\{[]^'.includes(String.fromCharCode(code));
}

/** A partition value as Hive writes it in a directory name. */
export function escapePathName(value: string | null): string {
  if (value === null || value === '') return HIVE_DEFAULT_PARTITION;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    out += needsEscape(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : value[i];
  }
  return out;
}

/** The value a directory name stands for, as Hive's unescapePathName reads it (null for the default partition). */
export function unescapePathName(name: string): string | null {
  if (name === HIVE_DEFAULT_PARTITION) return null;
  return name.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)=\{([^{}/]+)\}$/;
/** A placeholder made of date-time letters and separators is a time pattern; anything else names a field. */
const TIME_LIKE = /^[GuyYMLdDHhkKmsS]+(?:[-_.][GuyYMLdDHhkKmsS]+)*$/;

function timeParts(pattern: string, segment: string): TimePart[] {
  const parts: TimePart[] = [];
  for (const run of pattern.match(/([A-Za-z])\1*|[^A-Za-z]+/g) ?? []) {
    if (/^[A-Za-z]/.test(run)) {
      if (!(TOKEN_ORDER as readonly string[]).includes(run)) {
        const hint = run.startsWith('Y') ? ' (Y is the week-based year in Java DateTimeFormatter; use yyyy)' : run === 'hh' ? ' (hh is the 12-hour clock; use HH)' : '';
        throw new PartitionTemplateError(`segment ${JSON.stringify(segment)}: ${run} is not a supported time pattern${hint}; use yyyy, MM, dd, HH and mm`);
      }
      parts.push({ token: run as TimeToken });
    } else {
      parts.push({ literal: run });
    }
  }
  return parts;
}

/** Parses and checks a template's shape (not its fields: see `partitionFieldProblem`). */
export function parsePartitionTemplate(template: string): PartitionTemplate {
  const segments: PartitionSegment[] = [];
  const columns = new Set<string>();
  for (const text of template.split('/')) {
    const match = SEGMENT.exec(text);
    if (!match) throw new PartitionTemplateError(`segment ${JSON.stringify(text)} must be name={placeholder}, as dt={yyyy-MM-dd} or country={country} (the name is the Hive partition column)`);
    const [, column, placeholder] = match;
    if (columns.has(column.toLowerCase())) throw new PartitionTemplateError(`the partition column ${column} appears twice (Hive column names ignore case)`);
    columns.add(column.toLowerCase());
    if (TIME_LIKE.test(placeholder)) {
      segments.push({ kind: 'time', column, parts: timeParts(placeholder, text) });
    } else {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(placeholder)) throw new PartitionTemplateError(`segment ${JSON.stringify(text)}: {${placeholder}} is neither a time pattern (yyyy, MM, dd, HH, mm) nor a field name`);
      if (segments.some((s) => s.kind === 'time')) {
        throw new PartitionTemplateError(`segment ${JSON.stringify(text)}: field segments must come before the time segments, as country={country}/dt={yyyy-MM-dd} (a time partition's directories sit under each field value)`);
      }
      segments.push({ kind: 'field', column, field: placeholder });
    }
  }
  const tokens = segments.flatMap((s) => (s.kind === 'time' ? s.parts.flatMap((p) => ('token' in p ? [p.token] : [])) : []));
  if (tokens.length === 0) throw new PartitionTemplateError('needs time segments, as dt={yyyy-MM-dd}: completeness (_SUCCESS) is computed per time partition');
  tokens.forEach((token, i) => {
    if (tokens.indexOf(token) !== i) throw new PartitionTemplateError(`{${token}} appears twice`);
    if (TOKEN_ORDER[i] !== token) {
      const missing = TOKEN_ORDER.slice(0, TOKEN_ORDER.indexOf(token)).filter((t) => !tokens.slice(0, i).includes(t));
      throw new PartitionTemplateError(missing.length > 0
        ? `{${token}} needs ${missing.map((t) => `{${t}}`).join(', ')} before it: time partitions go from the year down with no gap (yyyy, MM, dd, HH, mm)`
        : `{${token}} comes after a finer token: time partitions go from the year down (yyyy, MM, dd, HH, mm)`);
    }
  });
  const granularity = GRANULARITY_OF_TOKENS[tokens.length];
  if (!granularity) throw new PartitionTemplateError('the time segments must reach at least the day (yyyy, MM and dd): granularity goes from a day down to a minute');
  return { template, segments, granularity };
}

export function partitionColumns(template: PartitionTemplate): string[] {
  return template.segments.map((s) => s.column);
}

export function fieldSegments(template: PartitionTemplate): FieldSegment[] {
  return template.segments.filter((s): s is FieldSegment => s.kind === 'field');
}

export function timeSegments(template: PartitionTemplate): TimeSegment[] {
  return template.segments.filter((s): s is TimeSegment => s.kind === 'time');
}

const FIELD_TYPES = ['string', 'int', 'long', 'boolean'];

function fieldTypeProblem(type: unknown): string | null {
  const branches = Array.isArray(type) ? type.filter((b) => b !== 'null') : [type];
  if (branches.length !== 1) return `has type ${JSON.stringify(type)}; a partition field is a string, int, long, boolean or enum, or a union of one with null`;
  const branch = branches[0];
  if (typeof branch === 'string' && FIELD_TYPES.includes(branch)) return null;
  if (typeof branch === 'object' && branch !== null && !Array.isArray(branch)) {
    const { type: inner, logicalType } = branch as { type?: unknown; logicalType?: unknown };
    if (inner === 'enum') return null;
    if (typeof inner === 'string' && FIELD_TYPES.includes(inner) && logicalType === undefined) return null;
    if (logicalType !== undefined) return `has logical type ${String(logicalType)}; partition by time with the time segments`;
  }
  return `has type ${JSON.stringify(type).slice(0, 80)}; a partition field is a string, int, long, boolean or enum, or a union of one with null`;
}

/**
 * Why the template's fields do not fit the value schema, or null: each field segment names a top-level primitive or
 * enum field (nullable allowed); no time column shares a field's name (Hive takes partition columns apart from the
 * table's, so the directory value would hide the field).
 */
export function partitionFieldProblem(template: PartitionTemplate, schema: AvroSchema): string | null {
  const fields = typeof schema === 'object' && schema !== null && !Array.isArray(schema) && Array.isArray(schema.fields) ? schema.fields : null;
  if (!fields) return fieldSegments(template).length > 0 ? 'field segments need a record schema' : null;
  for (const segment of template.segments) {
    const own = segment.kind === 'field' ? segment.field : null;
    const clash = fields.find((f) => f.name.toLowerCase() === segment.column.toLowerCase() && f.name !== own);
    if (clash) return `the partition column ${segment.column} has the name of the schema's field ${clash.name}; name the segment otherwise`;
    if (segment.kind !== 'field') continue;
    const field = fields.find((f) => f.name === segment.field);
    if (!field) return `{${segment.field}} is not a field of the schema (its fields: ${fields.map((f) => f.name).join(', ')})`;
    const problem = fieldTypeProblem(field.type);
    if (problem) return `field ${segment.field} ${problem}`;
  }
  return null;
}

/** A field's value as a partition value: strings and enums as they are, numbers and booleans as Java prints them. */
export function partitionValueOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

/** The field segments of a record's directory, escaped: `country=US` (empty for a template without fields). */
export function fieldPrefixOf(template: PartitionTemplate, record: Record<string, unknown>): string {
  let prefix = '';
  for (const segment of template.segments) {
    if (segment.kind !== 'field') break;
    prefix += `${segment.column}=${escapePathName(partitionValueOf(record[segment.field]))}/`;
  }
  return prefix;
}
