import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from '../log/atomic-file';

export const TRANSACTION_STATE_DIR = '__transaction_state';
const JOURNAL_FILE = 'journal.jsonl';

/** Kafka's TransactionState names, as ListTransactions and DescribeTransactions report them. */
export type TxnStateName = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

export interface PendingTxnOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

/** One transactional id's metadata, as Kafka's TransactionMetadata keeps it in __transaction_state. */
export interface TxnRecord {
  transactionalId: string;
  producerId: number;
  /** The producer id before an epoch overflow gave a new one (retries of that InitProducerId are recognised), or -1. */
  lastProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnStateName;
  partitions: { topic: string; partition: number }[];
  /** Groups added by AddOffsetsToTxn, with the offsets TxnOffsetCommit sent, applied at commit. */
  groups: { groupId: string; offsets: PendingTxnOffset[] }[];
  /** When the open transaction began (its first AddPartitions/AddOffsets), or -1. */
  startTimeMs: number;
  lastUpdateMs: number;
}

type JournalLine = { kind: 'producer-ids'; next: number } | { kind: 'txn'; txn: TxnRecord };

export interface JournalContents {
  /** Producer ids below this may have been handed out before. */
  nextProducerIdBlock: number;
  transactions: Map<string, TxnRecord>;
  /** Lines that could not be read (a torn last line after a crash). */
  skippedLines: number;
}

function isTxnRecord(value: unknown): value is TxnRecord {
  const t = value as TxnRecord;
  return typeof t?.transactionalId === 'string' && typeof t.producerId === 'number' && typeof t.producerEpoch === 'number'
    && typeof t.state === 'string' && Array.isArray(t.partitions) && Array.isArray(t.groups);
}

/**
 * The coordinator's durable state: one JSON line per change (latest line per
 * transactional id wins), appended and fdatasync'ed before the change is
 * answered, and rewritten compactly at open and when it has grown to several
 * times its live size. A line torn by a crash is skipped at open and dropped
 * by the rewrite.
 */
export class TransactionJournal {
  private fd: number;
  private lines: number;

  private constructor(private readonly file: string, private liveRecords: number, lines: number) {
    this.fd = fs.openSync(file, 'a');
    this.lines = lines;
  }

  static open(dataDir: string): { journal: TransactionJournal; contents: JournalContents } {
    const dir = path.join(dataDir, TRANSACTION_STATE_DIR);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, JOURNAL_FILE);
    const contents = TransactionJournal.read(file);
    const journal = new TransactionJournal(file, 0, 0);
    journal.rewrite(contents);
    return { journal, contents };
  }

  private static read(file: string): JournalContents {
    const contents: JournalContents = { nextProducerIdBlock: 0, transactions: new Map(), skippedLines: 0 };
    if (!fs.existsSync(file)) return contents;
    for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
      if (text === '') continue;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch {
        contents.skippedLines++;
        continue;
      }
      if (line.kind === 'producer-ids' && Number.isSafeInteger(line.next)) contents.nextProducerIdBlock = Math.max(contents.nextProducerIdBlock, line.next);
      else if (line.kind === 'txn' && isTxnRecord(line.txn)) contents.transactions.set(line.txn.transactionalId, line.txn);
      else contents.skippedLines++;
    }
    return contents;
  }

  /** Durably records that producer ids below `next` may be in use. */
  recordProducerIdBlock(next: number): void {
    this.append({ kind: 'producer-ids', next });
  }

  recordTransaction(txn: TxnRecord): void {
    this.append({ kind: 'txn', txn });
  }

  /** Rewrites the journal from `contents` when it holds more than four times as many lines as live records. */
  compactIfLarge(contents: () => JournalContents): void {
    if (this.lines > Math.max(1000, 4 * this.liveRecords)) this.rewrite(contents());
  }

  private append(line: JournalLine): void {
    fs.writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fs.fdatasyncSync(this.fd);
    this.lines++;
  }

  private rewrite(contents: JournalContents): void {
    const lines: JournalLine[] = [{ kind: 'producer-ids', next: contents.nextProducerIdBlock }];
    for (const txn of contents.transactions.values()) lines.push({ kind: 'txn', txn });
    fs.closeSync(this.fd);
    writeFileAtomically(this.file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    this.fd = fs.openSync(this.file, 'a');
    this.lines = lines.length;
    this.liveRecords = lines.length;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
