import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const SLUICE_BIN = path.resolve(__dirname, '../../../bin/sluice.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `sluice` command as a child process, as a user would. */
export function sluice(args: string[], input?: string): CliResult {
  const result = spawnSync(process.execPath, [SLUICE_BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
