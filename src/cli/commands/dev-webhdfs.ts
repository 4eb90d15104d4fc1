import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { startWebHdfsEmulator } from '../../dev/webhdfs/emulator';
import type { CommandIO } from '../io';

export interface DevWebHdfsArgs {
  port: number;
  'data-node-port': number;
  root?: string;
  host: string;
  'advertise-host'?: string;
  'name-nodes': number;
}

export const command = 'webhdfs';
export const describe = 'Run a WebHDFS emulator (NameNode(s) + DataNode over a local directory) until SIGTERM/SIGINT';

/** The HTTP fault controls, shown under --help (lines kept short so yargs does not re-wrap them). */
export const CONTROLS_HELP = `Fault controls (POST to any NameNode, active or standby):
  /_emulator/faults with a JSON body, one of
    {"kind":"failNext","op":"CREATE","count":1,"status":403,
     "exception":"RetriableException","message":"...","where":"namenode"}
    {"kind":"dropUpload","afterBytes":1000,"count":1}
    {"kind":"delay","op":"*","ms":500,"count":3}
    {"kind":"random","probability":0.1,"seed":1,
     "kinds":["500","drop-before","drop-after"]}
    {"kind":"clear"}
  /_emulator/failover          swap active and standby
  /_emulator/safemode?on=true  refuse namespace changes (on=false leaves)
GET /_emulator/state: active flags, safe mode, requests per op.`;

export function builder(yargs: Argv): Argv<DevWebHdfsArgs> {
  return yargs
    .option('port', { type: 'number', default: 9870, describe: 'first NameNode HTTP port (a second NameNode takes the next); 0 = any' })
    .option('data-node-port', { type: 'number', default: 9864, describe: 'DataNode HTTP port; 0 = any' })
    .option('root', { type: 'string', describe: 'local directory holding the files (default: a new temporary directory)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
    .option('advertise-host', { type: 'string', describe: 'DataNode host name put in redirects (default: --host)' })
    .option('name-nodes', { type: 'number', default: 1, choices: [1, 2], describe: '2: an HA pair sharing the namespace, the second standby' })
    .epilogue(CONTROLS_HELP);
}

/** Serves until SIGTERM or SIGINT, then closes cleanly; resolves to the exit status. */
export async function handler(args: DevWebHdfsArgs, io: CommandIO, signals: NodeJS.EventEmitter = process): Promise<number> {
  const root = args.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-webhdfs-'));
  const emulator = await startWebHdfsEmulator({
    root,
    host: args.host,
    port: args.port,
    dataNodePort: args['data-node-port'],
    advertisedDataNodeHost: args['advertise-host'],
    nameNodes: args['name-nodes'] === 2 ? 2 : 1,
  });
  emulator.nameNodeUrls.forEach((url, i) => io.out(`NameNode ${url} (${i === 0 ? 'active' : 'standby'})`));
  io.out(`DataNode ${emulator.dataNodeUrl}`);
  io.out(`root ${root}`);
  const signal = await new Promise<string>((resolve) => {
    signals.once('SIGTERM', () => resolve('SIGTERM'));
    signals.once('SIGINT', () => resolve('SIGINT'));
  });
  io.err(`${signal}: stopping the WebHDFS emulator`);
  await emulator.close();
  io.err('stopped cleanly');
  return 0;
}
