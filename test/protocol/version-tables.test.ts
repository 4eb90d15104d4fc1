import { strict as assert } from 'node:assert';
import { BrokerConnection } from '../../src/client/broker-connection';
import { API_VERSIONS_VERSION, CLIENT_VERSIONS } from '../../src/client/kafka-client';
import type { ApiSchemaEntry, VersionRange } from '../../src/protocol/codec/schema';
import { apiVersionsRequestSchema, apiVersionsResponseSchema, SUPPORTED_APIS } from '../../src/protocol/generated';
import { startBroker, RunningBroker } from '../helpers/broker';

/**
 * The three version tables agree: the generator's (scripts/generate-protocol.ts, written into
 * SUPPORTED_APIS and each schema's `versions`; codec-roundtrip.test.ts ties those two together), the
 * handlers' (what the broker reports in ApiVersions, built from their minVersion/maxVersion) and the
 * client's (CLIENT_VERSIONS).
 */

const PRODUCE = 0;

/** A body every handler accepts at every version: no topics; Produce asks for an answer (acks=0 gets none). */
const EMPTY_REQUEST: Record<number, object> = { [PRODUCE]: { acks: 1, timeoutMs: 1000 } };

function generated(apiKey: number): ApiSchemaEntry {
  const entry = SUPPORTED_APIS.find((api) => api.apiKey === apiKey);
  assert.ok(entry, `API ${apiKey} has no generated codec: add it to GENERATED_APIS in scripts/generate-protocol.ts`);
  return entry;
}

function assertCovers(outer: VersionRange, inner: VersionRange, what: string): void {
  assert.ok(outer[0] <= inner[0] && inner[1] <= outer[1], `${what}: v${inner[0]}-${inner[1]} is not within v${outer[0]}-${outer[1]}`);
}

const versionsIn = ([first, last]: VersionRange) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

describe('version tables: generator, broker handlers, client', function () {
  this.timeout(30_000);
  let running: RunningBroker;
  let connection: BrokerConnection;
  /** apiKey → the range the broker's handler serves, as ApiVersions reports it. */
  let served: Map<number, VersionRange>;

  before(async () => {
    running = await startBroker();
    connection = await BrokerConnection.connect('127.0.0.1', running.port, 'version-tables');
    const answer = await connection.request(18, generated(18).maxVersion, apiVersionsRequestSchema, apiVersionsResponseSchema, {});
    assert.equal(answer.errorCode, 0);
    served = new Map(answer.apiKeys.map((api) => [api.apiKey, [api.minVersion, api.maxVersion] as const]));
  });

  after(async () => {
    connection?.close();
    await running?.stop();
  });

  it("every handler's range is within the generated codec's, request and response", () => {
    assert.ok(served.size >= 7, `the broker reports ${served.size} APIs`);
    for (const [apiKey, range] of served) {
      const entry = generated(apiKey);
      assertCovers([entry.minVersion, entry.maxVersion], range, `${entry.name} handler vs generator table`);
      assertCovers(entry.request.versions, range, `${entry.name} handler vs ${entry.request.name} schema`);
      assertCovers(entry.response.versions, range, `${entry.name} handler vs ${entry.response.name} schema`);
    }
  });

  it('every version the client may send is generated and served by the broker', () => {
    const clientRanges: [number, VersionRange][] = [
      ...Object.entries(CLIENT_VERSIONS).map(([key, range]): [number, VersionRange] => [Number(key), range]),
      [18, [API_VERSIONS_VERSION, API_VERSIONS_VERSION]],
    ];
    for (const [apiKey, range] of clientRanges) {
      const entry = generated(apiKey);
      assertCovers([entry.minVersion, entry.maxVersion], range, `${entry.name} client vs generator table`);
      const handler = served.get(apiKey);
      assert.ok(handler, `the client speaks ${entry.name}, which the broker does not serve`);
      assertCovers(handler, range, `${entry.name} client vs broker handler`);
    }
  });

  it('the broker answers every API at every version of its range through the generated codec', async () => {
    const answered: string[] = [];
    for (const [apiKey, range] of served) {
      const entry = generated(apiKey);
      for (const version of versionsIn(range)) {
        const body = EMPTY_REQUEST[apiKey] ?? {};
        const response = await connection.request(apiKey, version, entry.request, entry.response, body);
        assert.equal(typeof response, 'object', `${entry.name} v${version} answered nothing`);
        answered.push(`${apiKey}v${version}`);
      }
    }
    const expected = [...served.values()].reduce((n, [first, last]) => n + last - first + 1, 0);
    assert.equal(answered.length, expected);
  });
});
