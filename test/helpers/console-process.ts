import { ChildProcess, spawn } from 'node:child_process';
import { SLUICE_BIN } from './cli';

export interface ConsoleProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGTERM, then the exit status. */
  stop(): Promise<number | null>;
}

/** Starts `sluice console` as a real child process and waits for the URL it prints. */
export function spawnConsole(args: string[]): Promise<ConsoleProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'console', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /sluice console at (http:\/\/\S+\/)/.exec(output);
      if (match) {
        resolve({
          child, url: match[1], output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then((code) => reject(new Error(`sluice console exited early (code ${code}): ${output}`)));
  });
}
