/**
 * What the broker tells its metrics as it works: requests, bytes and records in and out, connections. The
 * figures read at scrape time (partitions, log sizes and offsets, group lag) come from the stores themselves.
 */
export interface BrokerMetrics {
  /** A request answered (or dropped without an answer) after `seconds`, by API name ("Produce", "Fetch"). */
  requestHandled(api: string, seconds: number): void;
  /** Bytes and records appended to a topic by Produce. */
  produced(topic: string, bytes: number, records: number): void;
  /** Bytes and records of a topic sent to consumers by Fetch. */
  fetched(topic: string, bytes: number, records: number): void;
  connectionOpened(listener: string): void;
  connectionClosed(listener: string): void;
}

export const NO_BROKER_METRICS: BrokerMetrics = {
  requestHandled: () => undefined,
  produced: () => undefined,
  fetched: () => undefined,
  connectionOpened: () => undefined,
  connectionClosed: () => undefined,
};
