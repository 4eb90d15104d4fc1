import * as path from 'node:path';
import { freePort } from './broker-process';
import { writeJob } from './page-views';

/** The page-view job in `dir`/jobs/page_views.json whose own bootstrap is a port nobody listens on: only --bootstrap-server reaches a broker. */
export async function jobPointingNowhere(dir: string): Promise<{ file: string; dir: string }> {
  const output = { formats: ['avro'], sink: path.join(dir, 'warehouse'), table: 'page_views' };
  const file = writeJob(dir, { workerThreads: 0, schedule: '0 * * * *', output }, `127.0.0.1:${await freePort()}`);
  return { file, dir: path.dirname(file) };
}
