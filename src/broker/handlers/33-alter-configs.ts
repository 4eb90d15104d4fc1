import { alterConfigsRequestSchema, alterConfigsResponseSchema, AlterConfigsRequest } from '../../protocol/generated';
import { KafkaError, KafkaErrors } from '../../protocol/error-codes';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { RESOURCE_BROKER, RESOURCE_TOPIC, duplicatedResources, refuseBrokerChanges, replaceTopicConfig, resourceId } from './config-resources';

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
      return refuseBrokerChanges(broker, resource.resourceName, Object.keys(overrides));
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
  handle(request, { broker }) {
    const duplicated = duplicatedResources(request.resources);
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((resource) => {
        const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
        if (duplicated.has(resourceId(resource))) return { ...base, errorCode: KafkaErrors.INVALID_REQUEST.code, errorMessage: 'Error due to duplicate resource' };
        try {
          alter(broker, resource, request.validateOnly);
          return { ...base, errorCode: 0, errorMessage: null };
        } catch (error) {
          const { code, message } = errorOf(error);
          return { ...base, errorCode: code, errorMessage: message };
        }
      }),
    };
  },
});
