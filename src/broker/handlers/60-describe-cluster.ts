import { describeClusterRequestSchema, describeClusterResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { AclOperation, authorizedOperations, clusterAllowed, OPERATIONS_OMITTED, ResourceType } from './authorize';
import { CLUSTER_NAME } from '../../protocol/acl-types';
import { advertisedEndpoint } from '../broker-state';

const BROKERS = 1;
const CONTROLLERS = 2;

export const describeClusterHandler = defineHandler({
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  request: describeClusterRequestSchema,
  response: describeClusterResponseSchema,
  handle(request, context) {
    const { broker } = context;
    const { identity } = broker;
    const endpointType = request.endpointType ?? BROKERS;
    const base = { throttleTimeMs: 0, endpointType, clusterId: identity.clusterId, controllerId: identity.nodeId, clusterAuthorizedOperations: OPERATIONS_OMITTED };
    if (endpointType !== BROKERS) {
      const mismatched = endpointType === CONTROLLERS;
      return {
        ...base,
        errorCode: (mismatched ? KafkaErrors.MISMATCHED_ENDPOINT_TYPE : KafkaErrors.UNSUPPORTED_ENDPOINT_TYPE).code,
        errorMessage: mismatched ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER' : `Unsupported endpoint type ${endpointType}`,
        controllerId: -1,
        brokers: [],
      };
    }
    return {
      ...base,
      errorCode: 0,
      errorMessage: null,
      brokers: [{ brokerId: identity.nodeId, ...advertisedEndpoint(identity, context.session.listenerName), rack: null }],
      // As KafkaApis: the operations only to a caller that may DESCRIBE the cluster, else none.
      clusterAuthorizedOperations: !request.includeClusterAuthorizedOperations
        ? OPERATIONS_OMITTED
        : clusterAllowed(context, AclOperation.DESCRIBE) ? authorizedOperations(context, true, ResourceType.CLUSTER, CLUSTER_NAME) : 0,
    };
  },
});
