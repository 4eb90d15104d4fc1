import type * as avro from 'avsc';
import { readProblem } from './avro-compatibility';
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
  type: avro.Type;
}

/**
 * What makes `candidate` break `level` against the earlier versions given (the caller picks them: the latest one,
 * or every live one for the transitive levels), newest first, each naming the rule:
 * "BACKWARD: reader field 'x' has no default and the writer schema lacks it (version 2)". Empty: compatible.
 */
export function compatibilityProblems(level: CompatibilityLevel, candidate: avro.Type, earlier: readonly EarlierVersion[]): string[] {
  if (level === 'NONE') return [];
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const { version, type } of [...earlier].sort((a, b) => b.version - a.version)) {
    if (backward) {
      const problem = readProblem(candidate, type);
      if (problem) problems.push(`${level}: ${problem} (the new schema reading data written with version ${version})`);
    }
    if (forward) {
      const problem = readProblem(type, candidate);
      if (problem) problems.push(`${level}: ${problem} (version ${version} reading data written with the new schema)`);
    }
  }
  return problems;
}
