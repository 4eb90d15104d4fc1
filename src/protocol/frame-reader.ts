/** Why a connection's byte stream cannot be read on. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Throws FrameError for a frame size outside 0..max: FrameReader's and InPlaceFrameReader's one check. */
export function checkFrameSize(size: number, maxFrameBytes: number): void {
  if (size < 0 || size > maxFrameBytes) throw new FrameError(`frame of ${size} bytes is outside 0..${maxFrameBytes} (socket.request.max.bytes)`);
}

/**
 * Splits a TCP byte stream into Kafka frames (int32 size, then that many bytes).
 * Chunks are kept as they came and joined once per frame, so a 1 MiB produce
 * request that arrives in 64 KiB pieces is copied once, not sixteen times.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Adds received bytes and returns every frame now complete. Throws FrameError on an impossible size. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const size = this.peekSize();
      checkFrameSize(size, this.maxFrameBytes);
      if (this.buffered < 4 + size) return frames;
      frames.push(this.take(4 + size).subarray(4));
    }
  }

  /** Bytes received of frames not yet complete. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** The declared size of the frame being received, once its size prefix has arrived (checked by `push`). */
  get partialFrameSize(): number | null {
    return this.buffered >= 4 ? this.peekSize() : null;
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= bytes) {
      out = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
    } else {
      const joined = Buffer.concat(this.chunks, this.buffered);
      out = joined.subarray(0, bytes);
      this.chunks = joined.length > bytes ? [joined.subarray(bytes)] : [];
    }
    this.buffered -= bytes;
    return out;
  }
}
