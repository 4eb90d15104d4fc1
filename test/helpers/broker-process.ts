import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { SLUICE_BIN } from './cli';

export interface BrokerProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Runs the broker under `ulimit -n` of this many files (soft and hard, so Node cannot raise it). */
  openFileLimit?: number;
}

/** Starts `sluice broker` as a real child process and waits until it listens. */
export function spawnBroker(args: string[], options: SpawnOptions = {}): Promise<BrokerProcess> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, SLUICE_BIN, 'broker', ...args];
    const child =
      options.openFileLimit === undefined
        ? spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
        : spawn('bash', ['-c', `ulimit -n ${options.openFileLimit} && exec "$@"`, 'bash', ...command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on [^\s]+:(\d+)/.exec(stderr);
      if (match) resolve({ child, port: Number(match[1]), stderr: () => stderr, exited });
    });
    exited.then(({ code }) => reject(new Error(`broker exited early (code ${code}): ${stderr}`)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
