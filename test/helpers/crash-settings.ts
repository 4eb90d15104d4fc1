import type { LogConfig } from '../../src/log/log-config';

export const CRASH_TOPIC = 'crash';

/** Small segments so kills also land around rolls; every append is flushed before it is reported. */
export const CRASH_TEST_DEFAULTS: Partial<LogConfig> = {
  segmentBytes: 256 * 1024,
  flushMessages: 1,
  retentionMs: -1,
  indexIntervalBytes: 1024,
};
