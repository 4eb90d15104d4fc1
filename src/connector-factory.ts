import { LocalSink } from '../connectors/sinks/local-sink';
import { WebHdfsSink } from '../connectors/sinks/webhdfs-sink';
import { isWebHdfsLocation } from '../connectors/webhdfs/webhdfs-location';
import { Sink, SinkError } from './ports/sink';
import { TableState } from './table/table-state';

// The one module of src/ that names connectors/: everything else asks for a port.

/** The sink a job's output names: a local path or file:// URL, or HDFS through WebHDFS. */
export function openSink(location: string): Sink {
  if (isWebHdfsLocation(location)) return new WebHdfsSink(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) {
    throw new SinkError(location, 'open', 'expected a local path, file://, webhdfs://host:port/path, swebhdfs:// or http(s)://host:port/webhdfs/v1/path');
  }
  return new LocalSink(location);
}

/** A table (both sides: `TableStore` for loads, `TableReader` for tools) in the sink at `location`. */
export function openTable(location: string, root: string): TableState {
  return new TableState(openSink(location), root);
}
