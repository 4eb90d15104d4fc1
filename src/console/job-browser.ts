// The console's load side: the job folder, and for each job what its table holds, read as `sluice status` reads it
// (jobStatus itself for the figures the CLI prints; the same table readers for the hours, history and files).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openSink } from '../connector-factory';
import { JobDefinition, loadJobDefinition } from '../job/job-definition';
import { jobStatus, JobStatus } from '../status/job-status';
import { hourDirectories } from '../table/completeness';
import { gapHours } from '../table/gaps';
import { readRunHistory } from '../table/run-history';
import { TableReader, TableState } from '../table/table-state';
import type { DeadLetter, HourCell, JobBrowser, JobProblem, LagPoint, TableEntry } from './console-ports';

/** How many runs back the grid looks for hours reopened by late data. */
const REOPEN_LOOKBACK_RUNS = 1000;

/** A dead-letter line as the loader writes it (src/pipeline/range-loader.ts). */
interface DeadLetterLine {
  partition: number;
  offset: number;
  records?: number;
  timestamp?: number;
  error: string;
  key?: string | null;
  value?: string | null;
}

const fromBase64 = (text: string | null | undefined) => (typeof text === 'string' ? Buffer.from(text, 'base64') : null);

export class JobFolderBrowser implements JobBrowser {
  /**
   * `dir`: a folder of job definitions, read on each page (so an edited job shows at once), or the jobs themselves
   * (the demo's, pointed at its embedded broker). `adjust` lays command-line settings over each job.
   */
  constructor(private readonly source: string | readonly JobDefinition[], private readonly adjust: (job: JobDefinition) => JobDefinition = (job) => job) {}

  private table(job: JobDefinition): TableReader {
    return new TableState(openSink(job.output.sink), job.output.table);
  }

  async jobs(): Promise<{ jobs: JobDefinition[]; problems: JobProblem[] }> {
    if (typeof this.source !== 'string') return { jobs: this.source.map(this.adjust), problems: [] };
    const dir = this.source;
    if (!fs.existsSync(dir)) return { jobs: [], problems: [{ file: dir, error: `${dir}: no such folder of job definitions` }] };
    const jobs: JobDefinition[] = [];
    const problems: JobProblem[] = [];
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const file = path.join(dir, name);
      try {
        jobs.push(this.adjust(loadJobDefinition(file)));
      } catch (error) {
        problems.push({ file, error: (error as Error).message });
      }
    }
    return { jobs, problems };
  }

  status(job: JobDefinition, runs: number): Promise<JobStatus> {
    return jobStatus(job, { runs });
  }

  async hours(job: JobDefinition): Promise<HourCell[]> {
    const table = this.table(job);
    const directories = await hourDirectories(job, table);
    const summaries = await table.partitionSummaries();
    const held = [...summaries.values()].some((s) => s.lost.length > 0) ? gapHours(job, summaries, await table.gapAcknowledgements()).held : new Set<string>();
    const history = await readRunHistory(table, REOPEN_LOOKBACK_RUNS);
    const reopened = new Set(history.entries.filter((e) => e.status === 'committed').flatMap((e) => e.reopenedHours ?? []));
    const cells = new Map<string, HourCell>();
    for (const dir of directories) {
      const state = held.has(dir.key) ? 'gap' : !dir.complete ? 'incomplete' : reopened.has(dir.key) ? 'reopened' : 'complete';
      cells.set(dir.key, { key: dir.key, state });
    }
    for (const key of held) cells.set(key, { key, state: 'gap' });
    return [...cells.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /**
   * A run plans each partition from its committed offset up to the high watermark it finds (at most
   * limits.maxRecordsPerPartition), so the size of its range is the backlog it found; the last point is now.
   */
  async lagHistory(job: JobDefinition, status: JobStatus, runs: number): Promise<LagPoint[]> {
    const history = await readRunHistory(this.table(job), runs);
    const points: LagPoint[] = [];
    const partitions = status.partitions.map((p) => p.partition);
    for (const entry of history.entries.filter((e) => e.kind === 'scheduled' && !e.reconstructed)) {
      for (const partition of partitions) {
        const range = entry.ranges.find((r) => r.partition === partition);
        const size = range ? range.end - range.start : 0;
        points.push({ at: entry.start, partition, lagRecords: size, atLeast: size >= job.limits.maxRecordsPerPartition, runId: entry.runId });
      }
    }
    const now = new Date().toISOString();
    for (const p of status.partitions) {
      if (p.lagRecords !== null) points.push({ at: now, partition: p.partition, lagRecords: p.lagRecords, atLeast: false, runId: null });
    }
    return points;
  }

  async deadLetters(job: JobDefinition, limit: number): Promise<DeadLetter[]> {
    const table = this.table(job);
    const letters: DeadLetter[] = [];
    const files = (await table.sink.list(table.path('_dead_letter'))).filter((e) => e.type === 'file' && e.path.endsWith('.jsonl'));
    for (const entry of files.sort((a, b) => a.path.localeCompare(b.path))) {
      const file = `_dead_letter/${entry.path.slice(entry.path.lastIndexOf('/') + 1)}`;
      for (const line of (await table.sink.readFile(entry.path)).toString('utf8').split('\n')) {
        if (letters.length >= limit) return letters;
        if (line.trim() === '') continue;
        let parsed: DeadLetterLine;
        try {
          parsed = JSON.parse(line) as DeadLetterLine;
        } catch {
          letters.push({ partition: -1, offset: -1, records: 0, timestamp: null, reason: `unreadable line in ${file}`, key: null, value: Buffer.from(line), file });
          continue;
        }
        letters.push({
          partition: parsed.partition, offset: parsed.offset, records: parsed.records ?? 1, timestamp: parsed.timestamp ?? null,
          reason: parsed.error, key: fromBase64(parsed.key), value: fromBase64(parsed.value), file,
        });
      }
    }
    return letters;
  }

  async tableTree(job: JobDefinition, maxEntries: number): Promise<{ root: TableEntry; truncated: boolean; location: string }> {
    const table = this.table(job);
    let seen = 0;
    let truncated = false;
    const walk = async (sinkPath: string, relative: string): Promise<TableEntry> => {
      const node: TableEntry = { path: relative, type: 'directory', bytes: 0, files: 0, children: [] };
      const entries = (await table.sink.list(sinkPath)).sort((a, b) => a.path.localeCompare(b.path));
      for (const entry of entries) {
        if (seen >= maxEntries) {
          truncated = true;
          break;
        }
        seen++;
        const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
        const childPath = relative === '' ? name : `${relative}/${name}`;
        const child = entry.type === 'directory'
          ? await walk(entry.path, childPath)
          : { path: childPath, type: 'file' as const, bytes: entry.length, files: 1, children: [] };
        node.bytes += child.bytes;
        node.files += child.files;
        node.children.push(child);
      }
      return node;
    };
    const root = await walk(table.path('').replace(/\/$/, ''), '');
    return { root, truncated, location: table.describe() };
  }
}
