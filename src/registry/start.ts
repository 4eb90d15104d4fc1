import type { Broker } from '../broker/broker';
import { plainPasswordMatches } from '../broker/security/sasl-mechanisms';
import type { ClientOptions } from '../client/kafka-client';
import { basicAuthFromCredentials, basicAuthFromFile } from './basic-auth';
import { KafkaSchemaLog } from './kafka-schema-log';
import { PartitionStoreSchemaLog } from './partition-store-log';
import { RunningSchemaRegistry, startSchemaRegistry } from './registry-server';
import { SCHEMAS_TOPIC } from './schema-topic';

export interface RegistryListenOptions {
  host?: string;
  port?: number;
  /** Basic auth against the broker's PLAIN users (only inside a broker). */
  brokerUsers?: boolean;
  /** Basic auth against a `user: password` file. */
  usersFile?: string;
  logLine?: (line: string) => void;
}

function basicAuth(options: RegistryListenOptions, broker?: Broker) {
  if (options.usersFile) return basicAuthFromFile(options.usersFile);
  if (options.brokerUsers && broker) return basicAuthFromCredentials(broker.credentials, plainPasswordMatches);
  return undefined;
}

/** The registry inside `sluice broker --registry-port`: `_schemas` in the broker's own partition store. */
export function startBrokerRegistry(broker: Broker, options: RegistryListenOptions): Promise<RunningSchemaRegistry> {
  const log = new PartitionStoreSchemaLog(broker.logs, () => broker.appended(SCHEMAS_TOPIC, 0));
  return startSchemaRegistry({ ...options, log, basicAuth: basicAuth(options, broker) });
}

/** `sluice registry --bootstrap`: `_schemas` on any Kafka cluster, through sluice's client. */
export async function startClusterRegistry(bootstrap: string, client: ClientOptions, options: RegistryListenOptions): Promise<RunningSchemaRegistry> {
  const auth = basicAuth(options);
  const log = await KafkaSchemaLog.open(bootstrap, client);
  try {
    return await startSchemaRegistry({ ...options, log, basicAuth: auth });
  } catch (error) {
    await log.close();
    throw error;
  }
}
