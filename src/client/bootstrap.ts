import type { BrokerConnection } from './broker-connection';
import type { BrokerConnector } from './broker-connector';
import { isSecurityFailure } from './security-errors';

/** Parses "host:port,host:port" into addresses; the port defaults to 9092. */
export function parseBootstrap(bootstrap: string): { host: string; port: number }[] {
  return bootstrap.split(',').map((entry) => {
    const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry.trim());
    if (!match) throw new Error(`bad bootstrap server ${JSON.stringify(entry)}: expected host:port`);
    return { host: match[1], port: match[2] ? Number(match[2]) : 9092 };
  });
}

/** A connection to the first of the bootstrap servers that answers (and accepts the client's credentials). */
export async function connectToAny(bootstrap: string, connector: BrokerConnector): Promise<BrokerConnection> {
  let lastError: Error | undefined;
  for (const { host, port } of parseBootstrap(bootstrap)) {
    try {
      return await connector.open(host, port);
    } catch (error) {
      // Refused credentials or an untrusted certificate: the next server would say the same.
      if (isSecurityFailure(error)) throw error;
      lastError = error as Error;
    }
  }
  throw lastError ?? new Error('no bootstrap servers given');
}
