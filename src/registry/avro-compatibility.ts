import type * as avro from 'avsc';

/**
 * Why a reader schema cannot read what a writer schema wrote, under Avro's schema resolution rules: the first
 * problem found, with where it is ("/fields/user/type"), or undefined when it can. avsc's resolver
 * (`reader.createResolver(writer)`) decides; the walk below only puts the reason into words.
 */
export function readProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    return explain(reader, writer, '') ?? `the reader schema cannot read the writer schema: ${(error as Error).message}`;
  }
}

/** Avro's promotions: what a writer's primitive may be read as. */
const PROMOTIONS: Record<string, string[]> = {
  int: ['int', 'long', 'float', 'double'],
  long: ['long', 'float', 'double'],
  float: ['float', 'double'],
  string: ['string', 'bytes'],
  bytes: ['bytes', 'string'],
};

interface Named { name?: string; aliases?: string[] }
interface FieldLike { name: string; aliases: string[]; type: avro.Type; defaultValue(): unknown }
interface Composite extends avro.Type {
  fields?: FieldLike[];
  symbols?: string[];
  default?: string;
  size?: number;
  itemsType?: avro.Type;
  valuesType?: avro.Type;
  types?: avro.Type[];
  underlyingType?: avro.Type;
}

function kind(type: avro.Type): string {
  const name = type.typeName;
  if (name.startsWith('union')) return 'union';
  if (name.startsWith('logical')) return kind((type as Composite).underlyingType!);
  return name;
}

function describe(type: avro.Type): string {
  const k = kind(type);
  return type.name ? `${k} '${type.name}'` : `"${k}"`;
}

function at(path: string): string {
  return path === '' ? '' : ` at ${path}`;
}

function canRead(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

function sameName(reader: Named, writer: Named): boolean {
  const short = (name?: string) => name?.split('.').pop();
  const names = [reader.name, ...(reader.aliases ?? [])];
  return names.some((n) => n === writer.name || short(n) === short(writer.name));
}

function explain(reader: avro.Type, writer: avro.Type, path: string): string | undefined {
  const r = reader as Composite;
  const w = writer as Composite;
  const readerKind = kind(reader);
  const writerKind = kind(writer);
  if (writerKind === 'union') {
    for (const [index, branch] of w.types!.entries()) {
      if (!canRead(reader, branch)) {
        return explain(reader, branch, `${path}/${index}`) ?? `the writer union's branch ${describe(branch)} cannot be read as ${describe(reader)}${at(path)}`;
      }
    }
    return undefined;
  }
  if (readerKind === 'union') {
    if (r.types!.some((branch) => canRead(branch, writer))) return undefined;
    return `the writer's ${describe(writer)} matches no branch of the reader union [${r.types!.map(describe).join(', ')}]${at(path)}`;
  }
  if (readerKind !== writerKind && !(PROMOTIONS[writerKind] ?? []).includes(readerKind)) {
    return `the writer's ${describe(writer)} cannot be read as ${describe(reader)}${at(path)}`;
  }
  if (['record', 'enum', 'fixed'].includes(readerKind) && !sameName(r, w)) {
    return `the writer's ${describe(writer)} and the reader's ${describe(reader)} have different names${at(path)}`;
  }
  switch (readerKind) {
    case 'record':
      for (const field of r.fields!) {
        const written = w.fields!.find((f) => f.name === field.name || field.aliases.includes(f.name));
        if (!written) {
          if (field.defaultValue() === undefined) {
            return `reader field '${field.name}' has no default and the writer schema lacks it${at(path)}`;
          }
          continue;
        }
        const problem = canRead(field.type, written.type) ? undefined : explain(field.type, written.type, `${path}/fields/${field.name}`);
        if (problem) return problem;
      }
      return undefined;
    case 'enum': {
      const missing = w.symbols!.filter((s) => !r.symbols!.includes(s));
      if (missing.length > 0 && r.default === undefined) {
        return `the writer's enum '${w.name}' has symbol${missing.length > 1 ? 's' : ''} ${missing.map((s) => `'${s}'`).join(', ')} that the reader's lacks, and the reader has no default${at(path)}`;
      }
      return undefined;
    }
    case 'fixed':
      return r.size === w.size ? undefined : `the writer's fixed '${w.name}' has size ${w.size} and the reader's ${r.size}${at(path)}`;
    case 'array':
      return explain(r.itemsType!, w.itemsType!, `${path}/items`);
    case 'map':
      return explain(r.valuesType!, w.valuesType!, `${path}/values`);
    default:
      return undefined;
  }
}
