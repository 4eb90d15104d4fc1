import { describeConfigsRequestSchema, describeConfigsResponseSchema, DescribeConfigsRequest, DescribeConfigsResponse } from '../../protocol/generated';
import { KafkaError } from '../../protocol/error-codes';
import type { DescribedConfig } from '../../ports/partition-store';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import {
  RESOURCE_BROKER, RESOURCE_TOPIC, SOURCE_IDS, TYPE_IDS, brokerConfigs, checkBrokerResource, checkConfigAccess, clusterDefaultConfigs,
} from './config-resources';
import { AclOperation } from './authorize';

type Resource = DescribeConfigsRequest['resources'][number];
type Result = DescribeConfigsResponse['results'][number];
type Entry = Result['configs'][number];

function configsOf(broker: BrokerState, resource: Resource): DescribedConfig[] {
  const store = broker.stores.partitions;
  switch (resource.resourceType) {
    case RESOURCE_TOPIC:
      store.checkTopicName(resource.resourceName);
      return store.describeTopicConfig(resource.resourceName);
    case RESOURCE_BROKER:
      checkBrokerResource(broker, resource.resourceName);
      return resource.resourceName === '' ? clusterDefaultConfigs(broker) : brokerConfigs(broker);
    default:
      throw new KafkaError('INVALID_REQUEST', `Unsupported resource type ${resource.resourceType} (sluice describes topics (2) and brokers (4))`);
  }
}

function entryOf(config: DescribedConfig, request: DescribeConfigsRequest): Entry {
  return {
    name: config.name,
    value: config.value,
    readOnly: config.readOnly,
    isDefault: config.source === 'DEFAULT_CONFIG',
    configSource: SOURCE_IDS[config.source],
    isSensitive: config.sensitive,
    synonyms: request.includeSynonyms ? config.synonyms.map((s) => ({ name: s.name, value: s.value, source: SOURCE_IDS[s.source] })) : [],
    configType: TYPE_IDS[config.type],
    documentation: request.includeDocumentation ? config.documentation : null,
  };
}

export const describeConfigsHandler = defineHandler({
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  request: describeConfigsRequestSchema,
  response: describeConfigsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    return {
      throttleTimeMs: 0,
      results: request.resources.map((resource): Result => {
        const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
        try {
          checkConfigAccess(context, resource, AclOperation.DESCRIBE_CONFIGS);
          const wanted = resource.configurationKeys;
          const configs = configsOf(broker, resource).filter((c) => wanted === null || wanted.includes(c.name));
          return { ...base, errorCode: 0, errorMessage: null, configs: configs.map((c) => entryOf(c, request)) };
        } catch (error) {
          const { code, message } = errorOf(error);
          return { ...base, errorCode: code, errorMessage: message, configs: [] };
        }
      }),
    };
  },
});
