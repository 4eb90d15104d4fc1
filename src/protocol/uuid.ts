// Kafka's Uuid on the wire is 16 bytes; sluice keeps topic ids in their text form (8-4-4-4-12 hex).
export const ZERO_UUID = Buffer.alloc(16);

export function uuidBytes(text: string): Buffer {
  const bytes = Buffer.from(text.replace(/-/g, ''), 'hex');
  if (bytes.length !== 16) throw new RangeError(`not a UUID: ${JSON.stringify(text)}`);
  return bytes;
}

export function uuidText(bytes: Uint8Array): string {
  const h = Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const isZeroUuid = (bytes: Uint8Array | undefined): boolean => bytes === undefined || Buffer.from(bytes).equals(ZERO_UUID);
