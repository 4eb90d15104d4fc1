import { startBroker, RunningBroker } from './broker';
import { startBrokerRegistry } from '../../src/registry/start';
import type { RunningSchemaRegistry } from '../../src/registry/registry-server';

export interface RegistryAnswer {
  status: number;
  contentType: string;
  /** Parsed JSON, or the text when the answer is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test code reads whatever shape the API answered
}

/** One real HTTP request to a registry, with Confluent's content type. */
export async function registryCall(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RegistryAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: parsed };
}

/** A record schema's text with these Avro fields ({name, type, default?}). */
export function recordSchema(name: string, fields: { name: string; type: unknown; default?: unknown }[]): string {
  return JSON.stringify({ type: 'record', name, fields });
}

export interface BrokerWithRegistry {
  broker: RunningBroker;
  registry: RunningSchemaRegistry;
  url: string;
}

/** For the calling suite: one in-process broker with its registry on a free port, both stopped after. */
export function useBrokerRegistry(): () => BrokerWithRegistry {
  let current: BrokerWithRegistry | undefined;
  before(async () => {
    const broker = await startBroker();
    const registry = await startBrokerRegistry(broker.broker, { port: 0 });
    current = { broker, registry, url: registry.url };
  });
  after(async () => {
    await current?.registry.close();
    await current?.broker.stop();
  });
  return () => current!;
}
