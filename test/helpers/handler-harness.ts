import { strict as assert } from 'node:assert';
import { decodeMessage, encodeMessage, MessageSchema, Reader } from '../../src/protocol/codec';
import type { PartitionStore } from '../../src/ports/partition-store';
import { AppendNotifier } from '../../src/broker/append-notifier';
import type { BrokerIdentity, BrokerState, TopicDefaults } from '../../src/broker/broker-state';
import type { RegisteredHandler } from '../../src/broker/handlers/handler';
import type { GroupStore } from '../../src/ports/group-store';
import { GroupCoordinator, GroupCoordinatorOptions } from '../../src/groups/group-coordinator';
import { MemoryGroupStore } from './memory-group-store';
import type { TransactionCoordinator } from '../../src/ports/transaction-coordinator';
import { KafkaError } from '../../src/protocol/error-codes';
import { DynamicBrokerConfig } from '../../src/broker/dynamic-broker-config';
import type { BrokerConfigStore, DynamicBrokerConfigs } from '../../src/ports/broker-config-store';
import { ConnectionSession, plaintextSession } from '../../src/broker/session';
import type { Authorizer } from '../../src/ports/authorizer';
import { StandardAuthorizer } from '../../src/acl/standard-authorizer';
import { MemoryAclStore } from './memory-acl-store';

export const TEST_IDENTITY: Readonly<BrokerIdentity> = { nodeId: 7, advertisedHost: 'broker.test', advertisedPort: 19092, clusterId: 'test-cluster' };

/** For handler tests that need no transactions: every call fails as a broker without a coordinator would. */
const NO_TRANSACTIONS: TransactionCoordinator = new Proxy({} as TransactionCoordinator, {
  get: (_target, name) => () => {
    throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `no transaction coordinator in this test (called ${String(name)})`);
  },
});

/** Broker state over `store` as Broker.start builds it, without a data directory or a socket. */
export function brokerStateOver(
  store: PartitionStore,
  topicDefaults: Partial<TopicDefaults> = {},
  extras: { groups?: { store?: GroupStore; options?: GroupCoordinatorOptions }; transactions?: TransactionCoordinator; authorizer?: Authorizer } = {},
): BrokerState & { groupCoordinator: GroupCoordinator } {
  const groupStore = extras.groups?.store ?? new MemoryGroupStore();
  return {
    stores: {
      partitions: store,
      groups: groupStore,
      transactions: extras.transactions ?? NO_TRANSACTIONS,
      authorizer: extras.authorizer ?? new StandardAuthorizer(new MemoryAclStore(), { allowEveryoneIfNoAclFound: true, superUsers: [] }),
    },
    groupCoordinator: new GroupCoordinator(groupStore, { topicExists: (topic) => store.hasTopic(topic), ...extras.groups?.options }),
    identity: { ...TEST_IDENTITY },
    topicDefaults: { numPartitions: 3, autoCreateTopics: true, ...topicDefaults },
    appends: new AppendNotifier(),
    stopping: false,
    dynamicConfig: DynamicBrokerConfig.open(new MemoryBrokerConfigStore(), store, () => undefined),
  };
}

/** Dynamic broker configs kept in memory, saved as copies (what a restart would read back). */
export class MemoryBrokerConfigStore implements BrokerConfigStore {
  saved: DynamicBrokerConfigs = { broker: {}, clusterDefault: {} };

  load(): DynamicBrokerConfigs {
    return { broker: { ...this.saved.broker }, clusterDefault: { ...this.saved.clusterDefault } };
  }

  save(configs: DynamicBrokerConfigs): void {
    this.saved = { broker: { ...configs.broker }, clusterDefault: { ...configs.clusterDefault } };
  }
}

export interface Api<Request, Response> {
  request: MessageSchema<Request>;
  response: MessageSchema<Response>;
}

/**
 * Calls `handler` the way the dispatcher does: the request encoded at
 * `version`, the answer decoded at `version` (every byte of it); null when
 * the handler sends no response.
 */
export async function callHandler<Request, Response>(
  handler: RegisteredHandler,
  api: Api<Request, Response>,
  version: number,
  request: Request,
  broker: BrokerState,
  session: ConnectionSession = plaintextSession(),
): Promise<Response | null> {
  const body = encodeMessage(api.request, version, request).toBuffer();
  const written = await handler.respond(new Reader(body), { broker, apiVersion: version, clientId: 'handler-test', clientHost: '/127.0.0.1', session });
  if (written === null) return null;
  const reader = new Reader(written.toBuffer());
  const response = decodeMessage(api.response, version, reader);
  assert.equal(reader.remaining, 0, `${handler.name} v${version} wrote ${reader.remaining} bytes past its response`);
  return response;
}

/** callHandler for handlers that always answer. */
export async function answer<Request, Response>(
  handler: RegisteredHandler,
  api: Api<Request, Response>,
  version: number,
  request: Request,
  broker: BrokerState,
  session?: ConnectionSession,
): Promise<Response> {
  const response = await callHandler(handler, api, version, request, broker, session);
  assert.ok(response !== null, `${handler.name} v${version} sent no response`);
  return response;
}

/** Every version a handler declares, for tests that must hold at each. */
export function versionsOf(handler: RegisteredHandler): number[] {
  return Array.from({ length: handler.maxVersion - handler.minVersion + 1 }, (_, i) => handler.minVersion + i);
}
