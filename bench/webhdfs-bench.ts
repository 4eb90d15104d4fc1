// WebHDFS streaming upload (npm run bench:webhdfs): a 256 MB file through the emulator on loopback,
// sluice's client against curl uploading the same file to the same DataNode, and the local disk copy
// as the ceiling. The emulator runs in a child process, so this process's RSS is the client's alone.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { WebHdfsClient } from '../connectors/webhdfs/webhdfs-client';

const MB = 1024 * 1024;
const FILE_MB = Number(process.env.BENCH_WEBHDFS_MB ?? 256);
const RUNS = 3;

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function makeFile(file: string): void {
  const chunk = Buffer.alloc(MB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 131 + 7) & 0xff;
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < FILE_MB; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

async function startEmulator(root: string): Promise<{ child: ChildProcess; nameNode: string }> {
  const script = `require(${JSON.stringify(path.join(__dirname, '../src/dev/webhdfs/emulator'))}).startWebHdfsEmulator({ root: ${JSON.stringify(root)} })
    .then((e) => console.log(JSON.stringify({ nameNode: e.nameNodeUrls[0] })))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  return { child, nameNode: (JSON.parse(line) as { nameNode: string }).nameNode };
}

/** Uploads with sluice's client while sampling this process's RSS every 5 ms. */
async function clientUpload(client: WebHdfsClient, file: string, target: string): Promise<{ seconds: number; rssGrowthMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const start = process.hrtime.bigint();
  await client.create(target, { file, length: FILE_MB * MB }, { overwrite: true });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, rssGrowthMb: (peak - baseline) / MB };
}

/** curl PUTs the same file to the DataNode location the NameNode hands out (noredirect answer). */
async function curlUpload(nameNode: string, file: string, target: string): Promise<number> {
  const answer = await fetch(`${nameNode}/webhdfs/v1${target}?op=CREATE&overwrite=true&noredirect=true&user.name=bench`, { method: 'PUT' });
  const { Location } = (await answer.json()) as { Location: string };
  const start = process.hrtime.bigint();
  const curl = spawnSync('curl', ['-sS', '-f', '-X', 'PUT', '-T', file, '-H', 'Content-Type: application/octet-stream', Location], { encoding: 'utf8' });
  if (curl.status !== 0) throw new Error(`curl failed: ${curl.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-webhdfs-bench-'));
  const file = path.join(dir, 'upload.bin');
  makeFile(file);
  const root = path.join(dir, 'hdfs');
  fs.mkdirSync(root);
  const { child, nameNode } = await startEmulator(root);
  try {
    const client = new WebHdfsClient({ nameNodes: [nameNode], user: 'bench' });
    await client.mkdirs('/bench');
    console.log(`WebHDFS upload of ${FILE_MB} MB through the emulator on loopback (${os.cpus().length} × ${os.cpus()[0].model}, Node ${process.version})`);
    const results: { sluice: number; rss: number; curl: number; copy: number }[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const ours = await clientUpload(client, file, `/bench/sluice-${run}.bin`);
      const stored = await client.getFileStatus(`/bench/sluice-${run}.bin`);
      if (stored?.length !== FILE_MB * MB) throw new Error(`uploaded ${stored?.length} bytes, expected ${FILE_MB * MB}`);
      const curlSeconds = await curlUpload(nameNode, file, `/bench/curl-${run}.bin`);
      const copyStart = process.hrtime.bigint();
      fs.copyFileSync(file, path.join(dir, 'copy.bin'));
      const copySeconds = Number(process.hrtime.bigint() - copyStart) / 1e9;
      fs.rmSync(path.join(dir, 'copy.bin'));
      await client.delete('/bench', true);
      await client.mkdirs('/bench');
      const row = { sluice: FILE_MB / ours.seconds, rss: ours.rssGrowthMb, curl: FILE_MB / curlSeconds, copy: FILE_MB / copySeconds };
      results.push(row);
      console.log(`run ${run}: sluice client ${fmt(row.sluice)} MB/s (RSS +${fmt(row.rss)} MB), curl ${fmt(row.curl)} MB/s, local copy ${fmt(row.copy)} MB/s, sluice/curl ${(row.sluice / row.curl).toFixed(2)}`);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const speed = median(results.map((r) => r.sluice));
    const rss = Math.max(...results.map((r) => r.rss));
    console.log(`median: sluice ${fmt(speed)} MB/s (target ≥ 200), curl ${fmt(median(results.map((r) => r.curl)))} MB/s; worst RSS growth +${fmt(rss)} MB (target ≤ 64)`);
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
