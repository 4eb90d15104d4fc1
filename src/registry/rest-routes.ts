import { parseCompatibilityLevel } from './compatibility';
import { registryErrors } from './registry-errors';
import type { RegistryService, SchemaRequest } from './registry-service';

export interface RestRequest {
  method: string;
  /** Decoded path segments: /subjects/a%2Fb/versions → ["subjects", "a/b", "versions"]. */
  segments: string[];
  query: URLSearchParams;
  body: unknown;
}

/** A JSON answer; `raw` sends `body` as it is (GET …/schema answers the schema text itself). */
export interface RestAnswer {
  status: number;
  body: unknown;
  raw?: boolean;
}

type Route = (service: RegistryService, params: string[], request: RestRequest) => unknown;

const flag = (request: RestRequest, name: string) => request.query.get(name) === 'true';
const schemaRequest = (request: RestRequest): SchemaRequest =>
  request.body !== null && typeof request.body === 'object' ? (request.body as SchemaRequest) : {};

function schemaId(text: string): number {
  const id = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw registryErrors.schemaNotFound();
  return id;
}

function compatibilityOf(request: RestRequest): ReturnType<typeof parseCompatibilityLevel> {
  const body = request.body as { compatibility?: unknown } | null;
  return parseCompatibilityLevel(body?.compatibility);
}

/**
 * Confluent's REST paths; a pattern's `*` is one path segment, handed to the route in order.
 * Order matters only where patterns overlap (none do: segment counts and literals tell them apart).
 */
const ROUTES: [method: string, pattern: string, route: Route][] = [
  ['GET', '', () => ({})],
  ['GET', 'subjects', (s, _, r) => {
    const prefix = r.query.get('subjectPrefix') ?? '';
    return s.subjects(flag(r, 'deleted')).filter((name) => name.startsWith(prefix));
  }],
  ['GET', 'subjects/*/versions', (s, [subject], r) => s.versionNumbers(subject, flag(r, 'deleted'))],
  ['POST', 'subjects/*/versions', (s, [subject], r) => s.register(subject, schemaRequest(r))],
  ['POST', 'subjects/*', (s, [subject], r) => s.lookup(subject, schemaRequest(r), flag(r, 'deleted'))],
  ['DELETE', 'subjects/*', (s, [subject], r) => s.deleteSubject(subject, flag(r, 'permanent'))],
  ['GET', 'subjects/*/versions/*', (s, [subject, version], r) => s.version(subject, version, flag(r, 'deleted'))],
  ['GET', 'subjects/*/versions/*/schema', (s, [subject, version], r) => ({ raw: s.version(subject, version, flag(r, 'deleted')).schema })],
  ['DELETE', 'subjects/*/versions/*', (s, [subject, version], r) => s.deleteVersion(subject, version, flag(r, 'permanent'))],
  ['GET', 'schemas/ids/*', (s, [id]) => s.schemaById(schemaId(id))],
  ['GET', 'schemas/ids/*/schema', (s, [id]) => ({ raw: s.schemaById(schemaId(id)).schema })],
  ['GET', 'schemas/ids/*/versions', (s, [id], r) => s.idVersions(schemaId(id), flag(r, 'deleted'))],
  ['GET', 'schemas/types', () => ['AVRO']],
  ['POST', 'compatibility/subjects/*/versions/*', (s, [subject, version], r) => s.compatibility(subject, version, schemaRequest(r), flag(r, 'verbose'))],
  ['POST', 'compatibility/subjects/*/versions', (s, [subject], r) => s.compatibility(subject, undefined, schemaRequest(r), flag(r, 'verbose'))],
  ['GET', 'config', (s) => ({ compatibilityLevel: s.config(null, false) })],
  ['PUT', 'config', async (s, _, r) => ({ compatibility: await s.setConfig(null, compatibilityOf(r)) })],
  ['DELETE', 'config', async (s) => ({ compatibilityLevel: await s.deleteConfig(null) })],
  ['GET', 'config/*', (s, [subject], r) => ({ compatibilityLevel: s.config(subject, flag(r, 'defaultToGlobal')) })],
  ['PUT', 'config/*', async (s, [subject], r) => ({ compatibility: await s.setConfig(subject, compatibilityOf(r)) })],
  ['DELETE', 'config/*', async (s, [subject]) => ({ compatibilityLevel: await s.deleteConfig(subject) })],
  ['GET', 'mode', () => ({ mode: 'READWRITE' })],
  ['GET', 'mode/*', () => ({ mode: 'READWRITE' })],
  ['PUT', 'mode', (_, __, r) => putMode(r)],
  ['PUT', 'mode/*', (_, __, r) => putMode(r)],
];

function putMode(request: RestRequest): { mode: string } {
  const mode = (request.body as { mode?: unknown } | null)?.mode;
  if (mode !== 'READWRITE') throw registryErrors.invalidMode(String(mode));
  return { mode };
}

function matches(pattern: string, segments: string[]): string[] | undefined {
  const parts = pattern === '' ? [] : pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (part === '*') params.push(segments[i]);
    else if (part !== segments[i]) return undefined;
  }
  return params;
}

/** Runs the request's route: 404 for an unknown path, 405 for a known path with another method. */
export async function route(service: RegistryService, request: RestRequest): Promise<RestAnswer> {
  let pathKnown = false;
  for (const [method, pattern, handler] of ROUTES) {
    const params = matches(pattern, request.segments);
    if (!params) continue;
    pathKnown = true;
    if (method !== request.method) continue;
    const result = await handler(service, params, request);
    if (result !== null && typeof result === 'object' && 'raw' in result) return { status: 200, body: (result as { raw: unknown }).raw, raw: true };
    return { status: 200, body: result };
  }
  throw pathKnown ? registryErrors.methodNotAllowed() : registryErrors.notFound();
}
