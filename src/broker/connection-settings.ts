import type { ServerOptions } from './server';

/** The broker's connection settings; each names the Kafka setting it follows. */
export interface ConnectionOptions {
  /** Kafka's socket.request.max.bytes (default 100 MiB): a larger request closes its connection. */
  maxRequestBytes?: number;
  /**
   * Kafka's queued.max.request.bytes: bytes of requests being received or handled, all connections together.
   * Default 100 MiB (Kafka's is -1, no cap); -1: no cap.
   */
  maxQueuedRequestBytes?: number;
  /** Kafka's connections.max.idle.ms (default 10 minutes). */
  connectionsMaxIdleMs?: number;
  /** How long a request may take to arrive whole once its first byte has (default 30 s; sluice's own, Kafka has none). */
  requestFrameTimeoutMs?: number;
  /** Kafka's max.connections (default unlimited, as Kafka). */
  maxConnections?: number;
  /** Kafka's max.connections.per.ip (default unlimited, as Kafka). */
  maxConnectionsPerIp?: number;
  /** How long repeated bad-client events are counted before one summary line (default 60 s). */
  badClientLogWindowMs?: number;
}

/** Kafka's Int.MaxValue, its "no limit" for connection counts. */
const UNLIMITED = 2_147_483_647;

export const CONNECTION_DEFAULTS: Required<ConnectionOptions> = {
  maxRequestBytes: 100 * 1024 * 1024,
  maxQueuedRequestBytes: 100 * 1024 * 1024,
  connectionsMaxIdleMs: 10 * 60 * 1000,
  requestFrameTimeoutMs: 30_000,
  maxConnections: UNLIMITED,
  maxConnectionsPerIp: UNLIMITED,
  badClientLogWindowMs: 60_000,
};

/** The setting's name in config files and flags (`sluice broker --queued-max-request-bytes`): Kafka's, dots as dashes. */
export const CONNECTION_SETTING_NAMES: Record<keyof ConnectionOptions, string> = {
  maxRequestBytes: 'socket-request-max-bytes',
  maxQueuedRequestBytes: 'queued-max-request-bytes',
  connectionsMaxIdleMs: 'connections-max-idle-ms',
  requestFrameTimeoutMs: 'request-frame-timeout-ms',
  maxConnections: 'max-connections',
  maxConnectionsPerIp: 'max-connections-per-ip',
  badClientLogWindowMs: 'bad-client-log-window-ms',
};

export { BrokerConfigError } from './config-error';
import { BrokerConfigError } from './config-error';

/** Checks the settings and fills in defaults; throws BrokerConfigError naming the first bad one. */
export function connectionSettings(options: ConnectionOptions): Omit<ServerOptions, 'listeners' | 'sasl' | 'logAuthentication' | 'log'> {
  const setting = (name: keyof ConnectionOptions, min: number): number => {
    const value = options[name] ?? CONNECTION_DEFAULTS[name];
    if (!Number.isInteger(value) || value < min) throw new BrokerConfigError(`${CONNECTION_SETTING_NAMES[name]} must be an integer of at least ${min}, not ${value}`);
    return value;
  };
  const queued = setting('maxQueuedRequestBytes', -1);
  if (queued === 0) throw new BrokerConfigError(`${CONNECTION_SETTING_NAMES.maxQueuedRequestBytes} must be positive, or -1 for no cap`);
  return {
    maxFrameBytes: setting('maxRequestBytes', 1),
    maxQueuedRequestBytes: queued,
    idleTimeoutMs: setting('connectionsMaxIdleMs', 1),
    frameTimeoutMs: setting('requestFrameTimeoutMs', 1),
    maxConnections: setting('maxConnections', 1),
    maxConnectionsPerIp: setting('maxConnectionsPerIp', 1),
    badClientLogWindowMs: setting('badClientLogWindowMs', 1),
  };
}
