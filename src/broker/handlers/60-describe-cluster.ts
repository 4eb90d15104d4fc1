import { describeClusterRequestSchema, describeClusterResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { advertisedEndpoint } from '../broker-state';
import { CLUSTER_OPERATIONS, OPERATIONS_OMITTED } from './authorized-operations';

const BROKERS = 1;
const CONTROLLERS = 2;

export const describeClusterHandler = defineHandler({
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  request: describeClusterRequestSchema,
  response: describeClusterResponseSchema,
  handle(request, { broker, session }) {
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
      brokers: [{ brokerId: identity.nodeId, ...advertisedEndpoint(identity, session.listenerName), rack: null }],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_OMITTED,
    };
  },
});
