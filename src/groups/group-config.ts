/** The broker settings of the group coordinator, under Kafka's names (as options: camelCase). */
export interface GroupCoordinatorConfig {
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms: JoinGroup outside them gets INVALID_SESSION_TIMEOUT. */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.max.size: members past it get GROUP_MAX_SIZE_REACHED. */
  maxSize: number;
  /** offsets.retention.minutes: an empty group's offsets live this long after it became empty. */
  offsetsRetentionMinutes: number;
  /** offsets.retention.check.interval.ms: how often expired offsets (and empty groups without any) are removed. */
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: a longer metadata string gets OFFSET_METADATA_TOO_LARGE. */
  offsetMetadataMaxBytes: number;
}

export const GROUP_DEFAULTS: Readonly<GroupCoordinatorConfig> = {
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  maxSize: 2_147_483_647,
  offsetsRetentionMinutes: 10_080,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
};

const KAFKA_NAMES: Record<keyof GroupCoordinatorConfig, string> = {
  initialRebalanceDelayMs: 'group.initial.rebalance.delay.ms',
  minSessionTimeoutMs: 'group.min.session.timeout.ms',
  maxSessionTimeoutMs: 'group.max.session.timeout.ms',
  maxSize: 'group.max.size',
  offsetsRetentionMinutes: 'offsets.retention.minutes',
  offsetsRetentionCheckIntervalMs: 'offsets.retention.check.interval.ms',
  offsetMetadataMaxBytes: 'offset.metadata.max.bytes',
};

const MINIMUMS: Record<keyof GroupCoordinatorConfig, number> = {
  initialRebalanceDelayMs: 0,
  minSessionTimeoutMs: 0,
  maxSessionTimeoutMs: 0,
  maxSize: 1,
  offsetsRetentionMinutes: 1,
  offsetsRetentionCheckIntervalMs: 1,
  offsetMetadataMaxBytes: 0,
};

export class GroupConfigError extends Error {
  constructor(readonly setting: string, detail: string) {
    super(`${setting}: ${detail}`);
    this.name = 'GroupConfigError';
  }
}

/** The defaults with `overrides` applied, each checked (whole number, in range) and named by its Kafka name. */
export function groupCoordinatorConfig(overrides: Partial<GroupCoordinatorConfig> = {}): GroupCoordinatorConfig {
  const config = { ...GROUP_DEFAULTS };
  for (const name of Object.keys(KAFKA_NAMES) as (keyof GroupCoordinatorConfig)[]) {
    const value = overrides[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < MINIMUMS[name]) {
      throw new GroupConfigError(KAFKA_NAMES[name], `must be a whole number ≥ ${MINIMUMS[name]}, not ${value}`);
    }
    config[name] = value;
  }
  if (config.maxSessionTimeoutMs < config.minSessionTimeoutMs) {
    throw new GroupConfigError(KAFKA_NAMES.maxSessionTimeoutMs, `${config.maxSessionTimeoutMs} is below ${KAFKA_NAMES.minSessionTimeoutMs} (${config.minSessionTimeoutMs})`);
  }
  return config;
}
