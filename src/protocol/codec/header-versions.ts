// Which header version goes with a message version, from the message's own schema: what a client needs, without the
// registry of every API (headers.ts), whose 86 generated modules a load's worker threads would otherwise load first.
import { isFlexibleVersion, MessageSchema } from './schema';

const API_VERSIONS_KEY = 18;

/** 2 when the request's version is flexible, else 1. */
export function requestHeaderVersionOf(request: MessageSchema<unknown>, apiVersion: number): 1 | 2 {
  return isFlexibleVersion(request, apiVersion) ? 2 : 1;
}

/**
 * 1 when the response's version is flexible, else 0. ApiVersions responses always use v0 so that a client that sent
 * a version the broker does not know can still read the answer.
 */
export function responseHeaderVersionOf(apiKey: number, response: MessageSchema<unknown>, apiVersion: number): 0 | 1 {
  return apiKey !== API_VERSIONS_KEY && isFlexibleVersion(response, apiVersion) ? 1 : 0;
}
