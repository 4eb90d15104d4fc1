import { strict as assert } from 'node:assert';
import { apiVersionsRequestSchema, apiVersionsResponseSchema, ApiVersionsResponse } from '../../../src/protocol/generated';
import { API_SCHEMAS } from '../../../src/protocol/codec';
import { apiVersionsHandler, API_VERSIONS_KEY } from '../../../src/broker/handlers/18-api-versions';
import { brokerHandlers } from '../../../src/broker/handlers/registry';
import { defineHandler } from '../../../src/broker/handlers/handler';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const api = { request: apiVersionsRequestSchema, response: apiVersionsResponseSchema };
const request = { clientSoftwareName: 'handler-test', clientSoftwareVersion: '1.0' };

describe('ApiVersions handler (API 18)', () => {
  const broker = brokerStateOver(new MemoryPartitionStore());

  it('reports exactly the registered handlers, sorted by key, at every version', async () => {
    const handlers = brokerHandlers();
    const apiVersions = handlers.find((h) => h.apiKey === API_VERSIONS_KEY);
    assert.ok(apiVersions);
    const registered = [...handlers].sort((a, b) => a.apiKey - b.apiKey).map((h) => `${h.apiKey}:${h.minVersion}-${h.maxVersion}`);
    assert.equal(new Set(registered.map((r) => r.split(':')[0])).size, registered.length, 'one handler per API key');
    for (const version of versionsOf(apiVersions)) {
      const response: ApiVersionsResponse = await answer(apiVersions, api, version, request, broker);
      assert.equal(response.errorCode, 0);
      const listed = response.apiKeys.map((a) => `${a.apiKey}:${a.minVersion}-${a.maxVersion}`);
      assert.deepEqual(listed, registered, `v${version}`);
      if (version >= 1) assert.equal(response.throttleTimeMs, 0);
    }
  });

  it('follows the registry it is given, so a handler added later is listed without touching ApiVersions', async () => {
    const handlers = [brokerHandlers()[3]];
    handlers.push(apiVersionsHandler(() => handlers));
    const before = await answer(handlers[1], api, 3, request, broker);
    assert.deepEqual(before.apiKeys.map((a) => a.apiKey), [3, 18]);
    handlers.unshift(defineHandler({ ...api, apiKey: 60, name: 'Later', minVersion: 1, maxVersion: 2, handle: () => null }));
    const after = await answer(handlers[2], api, 3, request, broker);
    assert.deepEqual(after.apiKeys.map((a) => [a.apiKey, a.minVersion, a.maxVersion]), [[3, handlers[1].minVersion, handlers[1].maxVersion], [18, 0, 4], [60, 1, 2]]);
  });

  it('declares only versions the generated codec covers, for every handler', () => {
    for (const handler of brokerHandlers()) {
      const entry = API_SCHEMAS[handler.apiKey];
      assert.ok(entry, `${handler.name}: no generated schemas for API ${handler.apiKey}`);
      for (const schema of [entry.request, entry.response]) {
        const [first, last] = schema.versions;
        assert.ok(first <= handler.minVersion && handler.maxVersion <= last, `${handler.name} v${handler.minVersion}-${handler.maxVersion} vs ${schema.name} v${first}-${last}`);
      }
    }
  });
});
