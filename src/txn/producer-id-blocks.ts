/** Kafka's ProducerIdManager hands out ids in blocks of this many. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/**
 * Producer ids that never repeat across restarts: the end of each block is recorded durably (`reserve`) before
 * the first id of the block is handed out, and a start continues after the last block recorded.
 */
export class ProducerIdBlocks {
  private nextId: number;
  private end: number;

  constructor(recordedEnd: number, private readonly reserve: (blockEnd: number) => void) {
    this.nextId = recordedEnd;
    this.end = recordedEnd;
  }

  get blockEnd(): number {
    return this.end;
  }

  next(): number {
    if (this.nextId >= this.end) {
      this.reserve(this.nextId + PRODUCER_ID_BLOCK_SIZE);
      this.end = this.nextId + PRODUCER_ID_BLOCK_SIZE;
    }
    return this.nextId++;
  }
}
