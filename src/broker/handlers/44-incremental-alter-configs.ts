import { incrementalAlterConfigsRequestSchema, incrementalAlterConfigsResponseSchema, IncrementalAlterConfigsRequest } from '../../protocol/generated';
import { KafkaError } from '../../protocol/error-codes';
import type { BrokerState } from '../broker-state';
import type { BrokerConfigLevel } from '../../ports/broker-config-store';
import type { DescribedConfig } from '../../ports/partition-store';
import { defineHandler } from './handler';
import { RESOURCE_BROKER, RESOURCE_TOPIC, brokerConfigs, brokerLevel, replaceTopicConfig, alterEachResource, checkConfigAccess } from './config-resources';
import { AclOperation } from './authorize';

type Resource = IncrementalAlterConfigsRequest['resources'][number];

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

const listItems = (text: string | null): string[] => (text ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);

/** The topic's overrides after the operations. */
function topicAfter(broker: BrokerState, resource: Resource): Record<string, string> {
  const store = broker.stores.partitions;
  store.checkTopicName(resource.resourceName);
  const described = new Map(store.describeTopicConfig(resource.resourceName).map((c) => [c.name, c]));
  return applyOperations(resource, { ...store.describeTopic(resource.resourceName).config }, described, 'topic');
}

/** The broker level's dynamic configs after the operations. */
function brokerAfter(broker: BrokerState, resource: Resource, level: BrokerConfigLevel): Record<string, string> {
  const described = new Map(brokerConfigs(broker).map((c) => [c.name, c]));
  return applyOperations(resource, { ...broker.dynamicConfig.current(level) }, described, 'broker');
}

/** The configs after the operations, in request order (Kafka's prepareIncrementalConfigs). */
function applyOperations(resource: Resource, start: Record<string, string>, described: Map<string, DescribedConfig>, kind: string): Record<string, string> {
  const overrides = start;
  for (const op of resource.configs) {
    switch (op.configOperation) {
      case SET:
        if (op.value === null) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${op.name}`);
        overrides[op.name] = op.value;
        break;
      case DELETE:
        delete overrides[op.name];
        break;
      case APPEND:
      case SUBTRACT: {
        const current = described.get(op.name);
        if (!current) throw new KafkaError('INVALID_CONFIG', `Unknown ${kind} config name: ${op.name}`);
        const verb = op.configOperation === APPEND ? 'append' : 'subtract';
        if (current.type !== 'LIST') throw new KafkaError('INVALID_CONFIG', `Config value ${verb} is not allowed for config key: ${op.name}`);
        const old = listItems(overrides[op.name] ?? current.value);
        const given = listItems(op.value);
        const next = op.configOperation === APPEND ? [...new Set([...old, ...given])] : old.filter((item) => !given.includes(item));
        overrides[op.name] = next.join(',');
        break;
      }
      default:
        throw new KafkaError('INVALID_REQUEST', `Unknown config operation ${op.configOperation} for ${op.name} (0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT)`);
    }
  }
  return overrides;
}

function alter(broker: BrokerState, resource: Resource, validateOnly: boolean): void {
  const names = resource.configs.map((c) => c.name);
  if (new Set(names).size !== names.length) throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys');
  switch (resource.resourceType) {
    case RESOURCE_TOPIC:
      return replaceTopicConfig(broker, resource.resourceName, topicAfter(broker, resource), validateOnly);
    case RESOURCE_BROKER: {
      const level = brokerLevel(broker, resource.resourceName);
      return broker.dynamicConfig.replace(level, brokerAfter(broker, resource, level), validateOnly);
    }
    default:
      throw new KafkaError('INVALID_REQUEST', `Unsupported resource type ${resource.resourceType} (sluice alters topics (2))`);
  }
}

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  request: incrementalAlterConfigsRequestSchema,
  response: incrementalAlterConfigsResponseSchema,
  handle(request, context) {
    const alterOne = (resource: Resource) => {
      checkConfigAccess(context, resource, AclOperation.ALTER_CONFIGS);
      alter(context.broker, resource, request.validateOnly);
    };
    return { throttleTimeMs: 0, responses: alterEachResource(request.resources, alterOne) };
  },
});
