import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, Finished } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { START, writeJob } from '../helpers/page-views';

/** One page view a second from START: 3600 to an hour. */
export const tsOf = (i: number): number => START + i * 1000;

/** Writes jobs/<file>.json (writeJob's page-view job with `overrides`), for a directory holding several jobs. */
export function addJob(dir: string, file: string, overrides: Record<string, unknown>, bootstrap: string): string {
  // writeJob always writes <dir>/jobs/page_views.json: write it aside, then move it into place.
  const aside = path.join(dir, `.job-${file}`);
  const written = writeJob(aside, { output: avroOutput(dir, 'page_views'), ...overrides }, bootstrap);
  const target = path.join(dir, 'jobs', `${file}.json`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(written, target);
  fs.rmSync(aside, { recursive: true, force: true });
  return target;
}

/** An Avro-only output in `dir`/warehouse, table `table`. */
export function avroOutput(dir: string, table: string): Record<string, unknown> {
  return { formats: ['avro'], avroCodec: 'deflate', sink: path.join(dir, 'warehouse'), table };
}

export function sluiceAsync(args: string[]): Promise<Finished> {
  return run(process.execPath, [SLUICE_BIN, ...args]);
}

/** `sluice verify --job <file> --json`: its exit code and the records it counts over all hours. */
export async function verifiedRecords(jobFile: string): Promise<{ code: number | null; records: number; report: string }> {
  const result = await sluiceAsync(['verify', '--job', jobFile, '--json']);
  const report = result.stdout.trim();
  const hours = report ? (JSON.parse(report) as { hours: Record<string, number> }).hours : {};
  return { code: result.code, records: Object.values(hours).reduce((sum, n) => sum + n, 0), report: report + result.stderr };
}
