import { alterConfigsRequestSchema, alterConfigsResponseSchema, AlterConfigsRequest } from '../../protocol/generated';
import { KafkaError } from '../../protocol/error-codes';
import type { BrokerState } from '../broker-state';
import { defineHandler } from './handler';
import { RESOURCE_BROKER, RESOURCE_TOPIC, brokerLevel, replaceTopicConfig, alterEachResource, checkConfigAccess } from './config-resources';
import { AclOperation } from './authorize';

type Resource = AlterConfigsRequest['resources'][number];

/** The legacy API: the given set replaces every override of the resource. */
function alter(broker: BrokerState, resource: Resource, validateOnly: boolean): void {
  const overrides: Record<string, string> = {};
  for (const config of resource.configs) {
    if (config.value === null) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${config.name}`);
    overrides[config.name] = config.value;
  }
  switch (resource.resourceType) {
    case RESOURCE_TOPIC:
      return replaceTopicConfig(broker, resource.resourceName, overrides, validateOnly);
    case RESOURCE_BROKER:
      // The legacy API replaces the level's whole set, as Kafka's does.
      return broker.dynamicConfig.replace(brokerLevel(broker, resource.resourceName), overrides, validateOnly);
    default:
      throw new KafkaError('INVALID_REQUEST', `Unsupported resource type ${resource.resourceType} (sluice alters topics (2))`);
  }
}

export const alterConfigsHandler = defineHandler({
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  request: alterConfigsRequestSchema,
  response: alterConfigsResponseSchema,
  handle(request, context) {
    const alterOne = (resource: Resource) => {
      checkConfigAccess(context, resource, AclOperation.ALTER_CONFIGS);
      alter(context.broker, resource, request.validateOnly);
    };
    return { throttleTimeMs: 0, responses: alterEachResource(request.resources, alterOne) };
  },
});
