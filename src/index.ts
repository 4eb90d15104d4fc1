// sluice as a library: the package's "main". Nothing inside src/ imports this file; it only gathers the public API.

// The broker: a Kafka-protocol listener over a Kafka-layout log directory.
export { Broker } from './broker/broker';
export type { BrokerOptions } from './broker/broker';

// The client: any Kafka-protocol cluster, and the record batches it carries.
export { KafkaClient } from './client/kafka-client';
export type { FetchOptions, FetchResult, PartitionInfo, TopicInfo } from './client/kafka-client';
export { buildRecordBatch, decodeRecords, MalformedRecordError } from './protocol/records';
export type { DecodedRecord, RecordHeader, RecordInput } from './protocol/records';
export { KafkaError, KafkaErrors } from './protocol/error-codes';
export type { KafkaErrorName } from './protocol/error-codes';

// Load jobs: a job file, a run, a backfill, the check of what a table holds, a table's status.
export { JobDefinitionError, loadJobDefinition } from './job/job-definition';
export type { JobDefinition, OutputFormat } from './job/job-definition';
export { BadRecordThresholdError, LockLostError, runLoad } from './pipeline/load-job';
export type { LoadOptions, LoadSummary } from './pipeline/load-job';
export { JobLockedError } from './table/table-state';
export { runBackfill } from './pipeline/backfill';
export type { BackfillRequest, Bound } from './pipeline/backfill';
export { verifyTable } from './table/verify';
export type { PartitionCoverage, VerifyReport } from './table/verify';
export { jobStatus } from './status/job-status';
export type { JobStatus, PartitionStatus, RunLine } from './status/job-status';

// Sinks: the port and the factory that opens a job's sink (a local directory or HDFS through WebHDFS).
export { openSink, openTable } from './connector-factory';
export type { TableReader, TableStore } from './table/table';
export type { RecordSource, RecordSourceOptions } from './ports/record-source';
export { RecordSourceError } from './ports/record-source';
export { joinSinkPath, SinkError, SinkFileExistsError } from './ports/sink';
export type { Sink, SinkEntry } from './ports/sink';

// For tests of code that writes to HDFS: a WebHDFS NameNode and DataNode over a local directory.
export { EmulatorOptionsError, startWebHdfsEmulator } from './dev/webhdfs/emulator';
export type { WebHdfsEmulator, WebHdfsEmulatorOptions } from './dev/webhdfs/emulator';
export { startSchemaRegistry } from './registry/registry-server';
export type { RunningSchemaRegistry, SchemaRegistryOptions } from './registry/registry-server';
export { PartitionStoreSchemaLog } from './registry/partition-store-log';
export { KafkaSchemaLog } from './registry/kafka-schema-log';
