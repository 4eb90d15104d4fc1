// Whether data written with one Avro schema can be read with another, by the Avro specification's schema
// resolution rules, reported the way Avro's SchemaCompatibility (and so Confluent's registry) names them.
import type { AvroField, AvroSchema, AvroSchemaObject } from './record-file-writer';

/** Avro's SchemaIncompatibilityType names. */
export type IncompatibilityType =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

export interface Incompatibility {
  type: IncompatibilityType;
  /** A JSON pointer into the reader schema, as Avro reports it: `/fields/3/type`. */
  location: string;
  /** The dotted field path in the reader schema (`address.zip`), or `(root)`. */
  field: string;
  message: string;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** What each writer primitive may be read as besides itself (the spec's promotions). */
const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

/** A schema node with named references resolved: a primitive name, a union, or a complex object. */
type Node = { kind: 'primitive'; name: string } | { kind: 'union'; branches: AvroSchema[] } | { kind: 'complex'; schema: AvroSchemaObject; fullName?: string };

/** Full name → definition of every named type in a schema, for resolving references. */
class NamedTypes {
  private readonly byName = new Map<string, { schema: AvroSchemaObject; fullName: string }>();

  constructor(root: AvroSchema) {
    this.collect(root, '');
  }

  resolve(schema: AvroSchema, namespace: string): Node & { namespace: string } {
    if (Array.isArray(schema)) return { kind: 'union', branches: schema, namespace };
    if (typeof schema === 'string') {
      if (PRIMITIVES.has(schema)) return { kind: 'primitive', name: schema, namespace };
      const named = this.byName.get(schema.includes('.') ? schema : namespace ? `${namespace}.${schema}` : schema) ?? this.byName.get(schema);
      if (!named) return { kind: 'primitive', name: schema, namespace };
      return { kind: 'complex', schema: named.schema, fullName: named.fullName, namespace: spaceOf(named.fullName) };
    }
    if (typeof schema.type !== 'string') return this.resolve(schema.type, namespace);
    if (PRIMITIVES.has(schema.type)) return { kind: 'primitive', name: schema.type, namespace };
    if (['record', 'error', 'enum', 'fixed'].includes(schema.type)) {
      const fullName = fullNameOf(schema, namespace);
      return { kind: 'complex', schema, fullName, namespace: spaceOf(fullName) };
    }
    if (schema.type === 'array' || schema.type === 'map') return { kind: 'complex', schema, namespace };
    return this.resolve(schema.type, namespace);
  }

  private collect(schema: AvroSchema | undefined, namespace: string): void {
    if (schema === undefined || typeof schema === 'string') return;
    if (Array.isArray(schema)) {
      for (const branch of schema) this.collect(branch, namespace);
      return;
    }
    if (typeof schema.type !== 'string') return this.collect(schema.type, namespace);
    if (['record', 'error', 'enum', 'fixed'].includes(schema.type)) {
      const fullName = fullNameOf(schema, namespace);
      if (!this.byName.has(fullName)) this.byName.set(fullName, { schema, fullName });
      for (const field of schema.fields ?? []) this.collect(field.type, spaceOf(fullName));
      return;
    }
    this.collect(schema.items, namespace);
    this.collect(schema.values, namespace);
  }
}

function fullNameOf(schema: AvroSchemaObject, namespace: string): string {
  const name = String(schema.name ?? '');
  if (name.includes('.')) return name;
  const space = typeof schema.namespace === 'string' ? schema.namespace : namespace;
  return space ? `${space}.${name}` : name;
}

function spaceOf(fullName: string): string {
  return fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
}

const shortName = (fullName: string) => fullName.slice(fullName.lastIndexOf('.') + 1);

function describe(node: Node): string {
  if (node.kind === 'primitive') return node.name;
  if (node.kind === 'union') return 'union';
  return node.fullName ? `${String(node.schema.type)} ${node.fullName}` : String(node.schema.type);
}

interface Side {
  types: NamedTypes;
  schema: AvroSchema;
  namespace: string;
}

/**
 * Every reason data written with `writer` cannot be read with `reader` (empty: it can). Named types are matched
 * by unqualified name or a reader alias, as Avro's own checker does; logical types are annotations and play no part.
 */
export function readIncompatibilities(reader: AvroSchema, writer: AvroSchema): Incompatibility[] {
  const found: Incompatibility[] = [];
  const checking = new Set<string>();
  const check = (r: Side, w: Side, location: string, field: string): void => {
    const rn = r.types.resolve(r.schema, r.namespace);
    const wn = w.types.resolve(w.schema, w.namespace);
    const report = (type: IncompatibilityType, message: string, part = ''): void => {
      found.push({ type, location: `${location}${part}` || '/', field, message });
    };
    if (wn.kind === 'union') {
      // Every branch the writer may have written must be readable.
      // As Avro locates it: the writer branch's index, when the reader is a union too.
      wn.branches.forEach((branch, i) => check(r, { ...w, schema: branch, namespace: wn.namespace }, rn.kind === 'union' ? `${location}/${i}` : location, field));
      return;
    }
    if (rn.kind === 'union') {
      const readable = rn.branches.some((branch) => readIncompatibilitiesOf({ ...r, schema: branch, namespace: rn.namespace }, w).length === 0);
      if (!readable) report('MISSING_UNION_BRANCH', `reader union lacks a branch for the writer's ${describe(wn)}`);
      return;
    }
    if (rn.kind === 'primitive' || wn.kind === 'primitive') {
      const same = rn.kind === 'primitive' && wn.kind === 'primitive' && (rn.name === wn.name || (PROMOTIONS[wn.name] ?? []).includes(rn.name));
      if (!same) report('TYPE_MISMATCH', `reader type ${describe(rn)} cannot read writer type ${describe(wn)}`);
      return;
    }
    const rs = rn.schema;
    const ws = wn.schema;
    const rType = rs.type === 'error' ? 'record' : rs.type;
    const wType = ws.type === 'error' ? 'record' : ws.type;
    if (rType !== wType) return report('TYPE_MISMATCH', `reader type ${describe(rn)} cannot read writer type ${describe(wn)}`);
    if (rn.fullName !== undefined && wn.fullName !== undefined) {
      const aliases = Array.isArray(rs.aliases) ? (rs.aliases as string[]).map(shortName) : [];
      if (shortName(rn.fullName) !== shortName(wn.fullName) && !aliases.includes(shortName(wn.fullName))) {
        return report('NAME_MISMATCH', `expected name ${wn.fullName}, the reader's is ${rn.fullName}`, '/name');
      }
    }
    switch (rType) {
      case 'fixed':
        if (rs.size !== ws.size) report('FIXED_SIZE_MISMATCH', `expected size ${String(ws.size)}, the reader's is ${String(rs.size)}`, '/size');
        return;
      case 'enum': {
        const missing = (ws.symbols ?? []).filter((s) => !(rs.symbols ?? []).includes(s));
        if (missing.length > 0 && rs.default === undefined) report('MISSING_ENUM_SYMBOLS', `the reader lacks the writer's symbols ${missing.join(', ')}`, '/symbols');
        return;
      }
      case 'array':
        return check({ ...r, schema: rs.items!, namespace: rn.namespace }, { ...w, schema: ws.items!, namespace: wn.namespace }, `${location}/items`, `${field}[]`);
      case 'map':
        return check({ ...r, schema: rs.values!, namespace: rn.namespace }, { ...w, schema: ws.values!, namespace: wn.namespace }, `${location}/values`, `${field}{}`);
      default: {
        const key = `${rn.fullName}|${wn.fullName}`;
        if (checking.has(key)) return; // a recursive record: assumed compatible while its own fields are checked
        checking.add(key);
        (rs.fields ?? []).forEach((readerField, i) => {
          const fieldPath = field === '(root)' ? readerField.name : `${field}.${readerField.name}`;
          const writerField = writerFieldFor(readerField, ws.fields ?? []);
          if (writerField) {
            check({ ...r, schema: readerField.type, namespace: rn.namespace }, { ...w, schema: writerField.type, namespace: wn.namespace }, `${location}/fields/${i}/type`, fieldPath);
          } else if (readerField.default === undefined) {
            found.push({ type: 'READER_FIELD_MISSING_DEFAULT_VALUE', location: `${location}/fields/${i}`, field: fieldPath, message: `field ${fieldPath} is not in the writer's schema and has no default` });
          }
        });
        checking.delete(key);
      }
    }
  };
  const readIncompatibilitiesOf = (r: Side, w: Side): Incompatibility[] => {
    const before = found.length;
    check(r, w, '', '');
    return found.splice(before);
  };
  check({ types: new NamedTypes(reader), schema: reader, namespace: '' }, { types: new NamedTypes(writer), schema: writer, namespace: '' }, '', '(root)');
  return found;
}

function writerFieldFor(readerField: AvroField, writerFields: readonly AvroField[]): AvroField | undefined {
  const byName = writerFields.find((f) => f.name === readerField.name);
  if (byName) return byName;
  const declared = (readerField as AvroField & { aliases?: unknown }).aliases;
  const aliases = Array.isArray(declared) ? declared.filter((a): a is string => typeof a === 'string') : [];
  return writerFields.find((f) => aliases.includes(f.name));
}
