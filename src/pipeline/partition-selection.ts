export class SelectionError extends Error {
  constructor(readonly flag: string, detail: string) {
    super(`${flag}: ${detail}`);
    this.name = 'SelectionError';
  }
}

/** "0,2-5" → [0, 2, 3, 4, 5]. */
export function parsePartitionList(text: string): number[] {
  const partitions = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new SelectionError('--partitions', `${JSON.stringify(part)} is not a partition or a range like 2-5`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new SelectionError('--partitions', `range ${part} runs backwards`);
    for (let p = from; p <= to; p++) partitions.add(p);
  }
  if (partitions.size === 0) throw new SelectionError('--partitions', 'names no partition');
  return [...partitions].sort((a, b) => a - b);
}

/** "--shard i/N": the partitions p with p mod N = i, so N machines can split one job. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match || Number(match[2]) < 1 || Number(match[1]) >= Number(match[2])) {
    throw new SelectionError('--shard', `${JSON.stringify(text)} must be i/N with 0 ≤ i < N`);
  }
  return { index: Number(match[1]), count: Number(match[2]) };
}

export function shardPartitions(all: number[], shard: { index: number; count: number }): number[] {
  return all.filter((p) => p % shard.count === shard.index);
}
