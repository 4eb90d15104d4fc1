// The shape of a Kafka message as scripts/generate-protocol.ts writes it from Kafka's JSON definitions.
// The codec (encode.ts, decode.ts) interprets these objects; there is no per-message code.

export type IntegerKind = 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64';
export type PrimitiveKind = 'bool' | IntegerKind | 'float64' | 'string' | 'bytes' | 'records' | 'uuid';
export type FieldKind = PrimitiveKind | 'array' | 'struct';
export type ElementKind = PrimitiveKind | 'struct';
export type MessageType = 'request' | 'response' | 'header';

/** Inclusive range of message versions. Generated ranges never reach past the generated versions. */
export type VersionRange = readonly [first: number, last: number];

/** A JSON "default" after parsing: numbers for integer and float kinds, null where the JSON said "null". */
export type DefaultValue = number | boolean | string | null;

export interface FieldSchema {
  /** The JSON name with its first letter lower-cased: the property name in the generated interface. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Arrays only: what each element is. */
  readonly elementKind?: ElementKind;
  /** Versions in which the field exists (inline, or in the tagged section when tagged). */
  readonly versions: VersionRange;
  readonly nullableVersions?: VersionRange;
  readonly tag?: number;
  readonly taggedVersions?: VersionRange;
  /** Overrides the message's flexible versions for this field's own encoding ('none': always old-style). */
  readonly flexibleVersions?: VersionRange | 'none';
  /** The explicit JSON default; without one the kind's default applies (see defaults.ts). */
  readonly default?: DefaultValue;
  /** Structs and arrays of structs: the fields of each struct. */
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema<T> {
  readonly name: string;
  /** undefined for the request and response headers. */
  readonly apiKey: number | undefined;
  readonly type: MessageType;
  /** The versions this codec was generated for. */
  readonly versions: VersionRange;
  /**
   * Kafka's first flexible version, or null if none. It may lie beyond `versions`: header versions
   * for requests newer than the generated range still follow it.
   */
  readonly firstFlexibleVersion: number | null;
  readonly fields: readonly FieldSchema[];
  /** Never set: ties the schema to its TypeScript type so the type checker can tell schemas apart. */
  readonly valueType?: T;
}

/** One Kafka API in the generated registry (API_SCHEMAS). */
export interface ApiSchemaEntry {
  readonly name: string;
  readonly apiKey: number;
  readonly request: MessageSchema<unknown>;
  readonly response: MessageSchema<unknown>;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export type ApiSchemaRegistry = { readonly [apiKey: number]: ApiSchemaEntry | undefined };

/** Kafka refuses longer strings even where a compact length could express them. */
export const MAX_STRING_BYTES = 0x7fff;

/** The values each integer kind holds (int64: as numbers, so its ends are rounded). */
export const INTEGER_RANGES: Readonly<Record<IntegerKind, readonly [number, number]>> = {
  int8: [-0x80, 0x7f],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

export function inVersions(range: VersionRange | undefined, version: number): boolean {
  return range !== undefined && version >= range[0] && version <= range[1];
}

export function isFlexibleVersion(schema: MessageSchema<unknown>, version: number): boolean {
  return schema.firstFlexibleVersion !== null && version >= schema.firstFlexibleVersion;
}

/** Whether the field sits in the tagged-field section (rather than inline) in this version. */
export function isTaggedIn(field: FieldSchema, version: number): boolean {
  return field.tag !== undefined && inVersions(field.taggedVersions, version);
}

export function isNullableIn(field: FieldSchema, version: number): boolean {
  return inVersions(field.nullableVersions, version);
}

/** Whether the field's own strings, bytes and arrays use the compact (varint) encoding. */
export function usesCompactEncoding(field: FieldSchema, version: number, messageIsFlexible: boolean): boolean {
  if (!messageIsFlexible || field.flexibleVersions === 'none') return false;
  return field.flexibleVersions === undefined || inVersions(field.flexibleVersions, version);
}
