import { strict as assert } from 'node:assert';
import {
  API_SCHEMAS,
  decodeMessage,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  Reader,
  requestHeaderVersion,
  responseHeaderVersion,
  SUPPORTED_APIS,
} from '../../src/protocol/codec';
import { GENERATED_APIS } from '../../scripts/generate-protocol';
import { apiVersionsRequestSchema, metadataResponseSchema } from '../../src/protocol/generated';

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

describe('protocol headers', () => {
  it('keys the registry by apiKey', () => {
    assert.equal(API_SCHEMAS[18]?.name, 'ApiVersions');
    assert.equal(API_SCHEMAS[3]?.response, metadataResponseSchema);
    assert.equal(API_SCHEMAS[1000], undefined);
    assert.deepEqual(SUPPORTED_APIS.map((api) => api.apiKey), [...GENERATED_APIS].map((api) => api.apiKey).sort((a, b) => a - b));
    assert.ok(SUPPORTED_APIS.some((api) => api.apiKey === 10), 'FindCoordinator is generated');
  });

  it('uses request header v2 exactly for flexible API versions', () => {
    assert.equal(requestHeaderVersion(18, 2), 1);
    assert.equal(requestHeaderVersion(18, 3), 2);
    assert.equal(requestHeaderVersion(18, 5), 2, 'beyond the generated range, Kafka\'s flexible versions still decide');
    assert.equal(requestHeaderVersion(0, 8), 1);
    assert.equal(requestHeaderVersion(0, 9), 2);
    assert.equal(requestHeaderVersion(1, 11), 1);
    assert.equal(requestHeaderVersion(1, 12), 2);
    assert.equal(requestHeaderVersion(1000, 5), 1);
  });

  it('uses response header v1 for flexible versions, except always v0 for ApiVersions', () => {
    assert.equal(responseHeaderVersion(18, 3), 0);
    assert.equal(responseHeaderVersion(18, 4), 0);
    assert.equal(responseHeaderVersion(3, 8), 0);
    assert.equal(responseHeaderVersion(3, 9), 1);
    assert.equal(responseHeaderVersion(19, 4), 0);
    assert.equal(responseHeaderVersion(19, 5), 1);
    assert.equal(responseHeaderVersion(1000, 5), 0);
  });

  it('decodes a flexible request header and leaves the reader at the body', () => {
    const frame = hex('0012 0003 0000002a 0002 6b63 00  03 6b63 02 31 00');
    const reader = new Reader(frame);
    const decoded = decodeRequestHeader(reader);
    assert.deepEqual(decoded.header, { requestApiKey: 18, requestApiVersion: 3, correlationId: 42, clientId: 'kc' });
    assert.equal(decoded.headerVersion, 2);
    assert.equal(decoded.api?.name, 'ApiVersions');
    assert.equal(decoded.versionSupported, true);
    assert.equal(reader.offset, 13);
    assert.deepEqual(decodeMessage(apiVersionsRequestSchema, 3, reader), { clientSoftwareName: 'kc', clientSoftwareVersion: '1' });
  });

  it('decodes an unknown API as header v1 and reports it instead of throwing', () => {
    const reader = new Reader(hex('03e8 0005 00000009 ffff  cafe'));
    const decoded = decodeRequestHeader(reader);
    assert.deepEqual(decoded.header, { requestApiKey: 1000, requestApiVersion: 5, correlationId: 9, clientId: null });
    assert.equal(decoded.headerVersion, 1);
    assert.equal(decoded.api, undefined);
    assert.equal(decoded.versionSupported, false);
    assert.equal(reader.remaining, 2);
  });

  it('reports known APIs at unsupported versions, reading the header their version calls for', () => {
    const decoded = decodeRequestHeader(new Reader(hex('0012 0005 00000001 0000 00')));
    assert.equal(decoded.headerVersion, 2);
    assert.equal(decoded.api?.name, 'ApiVersions');
    assert.equal(decoded.versionSupported, false);
    assert.equal(decodeRequestHeader(new Reader(hex('0000 000c 00000001 0000 00'))).versionSupported, false);
  });

  it('throws ProtocolDecodeError on a truncated header', () => {
    assert.throws(() => decodeRequestHeader(new Reader(hex('0012 00'))), /RequestHeader v1: requestApiKey|RequestHeader v1: requestApiVersion/);
    assert.throws(() => decodeRequestHeader(new Reader(hex('0012 0003 0000'))), /RequestHeader v2: correlationId needs 4 bytes at byte 4, 2 remain/);
  });

  it('encodes headers in the version their API version calls for', () => {
    const header = { requestApiKey: 3, requestApiVersion: 8, correlationId: 5, clientId: 'c' };
    assert.equal(encodeRequestHeader(header).toBuffer().toString('hex'), '0003000800000005000163');
    assert.equal(encodeRequestHeader({ ...header, requestApiKey: 18, requestApiVersion: 3 }).toBuffer().toString('hex'), '0012000300000005000163' + '00');
    assert.equal(encodeResponseHeader(18, 3, 7).toBuffer().toString('hex'), '00000007');
    assert.equal(encodeResponseHeader(19, 5, 7).toBuffer().toString('hex'), '0000000700');
    assert.deepEqual(decodeResponseHeader(19, 5, new Reader(hex('00000007 00'))), { correlationId: 7 });
  });
});
