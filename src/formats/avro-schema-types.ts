// Avro's schema types (their own file so the fast path's modules can use them without an import cycle).
/** Avro's JSON schema form, as read from an .avsc file. */
export type AvroSchema = string | AvroSchemaObject | AvroSchema[];

export interface AvroSchemaObject {
  type: string | AvroSchema;
  name?: string;
  namespace?: string;
  fields?: AvroField[];
  items?: AvroSchema;
  values?: AvroSchema;
  symbols?: string[];
  size?: number;
  logicalType?: string;
  precision?: number;
  scale?: number;
  doc?: string;
  [key: string]: unknown;
}

export interface AvroField {
  name: string;
  type: AvroSchema;
  default?: unknown;
  doc?: string;
}
