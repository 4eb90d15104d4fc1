import { LocalSink } from '../connectors/sinks/local-sink';
import { WebHdfsSink } from '../connectors/sinks/webhdfs-sink';
import { isWebHdfsLocation } from '../connectors/webhdfs/webhdfs-location';
import { Sink, SinkError } from './ports/sink';

// The one module of src/ that names connectors/: everything else asks for a port.

/** The sink a job's output names: a local path or file:// URL, or HDFS through WebHDFS. */
export function openSink(location: string): Sink {
  if (isWebHdfsLocation(location)) return new WebHdfsSink(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !location.startsWith('file://')) {
    throw new SinkError(location, 'open', 'expected a local path, file://, webhdfs://host:port/path, swebhdfs:// or http(s)://host:port/webhdfs/v1/path');
  }
  return new LocalSink(location);
}

/** A location as run logs show it ("local directory /abs/path", "HDFS /path through WebHDFS at …"); the location itself if it cannot be opened. */
export function sinkDescription(location: string): string {
  try {
    return openSink(location).description;
  } catch {
    return location;
  }
}
