import type { AvroSchema } from '../formats/record-file-writer';

/**
 * How a record's time field is read as event time: its value in epoch `millis` or `micros` (numbers), or an `iso`
 * string. `nullable`: a union with null, whose null values make bad records.
 */
export interface TimeFieldReading {
  unit: 'millis' | 'micros' | 'iso';
  nullable: boolean;
}

const NUMBER_TYPES = ['int', 'long', 'float', 'double'];
const MICROS = ['timestamp-micros', 'local-timestamp-micros'];
/** Logical types whose numbers are not instants: days since the epoch, times of day, decimals. */
const NOT_INSTANTS = ['date', 'time-millis', 'time-micros', 'decimal', 'duration'];

function describe(type: unknown): string {
  return JSON.stringify(type).slice(0, 80);
}

function readingOfBranch(type: unknown): Omit<TimeFieldReading, 'nullable'> | string {
  const primitive = typeof type === 'string' ? type : typeof type === 'object' && type !== null && !Array.isArray(type) ? (type as { type?: unknown }).type : undefined;
  const logical = typeof type === 'object' && type !== null ? (type as { logicalType?: unknown }).logicalType : undefined;
  if (typeof logical === 'string' && NOT_INSTANTS.includes(logical)) return `has logical type ${logical}, which is not an instant`;
  if (primitive === 'string') return logical === undefined ? { unit: 'iso' } : `is a string with logical type ${String(logical)}, not an ISO time`;
  if (typeof primitive === 'string' && NUMBER_TYPES.includes(primitive)) {
    return { unit: typeof logical === 'string' && MICROS.includes(logical) ? 'micros' : 'millis' };
  }
  return `has type ${describe(type)}; a time field is an int or long (epoch milliseconds, or timestamp-millis/micros) or a string holding an ISO time`;
}

/**
 * How `field` of a record schema is read as event time, or why it cannot be (a string to report). Numbers are epoch
 * milliseconds unless the logical type says microseconds, as the decoder reads them.
 */
export function timeFieldReading(schema: AvroSchema, field: string): TimeFieldReading | string {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || !Array.isArray(schema.fields)) {
    return 'needs a record schema to name a field of';
  }
  const found = schema.fields.find((f) => f.name === field);
  if (!found) return `is not a field of the schema (its fields: ${schema.fields.map((f) => f.name).join(', ')})`;
  const branches: unknown[] = Array.isArray(found.type) ? found.type : [found.type];
  const nonNull = branches.filter((b) => b !== 'null');
  const readings = nonNull.map(readingOfBranch);
  const problem = readings.find((r): r is string => typeof r === 'string');
  if (problem !== undefined) return problem;
  const units = new Set(readings.map((r) => (r as Omit<TimeFieldReading, 'nullable'>).unit));
  if (units.size !== 1) return `has type ${describe(found.type)}: a union of branches read in different units`;
  return { unit: [...units][0], nullable: nonNull.length < branches.length };
}
