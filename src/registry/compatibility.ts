import { readIncompatibilities } from '../formats/avro-compatibility';
import type { AvroSchema } from '../formats/record-file-writer';
import { registryErrors } from './registry-errors';

export const COMPATIBILITY_LEVELS = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** Confluent's schema.compatibility.level default. */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** Confluent accepts the names in any case; anything else is 42203. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  const level = COMPATIBILITY_LEVELS.find((l) => l === upper);
  if (!level) throw registryErrors.invalidCompatibility();
  return level;
}

export function isTransitive(level: CompatibilityLevel): boolean {
  return level.endsWith('_TRANSITIVE');
}

export interface EarlierVersion {
  version: number;
  schema: AvroSchema;
}

/**
 * What makes `candidate` break `level` against the earlier versions given (the caller picks them: the latest one,
 * or every live one for the transitive levels), newest first, each naming the rule:
 * "BACKWARD: READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: field x is not in the writer's schema and has no
 * default (the new schema reading data written with version 2)". Empty: compatible.
 */
export function compatibilityProblems(level: CompatibilityLevel, candidate: AvroSchema, earlier: readonly EarlierVersion[]): string[] {
  if (level === 'NONE') return [];
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  // The same rules (src/formats/avro-compatibility.ts, checked against Avro's own checker) decide which schema
  // changes a table accepts, so what the registry takes under BACKWARD a "latest" load can read.
  const readProblems = (reader: AvroSchema, writer: AvroSchema, direction: string) =>
    readIncompatibilities(reader, writer).map((i) => `${level}: ${i.type} at ${i.location}: ${i.message} (${direction})`);
  for (const { version, schema } of [...earlier].sort((a, b) => b.version - a.version)) {
    if (backward) problems.push(...readProblems(candidate, schema, `the new schema reading data written with version ${version}`));
    if (forward) problems.push(...readProblems(schema, candidate, `version ${version} reading data written with the new schema`));
  }
  return problems;
}
