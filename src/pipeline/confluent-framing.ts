// Confluent's wire format for Avro on Kafka: magic byte 0, the writer schema's registry id as a big-endian
// 4-byte integer, then the Avro binary datum. What a value that is not framed looks like, said in the reason.
import { BadRecordError } from './bad-record';

export const MAGIC_BYTE = 0;
/** Magic byte + schema id: where the Avro datum starts. */
export const FRAMING_BYTES = 5;

/** The schema id a framed value names, or null when the bytes are not framed (too short, another magic byte). */
export function framedId(bytes: Buffer): number | null {
  return bytes.length >= FRAMING_BYTES && bytes[0] === MAGIC_BYTE ? bytes.readUInt32BE(1) : null;
}

function looksLikeJson(bytes: Buffer): boolean {
  const text = bytes.toString('utf8').trim();
  if (!/^[[{"]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function looksLikeText(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes) && /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(bytes.toString('utf8'));
}

/** Why bytes that `framedId` refused are not Confluent-framed Avro. `what` is "value" or "key". */
export function notFramedReason(bytes: Buffer, what: string): string {
  if (bytes.length < FRAMING_BYTES) return `${what} is ${bytes.length} byte${bytes.length === 1 ? '' : 's'}: too short for the Confluent framing (magic byte + 4-byte schema id)`;
  const magic = `magic byte 0x${bytes[0].toString(16).padStart(2, '0')} is not 0`;
  if (looksLikeJson(bytes)) return `${magic}: this looks like JSON, not Confluent-framed Avro`;
  if (looksLikeText(bytes)) return `${magic}: this looks like text, not Confluent-framed Avro`;
  return `${magic}: not Confluent-framed Avro (plain Avro binary is format "avro")`;
}

/** The schema id of framed bytes; a BadRecordError naming the cause for anything else. */
export function requireFramedId(bytes: Buffer, what: string): number {
  const id = framedId(bytes);
  if (id === null) {
    const reason = notFramedReason(bytes, what);
    const detail = what === 'value' || reason.startsWith(`${what} `) ? reason : `${what}: ${reason}`;
    throw new BadRecordError(detail, detail.replace(/ is \d+ bytes?: too short/, ' is too short'));
  }
  return id;
}

/** Schema ids are positive 32-bit integers (Confluent's ids are Java ints). */
const MAX_SCHEMA_ID = 0x7fffffff;

/**
 * For a plain-Avro job whose value would not decode: the hint that it is framed, when it starts with magic byte 0
 * and a plausible schema id; null otherwise.
 */
export function framingHint(bytes: Buffer, formatKey: string): string | null {
  const id = framedId(bytes);
  if (id === null || id < 1 || id > MAX_SCHEMA_ID) return null;
  return `this looks like Confluent-framed Avro (magic byte 0, schema id ${id}): use ${formatKey} "avro-confluent"`;
}
