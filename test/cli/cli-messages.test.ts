import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { TableState } from '../../src/table/table-state';
import type { RunResult } from '../../src/cli/run-result';
import { EXIT } from '../../src/cli/exit-codes';
import { useBrokerWithTopic } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { Finished, run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';
import { jobPointingNowhere } from '../helpers/unreachable-job';
import { HOUR, START, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

const sluice = (args: string[], input?: string) => run(process.execPath, [SLUICE_BIN, ...args], input);
const PARTITIONS = 2;
const RECORDS = 300;

/** The one JSON document a `--json` command printed: stdout holds it and nothing else. */
function onlyJson<T>(result: Finished): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    assert.fail(`stdout is not one JSON document (${(error as Error).message}):\n${result.stdout}\nstderr: ${result.stderr}`);
  }
}


describe('CLI messages: exit 4 on a held lock, line:column, HTTP bootstrap, plurals, progress on a terminal', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', PARTITIONS, (client) =>
    produceValues(client, 'page_views', PARTITIONS, pageViewValues(0, RECORDS, (i) => START + Math.floor((i * 3 * HOUR) / RECORDS))));
  const bootstrap = () => fixture().running.bootstrap;


  it('a load refused by another run\'s lock exits 4, with the failure as its --json result; so does schedule --once', async () => {
    const { file } = await jobPointingNowhere(tmp());
    const table = new TableState(new LocalSink(path.join(tmp(), 'warehouse')), 'page_views');
    const release = await table.lock('held-by-the-test', 60_000, [0]);
    try {
      const refused = await sluice(['load', '--job', file, '--bootstrap-server', bootstrap(), '--json']);
      assert.equal(refused.code, EXIT.LOCKED, refused.stderr);
      const result = onlyJson<RunResult>(refused);
      assert.equal(result.status, 'failed');
      assert.match(result.error!, /already running on partition 0 \(lock held by .* run held-by-the-test/);
      const scheduled = await sluice(['schedule', '--job', file, '--bootstrap-server', bootstrap(), '--once']);
      assert.equal(scheduled.code, EXIT.LOCKED, scheduled.stdout);
      assert.match(scheduled.stdout, /page_views_test: run \S+ skipped: another process is running the job/);
    } finally {
      await release();
    }
  });

  it('a job file that is not JSON is named with line:column and what is wrong there', async () => {
    const dir = path.join(tmp(), 'broken');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{\n  "name": "broken",\n  "source": { "topic": "page_views", },\n}\n');
    const load = await sluice(['load', '--job', file]);
    assert.equal(load.code, EXIT.FAILED);
    assert.match(load.stderr, /broken\.json:3:38: not valid JSON: a comma before \} \(JSON allows no trailing comma\)/);
    const byFileName = await sluice(['verify', '--jobs', dir, '--job', 'broken']);
    assert.match(byFileName.stderr, /broken\.json:3:38: not valid JSON/, 'a broken file is still found by its file name');
  });

  it('a bootstrap that answers HTTP is named as such, not as a huge frame', async () => {
    const { file } = await jobPointingNowhere(tmp());
    const web = http.createServer((_request, response) => response.end('a web page'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      const load = await sluice(['load', '--job', file, '--bootstrap-server', address]);
      assert.equal(load.code, EXIT.FAILED);
      assert.match(load.stderr, new RegExp(`${address.replace(/\./g, '\\.')} answered HTTP, not the Kafka protocol: is this a Schema Registry or web port\\?`));
      assert.doesNotMatch(load.stderr, /frame of/);
      const topics = await sluice(['topics', 'list', '--bootstrap-server', address]);
      assert.match(topics.stderr, /answered HTTP, not the Kafka protocol/);
    } finally {
      web.close();
    }
  });

  it('a bootstrap that answers with another text protocol (an SSH banner) is named as not Kafka', async () => {
    const ssh = net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'));
    await new Promise<void>((resolve) => ssh.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(ssh.address() as AddressInfo).port}`;
    try {
      const topics = await sluice(['topics', 'list', '--bootstrap-server', address]);
      assert.equal(topics.code, EXIT.FAILED);
      assert.match(topics.stderr, /answered "SSH-2\.0-OpenSSH_9\.2p1 Debian-2", not the Kafka protocol: is this the broker's port\?/);
    } finally {
      ssh.close();
    }
  });

  it('says "1 record", not "1 records"', async () => {
    const produced = await sluice(['produce', '--bootstrap-server', bootstrap(), '--topic', 'one', '--partition', '0'], 'only line\n');
    assert.equal(produced.code, EXIT.OK, produced.stderr);
    assert.match(produced.stderr, /^produced 1 record to one /m);
    const consumed = await sluice(['consume', '--bootstrap-server', bootstrap(), '--topic', 'one', '--from-beginning', '-e']);
    assert.equal(consumed.stdout, 'only line\n');
    assert.match(consumed.stderr, /^consumed 1 record from one$/m);
    const described = await sluice(['topics', 'describe', 'one', '--bootstrap-server', bootstrap()]);
    assert.match(described.stdout, /^topic one: \d+ partitions?$/m);
  });

  it('load draws its progress on a terminal (stderr), and prints nothing of it into a pipe', async () => {
    const { file } = await jobPointingNowhere(tmp());
    const args = ['load', '--job', file, '--bootstrap-server', bootstrap()];
    // util-linux's script(1) gives the command a pseudo-terminal, as a user's shell does.
    const onTerminal = await run('script', ['-qec', [process.execPath, SLUICE_BIN, ...args].map((a) => `'${a}'`).join(' '), '/dev/null']);
    assert.equal(onTerminal.code, EXIT.OK, onTerminal.stdout);
    assert.match(onTerminal.stdout, new RegExp(`\\[#{30}\\] ${RECORDS}/${RECORDS} records`));
    assert.match(onTerminal.stdout, new RegExp(`committed: ${RECORDS} records, 0 bad`));
    writeJob(tmp(), { workerThreads: 0, output: { formats: ['avro'], sink: path.join(tmp(), 'again'), table: 'page_views' } }, bootstrap());
    const piped = await sluice(['load', '--job', file]);
    assert.equal(piped.code, EXIT.OK, piped.stderr);
    assert.doesNotMatch(piped.stderr, /records {2}\d+\/s/);
  });
});
