// sluice's native addon (src/native/, built by `npm run build:native`), loaded once per thread, or null when it is
// not built or `SLUICE_NATIVE=0` turns it off: then JavaScript (the JSON scanner, the record loop) and zlib do its work.
import * as path from 'node:path';

/** `SLUICE_NATIVE=0` keeps everything on the JavaScript paths and zlib (to compare the two). */
export const NATIVE_ENV = 'SLUICE_NATIVE';

export interface NativeAddon {
  compileSchema(layout: Buffer): object;
  scanBatch(
    schema: object, output: number, values: Buffer, valueStarts: Int32Array, valueEnds: Int32Array, keys: Buffer | null,
    keyStarts: Int32Array, keyEnds: Int32Array, offsets: Float64Array, timestamps: Float64Array, from: number, to: number,
    partition: number, out: Buffer, outStart: number, spans: Int32Array, eventTimes: Float64Array,
  ): number;
  /**
   * appendBatchRecords's loop in C++ (src/native/records.cc): the kept records' offsets, timestamps and spans from
   * index `at` on (the arrays hold `count` more); -1 when some record needs the JS loop (headers, odd varints, errors).
   */
  appendRecords(
    body: Buffer, pos: number, end: number, count: number, baseOffset: number, baseTimestamp: number, logAppendTime: number,
    fromOffset: number, endOffset: number, offsets: Float64Array, timestamps: Float64Array, keyStarts: Int32Array, keyEnds: Int32Array,
    valueStarts: Int32Array, valueEnds: Int32Array, at: number,
  ): number;
  /** libdeflate's raw DEFLATE of bytes[start, end); present where the addon was built with libdeflate-dev. */
  deflateRaw?(bytes: Buffer, start: number, end: number, level: number): Buffer;
}

const ADDON_PATH = path.resolve(__dirname, '../../../src/native/build/Release/sluice_native.node');
let addon: NativeAddon | null | undefined;

export function nativeAddon(): NativeAddon | null {
  if (addon === undefined) {
    try {
      addon = process.env[NATIVE_ENV] === '0' ? null : (require(ADDON_PATH) as NativeAddon);
    } catch {
      addon = null;
    }
  }
  return addon;
}
