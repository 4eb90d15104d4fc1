// The decoder of one message version as straight-line JavaScript, built once from the same schema decode.ts
// interprets: no per-field version tests, no path bookkeeping, and result objects built by one literal, so
// that every struct of a kind has one shape (the interpreter's keyed stores left handlers reading
// megamorphic objects). It accepts exactly what the interpreter accepts; on any failure decodeMessage
// reads the message again with the interpreter, whose error names the field, the offset and the reason.
import { defaultValue } from './defaults';
import type { Reader } from './reader';
import { compiledPerVersion, PerVersionCache, SourceBuilder } from './compiled-source';
import { ElementKind, FieldSchema, inVersions, isFlexibleVersion, isNullableIn, isTaggedIn, MAX_STRING_BYTES, MessageSchema, usesCompactEncoding } from './schema';

export type CompiledDecoder = (reader: Reader) => unknown;

/** Thrown inside compiled code; never escapes decodeMessage, which then runs the interpreter. */
class CompiledDecodeMiss extends Error {}

const compiled: PerVersionCache<CompiledDecoder> = new WeakMap();

export function compiledDecoderFor(schema: MessageSchema<unknown>, version: number, minElementSize: MinElementSize): CompiledDecoder {
  return compiledPerVersion(compiled, schema, version, () => new DecoderSource(version, isFlexibleVersion(schema, version), minElementSize).build(schema.fields));
}

/** decode.ts's fewest bytes of one array element, so that a huge count fails before anything is read. */
export type MinElementSize = (version: number, flexible: boolean, field: FieldSchema, kind: ElementKind, compact: boolean) => number;

class DecoderSource extends SourceBuilder {
  constructor(
    version: number,
    flexible: boolean,
    private readonly minElementSize: MinElementSize,
  ) {
    super(version, flexible);
  }

  build(fields: readonly FieldSchema[]): CompiledDecoder {
    const top = this.struct(fields);
    return this.compile(top, { defaultValue, miss, checkedLength });
  }

  /** Writes the function that reads a struct of these fields; its name. */
  private struct(fields: readonly FieldSchema[]): string {
    const name = this.nextName('s');
    const lines: string[] = [];
    const tagged: [FieldSchema, number][] = [];
    fields.forEach((field, i) => {
      const present = inVersions(field.versions, this.version);
      if (!present || isTaggedIn(field, this.version)) {
        lines.push(`let v${i} = ${this.defaultOf(field)};`);
        if (present) tagged.push([field, i]);
      } else {
        lines.push(`const v${i} = ${this.field(field, 'r')};`);
      }
    });
    if (this.flexible) lines.push(this.taggedSection(tagged));
    const literal = fields.map((f, i) => `${JSON.stringify(f.name)}: v${i}`).join(', ');
    this.functions.push(`function ${name}(r) {\n${lines.join('\n')}\nreturn { ${literal} };\n}`);
    return name;
  }

  private taggedSection(tagged: [FieldSchema, number][]): string {
    const cases = tagged.map(([field, i]) =>
      `case ${field.tag}: { const t = r.take(size); v${i} = ${this.field(field, 't')}; if (t.remaining !== 0) miss(); break; }`);
    return [
      'const count = r.readUVarint();',
      'if (count * 2 > r.remaining) miss();',
      'for (let i = 0; i < count; i++) {',
      'const tag = r.readUVarint(); const size = r.readUVarint();',
      `switch (tag) { ${cases.join(' ')} default: r.skip(size); }`,
      '}',
    ].join('\n');
  }

  private defaultOf(field: FieldSchema): string {
    const value = defaultValue(field);
    if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
    return `defaultValue(${this.ref(field)})`;
  }

  /** An expression reading the field from reader `r`. */
  private field(field: FieldSchema, r: string): string {
    const compact = usesCompactEncoding(field, this.version, this.flexible);
    const nullable = isNullableIn(field, this.version);
    if (field.kind === 'array') return this.array(field, r, compact, nullable);
    if (field.kind === 'struct') {
      const read = `${this.struct(field.fields ?? [])}(${r})`;
      if (!nullable) return read;
      const present = isTaggedIn(field, this.version) ? `${r}.readUVarint() > 0` : `${r}.readInt8() >= 0`;
      return `(${present} ? ${read} : null)`;
    }
    return this.element(field, field.kind, r, compact, nullable);
  }

  private array(field: FieldSchema, r: string, compact: boolean, nullable: boolean): string {
    const kind = field.elementKind ?? 'struct';
    const min = this.minElementSize(this.version, this.flexible, field, kind, compact);
    const element = this.element(field, kind, r, compact, nullable);
    const name = this.nextName('a');
    this.functions.push([
      `function ${name}(${r}) {`,
      `const count = ${this.length(r, compact, true, nullable)};`,
      'if (count === null) return null;',
      `if (count * ${min} > ${r}.remaining) miss();`,
      'const elements = [];',
      `for (let i = 0; i < count; i++) elements.push(${element});`,
      'return elements;',
      '}',
    ].join('\n'));
    return `${name}(${r})`;
  }

  private element(field: FieldSchema, kind: ElementKind, r: string, compact: boolean, nullable: boolean): string {
    switch (kind) {
      case 'bool': return `${r}.readBool()`;
      case 'int8': return `${r}.readInt8()`;
      case 'int16': return `${r}.readInt16()`;
      case 'uint16': return `${r}.readUInt16()`;
      case 'int32': return `${r}.readInt32()`;
      case 'uint32': return `${r}.readUInt32()`;
      case 'int64': return `${r}.readInt64()`;
      case 'float64': return `${r}.readFloat64()`;
      case 'uuid': return `${r}.readBytes(16)`;
      case 'string': return this.lengthThen(r, compact, false, nullable, `(n > ${MAX_STRING_BYTES} ? miss() : ${r}.readUtf8(n))`);
      case 'bytes':
      case 'records': return this.lengthThen(r, compact, true, nullable, `${r}.readBytes(n)`);
      case 'struct': return `${this.struct(field.fields ?? [])}(${r})`;
    }
  }

  /** An expression reading a length n, then `read` unless the wire said null. */
  private lengthThen(r: string, compact: boolean, wide: boolean, nullable: boolean, read: string): string {
    const name = this.nextName('l');
    this.functions.push(`function ${name}(${r}) { const n = ${this.length(r, compact, wide, nullable)}; return n === null ? null : ${read}; }`);
    return `${name}(${r})`;
  }

  /** An expression for a length prefix: null where the wire said null and the field allows it. */
  private length(r: string, compact: boolean, wide: boolean, nullable: boolean): string {
    const raw = compact ? `${r}.readUVarint() - 1` : wide ? `${r}.readInt32()` : `${r}.readInt16()`;
    return `checkedLength(${raw}, ${nullable})`;
  }
}

function miss(): never {
  throw new CompiledDecodeMiss();
}

function checkedLength(length: number, nullable: boolean): number | null {
  if (length === -1) return nullable ? null : miss();
  if (length < -1) miss();
  return length;
}
