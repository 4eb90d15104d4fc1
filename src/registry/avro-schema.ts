import * as avro from 'avsc';
import { registryErrors } from './registry-errors';
import type { AvroSchema } from '../formats/record-file-writer';

/** An Avro schema a client registered: its canonical text (what is stored, compared and answered) and its parsed type. */
export interface ParsedAvroSchema {
  canonical: string;
  type: avro.Type;
  /** The schema as the client wrote it, parsed from JSON (valid: avsc took it). */
  json: AvroSchema;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
/** Avro's own key order when it prints a schema; other attributes follow, sorted. */
const KEY_ORDER = ['type', 'name', 'namespace', 'doc', 'fields', 'symbols', 'items', 'values', 'size', 'default', 'aliases', 'order', 'logicalType', 'precision', 'scale'];
const FIELD_KEY_ORDER = ['name', 'type', 'doc', 'default', 'order', 'aliases'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function rank(order: string[], key: string): number {
  const index = order.indexOf(key);
  return index < 0 ? order.length : index;
}

/** The same schema written two ways ({"type":"string"} or "string", keys in any order, any spacing) gets one text. */
function normalize(node: Json, context: 'schema' | 'fields' | 'default' = 'schema'): Json {
  if (Array.isArray(node)) return node.map((item) => normalize(item, context));
  if (node === null || typeof node !== 'object') return node;
  if (context === 'default') {
    return Object.fromEntries(Object.keys(node).sort().map((key) => [key, normalize(node[key], 'default')]));
  }
  const keys = Object.keys(node);
  if (context === 'schema' && keys.length === 1 && keys[0] === 'type' && typeof node.type === 'string' && PRIMITIVES.has(node.type)) return node.type;
  const order = context === 'fields' ? FIELD_KEY_ORDER : KEY_ORDER;
  keys.sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0));
  const childContext = (key: string) => (key === 'default' ? 'default' : key === 'fields' && context === 'schema' ? 'fields' : 'schema');
  return Object.fromEntries(keys.map((key) => [key, normalize(node[key], childContext(key))]));
}

/** Parses with avsc (42201 naming what is wrong) and answers the canonical form Confluent would compare. */
export function parseAvroSchema(text: string): ParsedAvroSchema {
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (error) {
    throw registryErrors.invalidSchema(`Invalid schema: not JSON: ${(error as Error).message}`);
  }
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(json as avro.Schema);
  } catch (error) {
    throw registryErrors.invalidSchema(`Invalid schema: ${(error as Error).message}`);
  }
  return { canonical: JSON.stringify(normalize(json)), type, json: json as AvroSchema };
}
