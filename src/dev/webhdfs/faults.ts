import { WebHdfsError, javaClassNameOf } from './remote-exception';

export type FaultSide = 'namenode' | 'datanode';
export type RandomFaultKind = '500' | 'drop-before' | 'drop-after';

export interface FailNextRule {
  op: string;
  count: number;
  status: number;
  exception: string;
  message?: string;
  where?: FaultSide;
}

export interface RandomRule {
  probability: number;
  seed: number;
  kinds: RandomFaultKind[];
  ops?: string[];
}

export interface FaultInjector {
  /** The next `count` requests of `op` ('*' = any) answer `status` with RemoteException `exception` and do nothing. `where` default 'namenode'. */
  failNext(rule: FailNextRule): void;
  /** The next `count` (default 1) DataNode uploads are cut after `afterBytes` body bytes; what arrived stays in the file, closed. */
  dropUpload(rule: { afterBytes: number; count?: number }): void;
  /** Delay the next `count` (default: all until cleared) responses of `op` ('*' = any) by `ms`. */
  delay(rule: { op: string; ms: number; count?: number }): void;
  /** Every request (of `ops`, if given) independently, with `probability`, suffers one of `kinds` (seeded, deterministic for a seed). */
  random(rule: RandomRule): void;
  clear(): void;
  /** Faults injected so far by `random`, keyed `<kind> <op>`, e.g. `drop-after RENAME`; for tests to show the faults happened. */
  readonly injected: Record<string, number>;
}

/** What to do to one request before (or instead of) serving it. */
export interface FaultDecision {
  delayMs: number;
  /** Answer this error and do nothing. */
  fail?: WebHdfsError;
  /** Destroy the connection without doing anything. */
  dropBefore: boolean;
  /** Do the operation, then destroy the connection instead of answering. */
  dropAfter: boolean;
}

/** A fault rule that makes no sense (bad count, status, probability...), named with the field. */
export class FaultRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultRuleError';
  }
}

interface Counted {
  remaining: number;
}

/** mulberry32: a tiny seeded generator, so a seed always yields the same fault sequence. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wholeCount(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new FaultRuleError(`${field} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function opName(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new FaultRuleError(`op must be an op name or '*', got ${JSON.stringify(value)}`);
  return value.toUpperCase();
}

const matches = (ruleOp: string, op: string) => ruleOp === '*' || ruleOp === op;

export class Faults implements FaultInjector {
  private failures: Array<FailNextRule & Counted & { side: FaultSide }> = [];
  private uploadDrops: Array<{ afterBytes: number } & Counted> = [];
  private delays: Array<{ op: string; ms: number } & Counted> = [];
  private randomRule?: { probability: number; kinds: RandomFaultKind[]; ops?: string[]; next: () => number };
  readonly injected: Record<string, number> = {};

  failNext(rule: FailNextRule): void {
    const status = rule.status;
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new FaultRuleError(`status must be an HTTP status, got ${JSON.stringify(status)}`);
    if (typeof rule.exception !== 'string' || rule.exception === '') throw new FaultRuleError('exception must name a Java exception');
    const side = rule.where ?? 'namenode';
    if (side !== 'namenode' && side !== 'datanode') throw new FaultRuleError(`where must be 'namenode' or 'datanode', got ${JSON.stringify(side)}`);
    const remaining = wholeCount('count', rule.count, 1);
    this.failures.push({ ...rule, op: opName(rule.op), remaining, side });
  }

  dropUpload(rule: { afterBytes: number; count?: number }): void {
    const afterBytes = wholeCount('afterBytes', rule.afterBytes, NaN);
    if (Number.isNaN(afterBytes)) throw new FaultRuleError('afterBytes is required');
    this.uploadDrops.push({ afterBytes, remaining: wholeCount('count', rule.count, 1) });
  }

  delay(rule: { op: string; ms: number; count?: number }): void {
    const ms = wholeCount('ms', rule.ms, NaN);
    if (Number.isNaN(ms)) throw new FaultRuleError('ms is required');
    this.delays.push({ op: opName(rule.op), ms, remaining: wholeCount('count', rule.count, Infinity) });
  }

  random(rule: RandomRule): void {
    const { probability, seed, kinds } = rule;
    const ops = rule.ops === undefined ? undefined : (Array.isArray(rule.ops) ? rule.ops : [rule.ops]).map(opName);
    if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
      throw new FaultRuleError(`probability must be between 0 and 1, got ${JSON.stringify(probability)}`);
    }
    if (!Number.isInteger(seed)) throw new FaultRuleError(`seed must be an integer, got ${JSON.stringify(seed)}`);
    const known: RandomFaultKind[] = ['500', 'drop-before', 'drop-after'];
    if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !known.includes(k))) {
      throw new FaultRuleError(`kinds must be a non-empty list of ${known.join(', ')}, got ${JSON.stringify(kinds)}`);
    }
    this.randomRule = { probability, kinds: [...kinds], ops, next: seededRandom(seed) };
  }

  clear(): void {
    this.failures = [];
    this.uploadDrops = [];
    this.delays = [];
    this.randomRule = undefined;
  }

  /** Consumes the rules that apply to one request of `op` on `side`. */
  decide(op: string, side: FaultSide): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, dropBefore: false, dropAfter: false };
    const delay = take(this.delays, (d) => matches(d.op, op));
    if (delay) decision.delayMs = delay.ms;
    const failure = take(this.failures, (f) => f.side === side && matches(f.op, op));
    // Two draws per request whatever happens, so the sequence for a seed never depends on other rules.
    const roll = this.randomRule ? [this.randomRule.next(), this.randomRule.next()] : undefined;
    if (failure) {
      const message = failure.message ?? `Injected fault: ${failure.exception}`;
      decision.fail = new WebHdfsError(javaClassNameOf(failure.exception), message, failure.status);
    } else if (this.randomRule && roll && roll[0] < this.randomRule.probability && (!this.randomRule.ops || this.randomRule.ops.includes(op))) {
      const kinds = this.randomRule.kinds;
      const kind = kinds[Math.min(kinds.length - 1, Math.floor(roll[1] * kinds.length))];
      this.injected[`${kind} ${op}`] = (this.injected[`${kind} ${op}`] ?? 0) + 1;
      if (kind === '500') decision.fail = new WebHdfsError('java.io.IOException', `Injected random fault on ${op}`, 500);
      else if (kind === 'drop-before') decision.dropBefore = true;
      else decision.dropAfter = true;
    }
    return decision;
  }

  /** For a starting upload: the byte count after which to cut it, if a dropUpload rule applies. */
  takeUploadDrop(): number | undefined {
    return take(this.uploadDrops, () => true)?.afterBytes;
  }
}

/** The first rule matching `test` with uses left, counted down (and removed when spent). */
function take<T extends Counted>(rules: T[], test: (rule: T) => boolean): T | undefined {
  const index = rules.findIndex((rule) => rule.remaining > 0 && test(rule));
  if (index < 0) return undefined;
  const rule = rules[index];
  rule.remaining--;
  if (rule.remaining <= 0) rules.splice(index, 1);
  return rule;
}
