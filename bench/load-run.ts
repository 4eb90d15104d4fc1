// Child process for the load benchmark: one `runLoad` of a job, reporting time and peak RSS as JSON.
import { loadJobDefinition } from '../src/job/job-definition';
import { runLoad } from '../src/pipeline/load-job';

async function main(): Promise<void> {
  const job = loadJobDefinition(process.argv[2]);
  const started = process.hrtime.bigint();
  const summary = await runLoad(job);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const records = summary.committed.reduce((sum, r) => sum + r.records, 0);
  const files = summary.committed.reduce((sum, r) => sum + r.files.length, 0);
  console.log(JSON.stringify({ records, seconds, files, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
