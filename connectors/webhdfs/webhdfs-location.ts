import * as path from 'node:path';

/** Everything needed to reach one directory of one HDFS through WebHDFS. */
export interface WebHdfsTarget {
  /** NameNode base URLs (`http://nn1:9870`), tried in order; the first that answers as active is kept. */
  nameNodes: string[];
  /** Absolute HDFS path every sink path is relative to, e.g. `/warehouse`. */
  root: string;
  user?: string;
  doas?: string;
  delegation?: string;
  /** DataNode host as advertised in redirects → host to connect to instead (ports are kept). */
  dataNodeHosts: Record<string, string>;
}

export class WebHdfsLocationError extends Error {
  constructor(readonly location: string, detail: string) {
    super(`sink ${location}: ${detail}`);
    this.name = 'WebHdfsLocationError';
  }
}

const SHAPE = /^(webhdfs|swebhdfs|https?):\/\/([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/i;

export function isWebHdfsLocation(location: string): boolean {
  const match = SHAPE.exec(location);
  if (!match) return false;
  const scheme = match[1].toLowerCase();
  return scheme === 'webhdfs' || scheme === 'swebhdfs' || (match[3] ?? '').startsWith('/webhdfs/v1');
}

function parseDataNodeMap(spec: string, location: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to] = pair.split('=');
    if (!from || !to) throw new WebHdfsLocationError(location, `DataNode mapping "${pair}" must look like advertised-host=reachable-host`);
    map[from] = to;
  }
  return map;
}

/**
 * Reads `webhdfs://nn1:9870,nn2:9870/warehouse?user.name=etl` (swebhdfs:// for HTTPS) or
 * `http(s)://nn:9870/webhdfs/v1/warehouse`. Query parameters: `user.name`, `doas`, `delegation`,
 * and `datanode.<advertised host>=<reachable host>`; `HADOOP_USER_NAME` supplies the user when the
 * URL has none, `SLUICE_WEBHDFS_DATANODES` (`dn1=10.0.0.5,dn2=10.0.0.6`) further host mappings.
 */
export function parseWebHdfsLocation(location: string, env: NodeJS.ProcessEnv = process.env): WebHdfsTarget {
  const match = SHAPE.exec(location);
  if (!match || !isWebHdfsLocation(location)) {
    throw new WebHdfsLocationError(location, 'expected webhdfs://host:port/path, swebhdfs://host:port/path or http(s)://host:port/webhdfs/v1/path');
  }
  const scheme = match[1].toLowerCase();
  const protocol = scheme === 'swebhdfs' || scheme === 'https' ? 'https' : 'http';
  const hosts = match[2].split(',').map((h) => h.trim());
  for (const host of hosts) {
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(host)) throw new WebHdfsLocationError(location, `"${host}" is not a host[:port]`);
  }
  const defaultPort = protocol === 'https' ? 9871 : 9870;
  const nameNodes = hosts.map((h) => `${protocol}://${/:\d+$/.test(h) ? h : `${h}:${defaultPort}`}`);
  let rawPath = match[3] ?? '/';
  if (scheme.startsWith('http')) rawPath = rawPath.slice('/webhdfs/v1'.length) || '/';
  const decoded = decodeURIComponent(rawPath);
  if (decoded.split('/').includes('..')) throw new WebHdfsLocationError(location, 'the path may not contain ".."');
  const root = path.posix.normalize(decoded).replace(/\/+$/, '') || '/';

  const params = new URLSearchParams(match[4] ?? '');
  const dataNodeHosts = parseDataNodeMap(env.SLUICE_WEBHDFS_DATANODES ?? '', location);
  const known = new Set(['user.name', 'doas', 'delegation']);
  for (const [key, value] of params) {
    if (key.startsWith('datanode.')) dataNodeHosts[key.slice('datanode.'.length)] = value;
    else if (!known.has(key)) throw new WebHdfsLocationError(location, `unknown parameter "${key}" (known: user.name, doas, delegation, datanode.<host>)`);
  }
  return {
    nameNodes,
    root,
    user: params.get('user.name') ?? env.HADOOP_USER_NAME ?? undefined,
    doas: params.get('doas') ?? undefined,
    delegation: params.get('delegation') ?? undefined,
    dataNodeHosts,
  };
}
