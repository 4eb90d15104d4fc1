// Default values, following Kafka's message README: used for fields absent in a version, tagged fields
// not sent, and undefined values on encode. Tagged fields are only sent when they differ from these.
import type { FieldSchema } from './schema';

const UUID_BYTES = 16;

/** A fresh default value for the field (callers may mutate what they get). */
export function defaultValue(field: FieldSchema): unknown {
  if (field.default !== undefined) return field.default;
  switch (field.kind) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return Buffer.alloc(UUID_BYTES);
    case 'array':
      return [];
    case 'struct':
      return defaultStruct(field.fields ?? []);
    default:
      return 0;
  }
}

export function defaultStruct(fields: readonly FieldSchema[]): Record<string, unknown> {
  const struct: Record<string, unknown> = {};
  for (const field of fields) struct[field.name] = defaultValue(field);
  return struct;
}

/** Whether `value` equals the field's default (undefined counts as the default). */
export function isDefaultValue(field: FieldSchema, value: unknown): boolean {
  if (value === undefined) return true;
  const fallback = field.default !== undefined ? field.default : implicitDefaultShape(field);
  if (fallback === null || value === null) return fallback === value;
  switch (field.kind) {
    case 'bytes':
    case 'uuid':
      return Buffer.isBuffer(value) && Buffer.isBuffer(fallback) && value.equals(fallback);
    case 'array':
      return Array.isArray(value) && value.length === 0;
    case 'struct':
      return (
        typeof value === 'object' &&
        (field.fields ?? []).every((sub) => isDefaultValue(sub, (value as Record<string, unknown>)[sub.name]))
      );
    default:
      return value === fallback;
  }
}

function implicitDefaultShape(field: FieldSchema): unknown {
  return field.kind === 'struct' ? {} : defaultValue(field);
}
