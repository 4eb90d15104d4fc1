// Generated from Kafka's ApiVersionsResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ApiVersionsResponse {
  /** The top-level error code. */
  errorCode: number;
  /** The APIs supported by the broker. */
  apiKeys: ApiVersionsResponseApiVersion[];
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-4) */
  throttleTimeMs?: number;
  /** Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion = 0 are omitted. (v3-4, tagged 0) */
  supportedFeatures?: ApiVersionsResponseSupportedFeatureKey[];
  /** The monotonically increasing epoch for the finalized features information. Valid values are >= 0. A value of -1 is special and represents unknown epoch. (v3-4, tagged 1) */
  finalizedFeaturesEpoch?: number;
  /** List of cluster-wide finalized features. The information is valid only if FinalizedFeaturesEpoch >= 0. (v3-4, tagged 2) */
  finalizedFeatures?: ApiVersionsResponseFinalizedFeatureKey[];
  /** Set by a KRaft controller if the required configurations for ZK migration are present (v3-4, tagged 3) */
  zkMigrationReady?: boolean;
}

export interface ApiVersionsResponseApiVersion {
  /** The API index. */
  apiKey: number;
  /** The minimum supported version, inclusive. */
  minVersion: number;
  /** The maximum supported version, inclusive. */
  maxVersion: number;
}

export interface ApiVersionsResponseSupportedFeatureKey {
  /** The name of the feature. */
  name: string;
  /** The minimum supported version for the feature. */
  minVersion: number;
  /** The maximum supported version for the feature. */
  maxVersion: number;
}

export interface ApiVersionsResponseFinalizedFeatureKey {
  /** The name of the feature. */
  name: string;
  /** The cluster-wide finalized max version level for the feature. */
  maxVersionLevel: number;
  /** The cluster-wide finalized min version level for the feature. */
  minVersionLevel: number;
}

const apiVersionsResponseApiVersionFields: readonly FieldSchema[] = [
  { name: 'apiKey', kind: 'int16', versions: [0, 4] },
  { name: 'minVersion', kind: 'int16', versions: [0, 4] },
  { name: 'maxVersion', kind: 'int16', versions: [0, 4] },
];

const apiVersionsResponseSupportedFeatureKeyFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [3, 4] },
  { name: 'minVersion', kind: 'int16', versions: [3, 4] },
  { name: 'maxVersion', kind: 'int16', versions: [3, 4] },
];

const apiVersionsResponseFinalizedFeatureKeyFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [3, 4] },
  { name: 'maxVersionLevel', kind: 'int16', versions: [3, 4] },
  { name: 'minVersionLevel', kind: 'int16', versions: [3, 4] },
];

export const apiVersionsResponseSchema: MessageSchema<ApiVersionsResponse> = {
  name: 'ApiVersionsResponse',
  apiKey: 18,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'errorCode', kind: 'int16', versions: [0, 4] },
    { name: 'apiKeys', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: apiVersionsResponseApiVersionFields },
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 4] },
    { name: 'supportedFeatures', kind: 'array', elementKind: 'struct', versions: [3, 4], tag: 0, taggedVersions: [3, 4], fields: apiVersionsResponseSupportedFeatureKeyFields },
    { name: 'finalizedFeaturesEpoch', kind: 'int64', versions: [3, 4], tag: 1, taggedVersions: [3, 4], default: -1 },
    { name: 'finalizedFeatures', kind: 'array', elementKind: 'struct', versions: [3, 4], tag: 2, taggedVersions: [3, 4], fields: apiVersionsResponseFinalizedFeatureKeyFields },
    { name: 'zkMigrationReady', kind: 'bool', versions: [3, 4], tag: 3, taggedVersions: [3, 4], default: false },
  ],
};
