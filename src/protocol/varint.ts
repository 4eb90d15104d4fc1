// Zigzag varints as used inside Kafka records (signed, up to 2^53 in magnitude).

export function zigzagSize(value: number): number {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes `value` zigzag-encoded at `pos`; returns the position after it. */
export function writeZigzag(buffer: Uint8Array, pos: number, value: number): number {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  while (n >= 128) {
    buffer[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buffer[pos++] = n;
  return pos;
}

export interface VarintRead {
  value: number;
  next: number;
}

export class VarintError extends Error {
  constructor(readonly position: number, reason: string) {
    super(`bad varint at byte ${position}: ${reason}`);
    this.name = 'VarintError';
  }
}

/** Reads a zigzag varint at `pos`, never past `end`. */
export function readZigzag(buffer: Uint8Array, pos: number, end: number): VarintRead {
  const start = pos;
  let n = 0;
  let scale = 1;
  for (;;) {
    if (pos >= end) throw new VarintError(start, 'runs past the end of its data');
    const byte = buffer[pos++];
    n += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) break;
    scale *= 128;
    if (scale > 2 ** 63) throw new VarintError(start, 'longer than 10 bytes');
  }
  const value = n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  return { value, next: pos };
}
