import { once } from 'node:events';

/** Where a command writes; injected so tests and embedding code can capture it. */
export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /**
   * Resolves once stdout has room again. A command that prints without end (`consume` without `-e`) awaits it
   * between fetches, so a slow reader holds the command back instead of its output piling up in memory.
   */
  drained?: () => Promise<void>;
}

export const processIO: CommandIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  drained: async () => {
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  },
};
