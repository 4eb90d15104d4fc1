import type { SchemaRegistryClientOptions } from '../connectors/schema-registry/http-schema-registry';
import { RegistrySettingError } from '../connectors/schema-registry/registry-endpoints';
import { LocalSink } from '../connectors/sinks/local-sink';
import { KafkaRecordSource } from '../connectors/sources/kafka-source';
import { HttpTimeoutError, WebHdfsConnectionError, WebHdfsError, WebHdfsLengthMismatchError } from '../connectors/webhdfs/errors';
import { WebHdfsRetriesExhaustedError } from '../connectors/webhdfs/retry-policy';
import { isWebHdfsLocation, WebHdfsLocationError } from '../connectors/webhdfs/webhdfs-location';
import type { RecordSource, RecordSourceOptions } from './ports/record-source';
import type { SchemaRegistryAdmin } from './ports/schema-registry';
import { Sink, SinkError } from './ports/sink';
import { TableState } from './table/table-state';

// The one module of src/ that names connectors/: everything else asks for a port.
// The WebHDFS sink and the registry client (node:http, node:https, node:crypto) load when a job first asks for
// them: a load's worker threads start sooner without them.
type WebHdfsSinkModule = typeof import('../connectors/sinks/webhdfs-sink');
type RegistryModule = typeof import('../connectors/schema-registry/http-schema-registry');

/** The sink a job's output names: a local path or file:// URL, or HDFS through WebHDFS. */
export function openSink(location: string): Sink {
  if (isWebHdfsLocation(location)) return new (require('../connectors/sinks/webhdfs-sink') as WebHdfsSinkModule).WebHdfsSink(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) {
    throw new SinkError(location, 'open', 'expected a local path, file://, webhdfs://host:port/path, swebhdfs:// or http(s)://host:port/webhdfs/v1/path');
  }
  return new LocalSink(location);
}

/** One topic of a Kafka-protocol cluster; fails with a `RecordSourceError` when no bootstrap server answers. */
export function openRecordSource(bootstrap: string, topic: string, options: RecordSourceOptions = {}): Promise<RecordSource> {
  return KafkaRecordSource.open(bootstrap, topic, options);
}

/**
 * A Confluent-compatible Schema Registry at `urls` (one URL or several, comma-separated, tried in turn; credentials
 * in a URL are used for basic auth). Throws RegistrySettingError for a URL or credential that cannot be used.
 */
export function openSchemaRegistry(urls: string, options: SchemaRegistryClientOptions = {}): SchemaRegistryAdmin {
  return new (require('../connectors/schema-registry/http-schema-registry') as RegistryModule).HttpSchemaRegistry(urls, options);
}

export { RegistrySettingError };
export type { SchemaRegistryClientOptions };

/** The error classes connectors throw, so an error from a worker thread can be rebuilt with its own type. */
export const connectorErrorTypes: readonly (abstract new (...args: never[]) => Error)[] = [
  WebHdfsError, WebHdfsConnectionError, WebHdfsLengthMismatchError, WebHdfsRetriesExhaustedError, HttpTimeoutError, WebHdfsLocationError, RegistrySettingError,
];

/** A table (both sides: `TableStore` for loads, `TableReader` for tools) in the sink at `location`. */
export function openTable(location: string, root: string): TableState {
  return new TableState(openSink(location), root);
}

/** A location as run logs show it ("local directory /abs/path", "HDFS /path through WebHDFS at …"); the location itself if it cannot be opened. */
export function sinkDescription(location: string): string {
  try {
    return openSink(location).description;
  } catch {
    return location;
  }
}
