import { apiVersionsRequestSchema, apiVersionsResponseSchema, ApiVersionsResponse } from '../../protocol/generated';
import { defineHandler, RegisteredHandler } from './handler';

export const API_VERSIONS_KEY = 18;

/** The answer is built from the registered handlers, never written by hand. */
export function supportedApis(handlers: readonly RegisteredHandler[]): ApiVersionsResponse['apiKeys'] {
  return [...handlers]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
}

export function apiVersionsHandler(registry: () => readonly RegisteredHandler[]): RegisteredHandler {
  return defineHandler({
    apiKey: API_VERSIONS_KEY,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 4,
    request: apiVersionsRequestSchema,
    response: apiVersionsResponseSchema,
    handle: () => ({ errorCode: 0, apiKeys: supportedApis(registry()), throttleTimeMs: 0 }),
  });
}
