// The encoder of one message version as straight-line JavaScript, built once from the schema encode.ts
// interprets (see compiled-decode.ts for why). It writes exactly the bytes the interpreter writes and
// refuses exactly what it refuses; on any refusal encodeMessage resets the writer and runs the interpreter,
// whose error names the field and the reason.
import { defaultValue, isDefaultValue } from './defaults';
import { compiledPerVersion, PerVersionCache, SourceBuilder } from './compiled-source';
import { ElementKind, FieldSchema, INTEGER_RANGES, inVersions, IntegerKind, isFlexibleVersion, isNullableIn, isTaggedIn, MAX_STRING_BYTES, MessageSchema, usesCompactEncoding } from './schema';
import { Writer } from './writer';

export type CompiledEncoder = (writer: Writer, value: unknown) => void;

const WRITE_INTEGER: Record<IntegerKind, string> = {
  int8: 'writeInt8', int16: 'writeInt16', uint16: 'writeUInt16', int32: 'writeInt32', uint32: 'writeUInt32', int64: 'writeInt64',
};

/** Thrown inside compiled code; never escapes encodeMessage, which then runs the interpreter. */
class CompiledEncodeMiss extends Error {}

function miss(): never {
  throw new CompiledEncodeMiss();
}

const compiled: PerVersionCache<CompiledEncoder> = new WeakMap();

export function compiledEncoderFor(schema: MessageSchema<unknown>, version: number): CompiledEncoder {
  return compiledPerVersion(compiled, schema, version, () => new EncoderSource(version, isFlexibleVersion(schema, version)).build(schema.fields));
}

class EncoderSource extends SourceBuilder {
  build(fields: readonly FieldSchema[]): CompiledEncoder {
    const top = this.struct(fields);
    return this.compile(top, { defaultValue, isDefaultValue, miss, Writer });
  }

  /** Writes the function that writes a struct of these fields; its name. */
  private struct(fields: readonly FieldSchema[]): string {
    const name = this.nextName('s');
    const lines = ["if (typeof v !== 'object' || v === null || Array.isArray(v)) miss();"];
    const tagged: FieldSchema[] = [];
    for (const field of fields) {
      if (!inVersions(field.versions, this.version)) continue;
      if (isTaggedIn(field, this.version)) {
        tagged.push(field);
        continue;
      }
      const key = JSON.stringify(field.name);
      lines.push(`{ let x = v[${key}]; if (x === undefined) x = ${this.defaultOf(field)}; ${this.field(field, 'w', 'x')} }`);
    }
    if (this.flexible) lines.push(this.taggedSection(tagged));
    this.functions.push(`function ${name}(w, v) {\n${lines.join('\n')}\n}`);
    return name;
  }

  /** The tagged fields away from their defaults, in tag order (the interpreter's stable sort of the same list). */
  private taggedSection(tagged: FieldSchema[]): string {
    const ordered = [...tagged].sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
    const lines = ['let tagged = 0;'];
    ordered.forEach((field, i) => {
      lines.push(`const t${i} = !isDefaultValue(${this.ref(field)}, v[${JSON.stringify(field.name)}]); if (t${i}) tagged++;`);
    });
    lines.push('w.writeUVarint(tagged);');
    ordered.forEach((field, i) => {
      lines.push(`if (t${i}) { const x = v[${JSON.stringify(field.name)}]; const t = new Writer(64); ${this.field(field, 't', 'x')} w.writeUVarint(${field.tag ?? 0}); w.writeUVarint(t.length); w.writeWriter(t); }`);
    });
    return lines.join('\n');
  }

  private defaultOf(field: FieldSchema): string {
    const value = defaultValue(field);
    if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
    return `defaultValue(${this.ref(field)})`;
  }

  /** Statements writing value `x` of the field to writer `w`. */
  private field(field: FieldSchema, w: string, x: string): string {
    const compact = usesCompactEncoding(field, this.version, this.flexible);
    const nullable = isNullableIn(field, this.version);
    const nullCheck = nullable ? '' : `if (${x} === null) miss(); `;
    if (field.kind === 'array') {
      const element = this.element(field, field.elementKind ?? 'struct', w, 'e', compact);
      return `${nullCheck}if (${x} === null) { ${this.length(w, '-1', compact, true)} } else { if (!Array.isArray(${x})) miss(); ${this.length(w, `${x}.length`, compact, true)} `
        + `for (let i = 0; i < ${x}.length; i++) { const e = ${x}[i]; if (e === null || e === undefined) miss(); ${element} } }`;
    }
    if (field.kind === 'struct') {
      const write = `${this.struct(field.fields ?? [])}(${w}, ${x});`;
      if (!nullable) return `${nullCheck}${write}`;
      const presence = isTaggedIn(field, this.version) ? `${w}.writeUVarint(${x} !== null ? 1 : 0);` : `${w}.writeInt8(${x} !== null ? 1 : -1);`;
      return `${presence} if (${x} !== null) ${write}`;
    }
    return `${nullCheck}${this.element(field, field.kind, w, x, compact)}`;
  }

  private element(field: FieldSchema, kind: ElementKind, w: string, x: string, compact: boolean): string {
    switch (kind) {
      case 'bool':
        return `if (typeof ${x} !== 'boolean') miss(); ${w}.writeBool(${x});`;
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64': {
        const [min, max] = INTEGER_RANGES[kind];
        return `if (typeof ${x} !== 'number' || !Number.isInteger(${x}) || ${x} < ${min} || ${x} > ${max}) miss(); ${w}.${WRITE_INTEGER[kind]}(${x});`;
      }
      case 'float64':
        return `if (typeof ${x} !== 'number') miss(); ${w}.writeFloat64(${x});`;
      case 'uuid':
        return `if (!(${x} instanceof Uint8Array) || ${x}.length !== 16) miss(); ${w}.writeBytes(${x});`;
      case 'string':
        return `if (${x} === null) { ${this.length(w, '-1', compact, false)} } else { if (typeof ${x} !== 'string') miss(); `
          + `const n = Buffer.byteLength(${x}, 'utf8'); if (n > ${MAX_STRING_BYTES}) miss(); ${this.length(w, 'n', compact, false)} ${w}.writeUtf8(${x}, n); }`;
      case 'bytes':
      case 'records':
        return `if (${x} === null) { ${this.length(w, '-1', compact, true)} } else { if (!(${x} instanceof Uint8Array)) miss(); ${this.length(w, `${x}.length`, compact, true)} ${w}.writeBytes(${x}); }`;
      case 'struct':
        return `${this.struct(field.fields ?? [])}(${w}, ${x});`;
    }
  }

  /** A statement writing a length or count prefix (-1 for null; compact: plus one, as a uvarint). */
  private length(w: string, length: string, compact: boolean, wide: boolean): string {
    if (compact) return `${w}.writeUVarint(${length} + 1);`;
    return wide ? `${w}.writeInt32(${length});` : `${w}.writeInt16(${length});`;
  }
}
