import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSchemaRegistry, SchemaRegistryClientOptions } from '../../connectors/schema-registry/http-schema-registry';
import { RegistrySettingError } from '../../connectors/schema-registry/registry-endpoints';
import { SchemaRegistryError, SchemaRegistryUnavailableError } from '../../src/ports/schema-registry';

interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; body?: unknown; raw?: string } | 'destroy' | 'hang';

/** A real HTTP server on 127.0.0.1 answering from a script; it records every request it gets. */
class ScriptedServer {
  readonly seen: SeenRequest[] = [];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.seen.push(seen);
      const answer = this.answer(seen, this.seen.length);
      if (answer === 'destroy') return req.socket.destroy();
      if (answer === 'hang') return;
      const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
      res.writeHead(answer.status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
      res.end(text);
    });
  });

  constructor(private answer: (request: SeenRequest, n: number) => Answer) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const FAST: SchemaRegistryClientOptions = { retriesWaitMs: 1, retriesMaxWaitMs: 5 };
const STRING_SCHEMA = '{"type":"string"}';

describe('schema registry HTTP client (connectors/schema-registry)', () => {
  const servers: ScriptedServer[] = [];
  async function serve(answer: (request: SeenRequest, n: number) => Answer): Promise<{ server: ScriptedServer; url: string }> {
    const server = new ScriptedServer(answer);
    servers.push(server);
    return { server, url: await server.start() };
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  /** A URL nothing listens on: a server started and stopped. */
  async function deadUrl(): Promise<string> {
    const server = new ScriptedServer(() => ({ status: 200 }));
    const url = await server.start();
    await server.stop();
    return url;
  }

  it('sends the requests of Confluent\'s REST API and reads their answers', async () => {
    const { server, url } = await serve((request) => {
      const route = `${request.method} ${request.url}`;
      switch (route) {
        case 'POST /subjects/a%2Fb%20c-value/versions': return { status: 200, body: { id: 7 } };
        case 'GET /subjects/orders-value/versions/latest': return { status: 200, body: { subject: 'orders-value', version: 3, id: 9, schema: STRING_SCHEMA } };
        case 'GET /subjects?deleted=true': return { status: 200, body: ['x', 'y'] };
        case 'GET /subjects/x/versions': return { status: 200, body: [1, 2] };
        case 'POST /subjects/x': return { status: 200, body: { subject: 'x', version: 2, id: 4, schemaType: 'JSON', schema: '{}' } };
        case 'POST /compatibility/subjects/x/versions/latest?verbose=true': return { status: 200, body: { is_compatible: false, messages: ['READER_FIELD_MISSING_DEFAULT_VALUE'] } };
        case 'POST /compatibility/subjects/x/versions?verbose=true': return { status: 200, body: { is_compatible: true } };
        case 'GET /config': return { status: 200, body: { compatibilityLevel: 'BACKWARD' } };
        case 'PUT /config/x': return { status: 200, body: { compatibility: 'FULL_TRANSITIVE' } };
        case 'GET /config/x?defaultToGlobal=true': return { status: 200, body: { compatibilityLevel: 'FULL' } };
        case 'DELETE /config/x': return { status: 200, body: { compatibilityLevel: 'FULL' } };
        case 'DELETE /subjects/x?permanent=true': return { status: 200, body: [1, 2] };
        case 'DELETE /subjects/x/versions/2': return { status: 200, body: 2 };
        case 'GET /schemas/ids/4/versions': return { status: 200, body: [{ subject: 'x', version: 2 }] };
        default: return { status: 404, body: { error_code: 404, message: `HTTP 404 Not Found: ${route}` } };
      }
    });
    const registry = new HttpSchemaRegistry(url, FAST);
    assert.equal(await registry.register('a/b c-value', { schema: STRING_SCHEMA }), 7);
    const post = server.seen[0];
    assert.equal(post.headers['content-type'], 'application/vnd.schemaregistry.v1+json');
    assert.match(String(post.headers.accept), /^application\/vnd\.schemaregistry\.v1\+json/);
    assert.deepEqual(JSON.parse(post.body), { schema: STRING_SCHEMA }, 'schemaType is left out for Avro');
    assert.deepEqual(await registry.latestVersion('orders-value'), { subject: 'orders-value', version: 3, id: 9, schemaType: 'AVRO', schema: STRING_SCHEMA });
    assert.deepEqual(await registry.listSubjects({ deleted: true }), ['x', 'y']);
    assert.deepEqual(await registry.versions('x'), [1, 2]);
    assert.equal((await registry.lookup('x', { schema: '{}', schemaType: 'JSON' })).schemaType, 'JSON');
    assert.deepEqual(JSON.parse(server.seen[server.seen.length - 1].body), { schema: '{}', schemaType: 'JSON' });
    assert.deepEqual(await registry.checkCompatibility('x', { schema: STRING_SCHEMA }), { isCompatible: false, messages: ['READER_FIELD_MISSING_DEFAULT_VALUE'] });
    assert.deepEqual(await registry.checkCompatibility('x', { schema: STRING_SCHEMA }, 'all'), { isCompatible: true, messages: [] });
    assert.equal(await registry.getCompatibility(), 'BACKWARD');
    assert.equal(await registry.setCompatibility('FULL_TRANSITIVE', 'x'), 'FULL_TRANSITIVE');
    assert.deepEqual(JSON.parse(server.seen[server.seen.length - 1].body), { compatibility: 'FULL_TRANSITIVE' });
    assert.equal(await registry.getCompatibility('x', { defaultToGlobal: true }), 'FULL');
    assert.equal(await registry.deleteCompatibility('x'), 'FULL');
    assert.deepEqual(await registry.deleteSubject('x', { permanent: true }), [1, 2]);
    assert.equal(await registry.deleteVersion('x', 2), 2);
    assert.deepEqual(await registry.subjectVersionsOfId(4), [{ subject: 'x', version: 2 }]);
  });

  it('maps error bodies to SchemaRegistryError with Confluent\'s error_code and never retries a 4xx', async () => {
    const { server, url } = await serve((request) => {
      if (request.url.startsWith('/subjects/missing')) return { status: 404, body: { error_code: 40401, message: "Subject 'missing' not found." } };
      if (request.url.startsWith('/subjects/orders')) return { status: 409, body: { error_code: 409, message: 'Schema being registered is incompatible with an earlier schema' } };
      if (request.url.startsWith('/subjects/bad')) return { status: 422, body: { error_code: 42201, message: 'Invalid schema' } };
      return { status: 401, raw: '<html>Unauthorized</html>' };
    });
    const registry = new HttpSchemaRegistry(url, { ...FAST, maxRetries: 5 });
    const cases: [() => Promise<unknown>, number, number, RegExp][] = [
      [() => registry.latestVersion('missing'), 404, 40401, /Subject 'missing' not found\. \(error code 40401\)/],
      [() => registry.register('orders', { schema: STRING_SCHEMA }), 409, 409, /incompatible/],
      [() => registry.register('bad', { schema: '{' }), 422, 42201, /Invalid schema/],
      [() => registry.listSubjects(), 401, 401, /Unauthorized/],
    ];
    for (const [call, status, code, message] of cases) {
      const before = server.seen.length;
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof SchemaRegistryError, String(error));
        assert.equal(error.httpStatus, status);
        assert.equal(error.errorCode, code);
        assert.match(error.message, message);
        return true;
      });
      assert.equal(server.seen.length - before, 1, `HTTP ${status} is answered after one request`);
    }
  });

  it('retries 5xx answers and dropped connections, then succeeds', async () => {
    const { server, url } = await serve((_request, n) => {
      if (n === 1) return { status: 503, raw: 'Service Unavailable' };
      if (n === 2) return 'destroy';
      if (n === 3) return { status: 500, body: { error_code: 50001, message: 'Error in the backend data store' } };
      return { status: 200, body: ['orders-value'] };
    });
    const registry = new HttpSchemaRegistry(url, { ...FAST, maxRetries: 3 });
    assert.deepEqual(await registry.listSubjects(), ['orders-value']);
    assert.equal(server.seen.length, 4);
  });

  it('gives up after maxRetries with SchemaRegistryUnavailableError naming the URL and the cause', async () => {
    const { server, url } = await serve(() => ({ status: 500, body: { error_code: 50001, message: 'Error in the backend data store' } }));
    const registry = new HttpSchemaRegistry(url, { ...FAST, maxRetries: 2 });
    await assert.rejects(registry.getCompatibility(), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryUnavailableError, String(error));
      assert.equal(error.url, url);
      assert.match(error.message, new RegExp(`schema registry ${url} is unavailable: GET /config: .*HTTP 500: Error in the backend data store \\(error code 50001\\) \\(3 attempts\\)`));
      assert.ok(error.lastError instanceof SchemaRegistryError && error.lastError.errorCode === 50001);
      return true;
    });
    assert.equal(server.seen.length, 3, 'the first try and two retries');

    const dead = await deadUrl();
    await assert.rejects(new HttpSchemaRegistry(dead, { ...FAST, maxRetries: 1 }).listSubjects(), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryUnavailableError);
      assert.match(error.message, new RegExp(`${dead} is unavailable: GET /subjects: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+ \\(2 attempts\\)`));
      return true;
    });
  });

  it('times a request out and counts the timeout as a failure to retry', async () => {
    const { server, url } = await serve(() => 'hang');
    const registry = new HttpSchemaRegistry(url, { ...FAST, maxRetries: 1, requestTimeoutMs: 150 });
    await assert.rejects(registry.schemaById(1), /is unavailable: GET \/schemas\/ids\/1: .*no answer within 150 ms \(2 attempts\)/);
    assert.equal(server.seen.length, 2);
  });

  it('waits between rounds with backoff capped at retriesMaxWaitMs', async () => {
    const { url } = await serve(() => ({ status: 503, raw: '' }));
    const registry = new HttpSchemaRegistry(url, { maxRetries: 3, retriesWaitMs: 40, retriesMaxWaitMs: 60, random: () => 0.999 });
    const started = Date.now();
    await assert.rejects(registry.listSubjects(), SchemaRegistryUnavailableError);
    const elapsed = Date.now() - started;
    // Waits of 39, 59 and 59 ms (40 · 2^n capped at 60); uncapped they would be 39 + 79 + 159.
    assert.ok(elapsed >= 150 && elapsed < 260, `took ${elapsed} ms`);
  });

  it('tries several comma-separated URLs in turn and stays with the one that answers', async () => {
    const failing = await serve(() => 'destroy');
    const live = await serve(() => ({ status: 200, body: { compatibilityLevel: 'NONE' } }));
    const dead = await deadUrl();
    const registry = new HttpSchemaRegistry(` ${dead}, ${failing.url} ,${live.url}`, { ...FAST, maxRetries: 0 });
    assert.equal(registry.url, `${dead},${failing.url},${live.url}`);
    assert.equal(await registry.getCompatibility(), 'NONE');
    assert.equal(await registry.getCompatibility(), 'NONE');
    assert.equal(failing.server.seen.length, 1, 'the second request goes straight to the URL that answered');
    assert.equal(live.server.seen.length, 2);
    await live.server.stop();
    // The round starts at the URL that answered last and ends at the one before it, whose failure is reported.
    await assert.rejects(registry.getCompatibility(), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryUnavailableError);
      assert.equal(error.url, registry.url);
      assert.match(error.message, new RegExp(`GET /config: ${failing.url}: .* \\(3 attempts\\)$`));
      return true;
    });
    assert.equal(failing.server.seen.length, 2);
  });

  it('sends basic auth from the URL\'s userinfo or from the basicAuth option, and never shows the password', async () => {
    const { server, url } = await serve((request) =>
      request.headers.authorization === `Basic ${Buffer.from('alice:p@ss:word').toString('base64')}`
        ? { status: 200, body: [] }
        : { status: 401, body: { error_code: 401, message: 'Unauthorized' } });
    const withUserInfo = url.replace('http://', 'http://alice:p%40ss%3Aword@');
    assert.deepEqual(await new HttpSchemaRegistry(withUserInfo, FAST).listSubjects(), []);
    assert.deepEqual(await new HttpSchemaRegistry(url, { ...FAST, basicAuth: 'alice:p@ss:word' }).listSubjects(), []);
    const wrong = url.replace('http://', 'http://alice:nope@');
    await assert.rejects(new HttpSchemaRegistry(wrong, FAST).listSubjects(), (error: unknown) => error instanceof SchemaRegistryError && error.errorCode === 401);
    await assert.rejects(new HttpSchemaRegistry(url, FAST).listSubjects(), (error: unknown) => error instanceof SchemaRegistryError && error.httpStatus === 401);
    assert.equal(server.seen[3].headers.authorization, undefined);
    assert.equal(new HttpSchemaRegistry(withUserInfo, FAST).url, url);

    const deadWithSecret = (await deadUrl()).replace('http://', 'http://alice:secret@');
    await assert.rejects(new HttpSchemaRegistry(deadWithSecret, { ...FAST, maxRetries: 0 }).listSubjects(), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryUnavailableError);
      assert.ok(!error.message.includes('secret') && !error.message.includes('alice'), error.message);
      return true;
    });
    assert.throws(() => new HttpSchemaRegistry('ftp://alice:secret@host:21'), (error: unknown) =>
      error instanceof RegistrySettingError && /ftp: is not http: or https:/.test(error.message) && !error.message.includes('secret'));
    assert.throws(() => new HttpSchemaRegistry(url, { basicAuth: 'no-colon' }), /basic auth: expected user:password/);
    assert.throws(() => new HttpSchemaRegistry(' , '), /no URL given/);
  });

  it('caches schemas by id (ids never change), one request for concurrent lookups, failures not cached', async () => {
    let known = false;
    const { server, url } = await serve((request) => {
      if (request.url === '/schemas/ids/5' && !known) return { status: 404, body: { error_code: 40403, message: 'Schema 5 not found' } };
      return { status: 200, body: { schema: STRING_SCHEMA } };
    });
    const registry = new HttpSchemaRegistry(url, { ...FAST, cacheCapacity: 2 });
    const [a, b] = await Promise.all([registry.schemaById(1), registry.schemaById(1)]);
    assert.deepEqual(a, { schemaType: 'AVRO', schema: STRING_SCHEMA });
    assert.equal(a, b);
    await registry.schemaById(1);
    assert.equal(server.seen.length, 1);
    await assert.rejects(registry.schemaById(5), (error: unknown) => error instanceof SchemaRegistryError && error.errorCode === 40403);
    known = true;
    assert.equal((await registry.schemaById(5)).schema, STRING_SCHEMA);
    assert.equal(server.seen.length, 3, 'the 40403 was not cached');
    await registry.schemaById(6);
    await registry.schemaById(1);
    assert.equal(server.seen.length, 5, 'capacity 2: id 1 was evicted');
  });

  it('refuses answers that are not what the API promises', async () => {
    const { url } = await serve((request) => (request.url === '/config' ? { status: 200, body: { compatibilityLevel: 'SOMETIMES' } } : { status: 200, raw: 'not json' }));
    const registry = new HttpSchemaRegistry(url, FAST);
    await assert.rejects(registry.getCompatibility(), /unknown compatibility level "SOMETIMES"/);
    await assert.rejects(registry.listSubjects(), (error: unknown) => error instanceof SchemaRegistryError && error.errorCode === 50005);
    await assert.rejects(registry.getVersion('x', 0), RangeError);
  });
});
