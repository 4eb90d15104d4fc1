// Message format v0's LZ4: Kafka before KIP-57 computed the frame header checksum over the magic number too,
// so a v0 producer's lz4 wrapper fails a standard reader. Kafka ignores that checksum for magic 0; sluice
// rewrites it to the correct one before decompressing.
const PRIME1 = 2654435761;
const PRIME2 = 2246822519;
const PRIME3 = 3266489917;
const PRIME4 = 668265263;
const PRIME5 = 374761393;

const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
const round = (acc: number, lane: number) => mul(rotl((acc + mul(lane, PRIME2)) >>> 0, 13), PRIME1);

/** xxHash32 (the LZ4 frame format's checksum). */
export function xxh32(data: Uint8Array, seed = 0): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = data.length;
  let p = 0;
  let h: number;
  if (length >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) >>> 0;
    let v2 = (seed + PRIME2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - PRIME1) >>> 0;
    for (; p + 16 <= length; p += 16) {
      v1 = round(v1, view.getUint32(p, true));
      v2 = round(v2, view.getUint32(p + 4, true));
      v3 = round(v3, view.getUint32(p + 8, true));
      v4 = round(v4, view.getUint32(p + 12, true));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = (seed + PRIME5) >>> 0;
  }
  h = (h + length) >>> 0;
  for (; p + 4 <= length; p += 4) h = mul(rotl((h + mul(view.getUint32(p, true), PRIME3)) >>> 0, 17), PRIME4);
  for (; p < length; p++) h = mul(rotl((h + mul(data[p], PRIME5)) >>> 0, 11), PRIME1);
  h = mul(h ^ (h >>> 15), PRIME2);
  h = mul(h ^ (h >>> 13), PRIME3);
  return (h ^ (h >>> 16)) >>> 0;
}

const LZ4_MAGIC = 0x184d2204;
const DESCRIPTOR_START = 4;

/** The LZ4 frame with its header checksum set right (a copy), whatever it held; anything that is not a frame as is. */
export function withCorrectLz4HeaderChecksum(frame: Buffer): Buffer {
  if (frame.length < 7 || frame.readUInt32LE(0) !== LZ4_MAGIC) return frame;
  const flags = frame[DESCRIPTOR_START];
  const checksumPos = DESCRIPTOR_START + 2 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0);
  if (checksumPos >= frame.length) return frame;
  const fixed = Buffer.from(frame);
  fixed[checksumPos] = (xxh32(frame.subarray(DESCRIPTOR_START, checksumPos)) >>> 8) & 0xff;
  return fixed;
}
