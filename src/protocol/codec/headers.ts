// Request and response headers: which header version goes with which API version, and reading a
// request header before the broker knows whether it supports the API at all.
import { API_SCHEMAS } from '../generated/api-schemas';
import { RequestHeader, requestHeaderSchema } from '../generated/request-header';
import { ResponseHeader, responseHeaderSchema } from '../generated/response-header';
import { decodeMessage } from './decode';
import { encodeMessage } from './encode';
import { Reader } from './reader';
import { ApiSchemaEntry } from './schema';
import { requestHeaderVersionOf, responseHeaderVersionOf } from './header-versions';
import { Writer } from './writer';

export { API_SCHEMAS, SUPPORTED_APIS } from '../generated/api-schemas';

/** 2 when the API version is flexible, else 1 (also for APIs this registry does not know). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  const api = API_SCHEMAS[apiKey];
  return api ? requestHeaderVersionOf(api.request, apiVersion) : 1;
}

/**
 * 1 when the API version is flexible, else 0. ApiVersions responses always use v0 so that a client
 * that sent a version the broker does not know can still read the answer.
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  const api = API_SCHEMAS[apiKey];
  return api ? responseHeaderVersionOf(apiKey, api.response, apiVersion) : 0;
}

export interface DecodedRequestHeader {
  header: RequestHeader;
  headerVersion: number;
  /** The registry entry for header.requestApiKey, or undefined for an API this codec does not know. */
  api: ApiSchemaEntry | undefined;
  /** False for unknown APIs and for versions outside the generated range: answer UNSUPPORTED_VERSION. */
  versionSupported: boolean;
}

/**
 * Reads a request header, choosing its version from the apiKey and apiVersion at its start. An unknown
 * apiKey is read as header v1 (clients always send at least v1) and reported, not thrown, so the broker
 * can still answer with the correlation id. Leaves `reader` at the start of the request body.
 */
export function decodeRequestHeader(reader: Reader): DecodedRequestHeader {
  let headerVersion = 1;
  let api: ApiSchemaEntry | undefined;
  let apiVersion = -1;
  if (reader.remaining >= 4) {
    api = API_SCHEMAS[reader.peekInt16(0)];
    apiVersion = reader.peekInt16(2);
    if (api) headerVersion = requestHeaderVersion(api.apiKey, apiVersion);
  }
  const header = decodeMessage(requestHeaderSchema, headerVersion, reader);
  const versionSupported = api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
  return { header, headerVersion, api, versionSupported };
}

/** Writes a request header in the version its API and API version call for. */
export function encodeRequestHeader(header: RequestHeader, writer: Writer = new Writer()): Writer {
  const version = requestHeaderVersion(header.requestApiKey, header.requestApiVersion);
  return encodeMessage(requestHeaderSchema, version, header, writer);
}

export function encodeResponseHeader(apiKey: number, apiVersion: number, correlationId: number, writer: Writer = new Writer()): Writer {
  return encodeMessage(responseHeaderSchema, responseHeaderVersion(apiKey, apiVersion), { correlationId }, writer);
}

export function decodeResponseHeader(apiKey: number, apiVersion: number, reader: Reader): ResponseHeader {
  return decodeMessage(responseHeaderSchema, responseHeaderVersion(apiKey, apiVersion), reader);
}
