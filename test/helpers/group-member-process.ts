import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-confluent-kafka
const LIBRDKAFKA_SCRIPT = path.resolve(__dirname, '../../../test/clients/group-consumer.py');
const KAFKAJS_SCRIPT = path.resolve(__dirname, 'kafkajs-group-member.js');

export interface MemberEvent {
  assignment?: number[];
  record?: [number, number, string];
  committed?: [number, number][];
  error?: string;
  closed?: boolean;
  paused?: number;
}

/**
 * A group member in a child process, read event by event (one JSON line each): confluent_kafka (librdkafka) in
 * test/clients/group-consumer.py, or kafkajs in test/helpers/kafkajs-group-member.ts.
 */
export class GroupMemberProcess {
  readonly events: MemberEvent[] = [];
  private readonly child: ChildProcess;
  private stderr = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<void>;

  static librdkafka(name: string, bootstrap: string, group: string, topic: string, config: Record<string, string | number | boolean>): GroupMemberProcess {
    return new GroupMemberProcess(name, PYTHON, [LIBRDKAFKA_SCRIPT, bootstrap, group, topic, JSON.stringify(config)]);
  }

  static kafkajs(name: string, bootstrap: string, group: string, topic: string, config: Record<string, number>): GroupMemberProcess {
    return new GroupMemberProcess(name, process.execPath, [KAFKAJS_SCRIPT, bootstrap, group, topic, JSON.stringify(config)]);
  }

  private constructor(readonly name: string, command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line) as MemberEvent);
      for (const wake of this.waiters) wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.on('close', () => {
      for (const wake of this.waiters) wake();
      resolve();
    }));
  }

  /** The partitions it holds now (its latest assignment event). */
  get assignment(): number[] {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i].assignment) return this.events[i].assignment!;
    return [];
  }

  get assignmentChanges(): number {
    return this.events.filter((e) => e.assignment).length;
  }

  get records(): [number, number, string][] {
    return this.events.filter((e) => e.record).map((e) => e.record!);
  }

  /** The last offset committed per partition (the next offset to read). */
  get committed(): Map<number, number> {
    const committed = new Map<number, number>();
    for (const e of this.events) for (const [p, o] of e.committed ?? []) committed.set(p, o);
    return committed;
  }

  /** Resolves once `condition` holds (checked on each event), or fails after `timeoutMs` naming `what`. */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    await waitFor([this], condition, timeoutMs, what);
  }

  onEvent(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Closes the consumer cleanly (stdin ends) and waits for the process to exit, at most `timeoutMs`. */
  async close(timeoutMs = 10_000): Promise<void> {
    this.child.stdin!.end();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms of its close: ${this.describe()}`)), timeoutMs);
    });
    try {
      await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  describe(): string {
    return `${this.name}: events ${JSON.stringify(this.events.filter((e) => !e.record).slice(-8))}; stderr ${this.stderr.slice(-1500)}`;
  }
}

/** Waits until `condition` holds, re-checking on every event of `members` (and every 100 ms). */
export function waitFor(members: GroupMemberProcess[], condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const unsubscribe: (() => void)[] = [];
    const finish = (error?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      for (const u of unsubscribe) u();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      try {
        if (condition()) finish();
      } catch (error) {
        finish(error as Error);
      }
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${members.map((m) => m.describe()).join('\n')}`)), timeoutMs);
    const poll = setInterval(check, 100);
    for (const m of members) unsubscribe.push(m.onEvent(check));
    check();
  });
}

/** True when the members' assignments are disjoint and together exactly partitions 0..count-1. */
export function splitsAll(assignments: number[][], count: number): boolean {
  const all = assignments.flat().sort((a, b) => a - b);
  return all.length === count && all.every((p, i) => p === i);
}
