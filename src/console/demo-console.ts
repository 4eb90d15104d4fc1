// The console as `npm start` (sluice demo) opens it: over the demo's embedded broker and its jobs, on the port asked
// for or, when that one is taken (another console, a dev server), any free one.
import type { JobDefinition } from '../job/job-definition';
import { ConsoleListenError, startConsole, RunningConsole } from './console-server';
import { JobFolderBrowser } from './job-browser';
import { KafkaBrowser } from './kafka-browser';

export async function startDemoConsole(bootstrap: string, jobs: readonly JobDefinition[], port: number): Promise<RunningConsole> {
  const options = { cluster: new KafkaBrowser(bootstrap), jobs: new JobFolderBrowser(jobs), actions: null, runs: 50 };
  try {
    return await startConsole({ ...options, port });
  } catch (error) {
    if (!(error instanceof ConsoleListenError) || error.code !== 'EADDRINUSE' || port === 0) throw error;
    return startConsole({ ...options, port: 0 });
  }
}
