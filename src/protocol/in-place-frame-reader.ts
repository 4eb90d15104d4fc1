import { checkFrameSize } from './frame-reader';

/**
 * Splits a TCP byte stream into Kafka frames where the socket reads them (net.Socket's `onread`). A frame larger than
 * the scratch buffer is read by the kernel straight into a buffer of its own size: a 1 MiB Fetch answer is never
 * copied, where FrameReader joins the 64 KiB chunks Node reads into one buffer (~30 ms per 110 MB fetched by each of a
 * load's workers, BENCHMARKS.md). Smaller frames are copied out of the scratch buffer, which is reused.
 */
export class InPlaceFrameReader {
  private readonly scratch: Buffer;
  /** The scratch buffer's bytes not yet taken as frames: [start, end). */
  private start = 0;
  private end = 0;
  /** The frame being read in place, and how much of it has arrived. */
  private frame: Buffer | null = null;
  private filled = 0;

  constructor(private readonly maxFrameBytes: number, scratchBytes = 64 * 1024) {
    this.scratch = Buffer.allocUnsafe(scratchBytes);
  }

  /** Where the socket's next read goes: the rest of the frame being read in place, else the scratch buffer's free end. */
  nextBuffer(): Buffer {
    if (this.frame) return this.frame.subarray(this.filled);
    if (this.start > 0) {
      // What is left is the start of a frame that fits the scratch buffer: moved to its front, once.
      this.scratch.copy(this.scratch, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    return this.scratch.subarray(this.end);
  }

  /** Bytes received of frames not yet complete. */
  get pendingBytes(): number {
    return this.frame ? 4 + this.filled : this.end - this.start;
  }

  /**
   * Takes the `bytes` the socket has just read into the buffer `nextBuffer()` gave, and returns every frame now
   * complete. Throws FrameError on an impossible size.
   */
  received(bytes: number): Buffer[] {
    if (this.frame) {
      this.filled += bytes;
      if (this.filled < this.frame.length) return [];
      const done = this.frame;
      this.frame = null;
      this.filled = 0;
      return [done];
    }
    this.end += bytes;
    const frames: Buffer[] = [];
    for (;;) {
      const available = this.end - this.start;
      if (available < 4) return frames;
      const size = this.scratch.readInt32BE(this.start);
      checkFrameSize(size, this.maxFrameBytes);
      if (available >= 4 + size) {
        frames.push(Buffer.from(this.scratch.subarray(this.start + 4, this.start + 4 + size)));
        this.start += 4 + size;
        continue;
      }
      if (4 + size > this.scratch.length) {
        this.frame = Buffer.allocUnsafe(size);
        this.filled = this.scratch.copy(this.frame, 0, this.start + 4, this.end);
        this.start = this.end = 0;
      }
      return frames;
    }
  }
}
