// What the compiled decoder and encoder share: one compiled function per (message, version), made on first use
// from generated source whose free names are bound to the given values.
import type { FieldSchema, MessageSchema } from './schema';

export type PerVersionCache<F> = WeakMap<MessageSchema<unknown>, Map<number, F>>;

export function compiledPerVersion<F>(cache: PerVersionCache<F>, schema: MessageSchema<unknown>, version: number, build: () => F): F {
  let byVersion = cache.get(schema);
  if (!byVersion) cache.set(schema, (byVersion = new Map()));
  let compiled = byVersion.get(version);
  if (compiled === undefined) {
    compiled = build();
    byVersion.set(version, compiled);
  }
  return compiled;
}

/**
 * `functions` (declarations) followed by `return top;`, as one function body whose free names are the keys of
 * `bindings`. Only schema facts (field names as JSON strings, numbers) are ever written into the source.
 */
export function compileFunctions<F>(functions: readonly string[], top: string, bindings: Readonly<Record<string, unknown>>): F {
  const body = `'use strict';\n${functions.join('\n')}\nreturn ${top};`;
  const factory = new Function(...Object.keys(bindings), body) as (...values: unknown[]) => F;
  return factory(...Object.values(bindings));
}

/** The state both code builders keep while they write one message version's functions. */
export abstract class SourceBuilder {
  protected readonly functions: string[] = [];
  /** Fields the compiled code reaches at run time as F[i] (fresh defaults, default checks). */
  protected readonly fieldRefs: FieldSchema[] = [];
  private names = 0;

  constructor(
    protected readonly version: number,
    protected readonly flexible: boolean,
  ) {}

  /** A name not used yet in this message version's source. */
  protected nextName(prefix: string): string {
    return `${prefix}${this.names++}`;
  }

  /** An expression for the field at run time. */
  protected ref(field: FieldSchema): string {
    this.fieldRefs.push(field);
    return `F[${this.fieldRefs.length - 1}]`;
  }

  protected compile<F>(top: string, bindings: Readonly<Record<string, unknown>>): F {
    return compileFunctions(this.functions, top, { F: this.fieldRefs, ...bindings });
  }
}
