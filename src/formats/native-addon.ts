// The load's native addon (src/native/, built by `npm run build:native`), loaded once per thread, or null when it
// is not built or `SLUICE_NATIVE=0` turns it off: then the JS scanner and Node's zlib do its work.
import * as path from 'node:path';

/** `SLUICE_NATIVE=0` keeps the load on the JS scanner and zlib (to compare the two). */
export const NATIVE_ENV = 'SLUICE_NATIVE';

export interface NativeAddon {
  compileSchema(layout: Buffer): object;
  scanBatch(
    schema: object, output: number, values: Buffer, valueStarts: Int32Array, valueEnds: Int32Array, keys: Buffer | null,
    keyStarts: Int32Array, keyEnds: Int32Array, offsets: Float64Array, timestamps: Float64Array, from: number, to: number,
    partition: number, out: Buffer, outStart: number, spans: Int32Array, eventTimes: Float64Array,
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
