import * as net from 'node:net';
import { BrokerConfigError } from './config-error';
import type { SecurityProtocol } from './session';

const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/** One entry of Kafka's `listeners`: a name, the address to bind and the protocol its connections speak. */
export interface ListenerConfig {
  name: string;
  securityProtocol: SecurityProtocol;
  host: string;
  port: number;
}

/** What Metadata, FindCoordinator and DescribeCluster tell a client that came in through `listenerName`. */
export interface AdvertisedEndpoint {
  listenerName: string;
  host: string;
  port: number;
}

export function isSecurityProtocol(value: string): value is SecurityProtocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/**
 * Kafka's listener.security.protocol.map ("CLIENT:SASL_SSL,REPLICATION:SSL"); the protocol names map to
 * themselves unless the map says otherwise, as Kafka's default does.
 */
export function parseProtocolMap(text: string | undefined): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>(PROTOCOLS.map((p) => [p, p]));
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const colon = entry.lastIndexOf(':');
    const protocol = entry.slice(colon + 1).toUpperCase();
    if (colon <= 0 || !isSecurityProtocol(protocol)) {
      throw new BrokerConfigError(`listener-security-protocol-map entry "${entry}" is not NAME:PROTOCOL (${PROTOCOLS.join(', ')})`);
    }
    map.set(entry.slice(0, colon).toUpperCase(), protocol);
  }
  return map;
}

interface ParsedEndpoint {
  name: string;
  host: string;
  port: number;
}

/** "NAME://host:port,…" as Kafka's listeners and advertised.listeners; an empty host means every address. */
function parseEndpoints(setting: string, text: string): ParsedEndpoint[] {
  const endpoints = text.split(',').map((e) => e.trim()).filter((e) => e !== '').map((entry) => {
    const match = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(entry);
    if (!match) throw new BrokerConfigError(`${setting} entry "${entry}" is not NAME://host:port`);
    const port = Number(match[3]);
    if (port > 65535) throw new BrokerConfigError(`${setting} entry "${entry}" has port ${port}, above 65535`);
    return { name: match[1].toUpperCase(), host: match[2].replace(/^\[(.*)\]$/, '$1'), port };
  });
  if (endpoints.length === 0) throw new BrokerConfigError(`${setting} names no listener`);
  const names = endpoints.map((e) => e.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new BrokerConfigError(`${setting} names listener ${repeated} twice`);
  return endpoints;
}

/** Kafka's `listeners` setting, each name's protocol from `protocolMap`. */
export function parseListeners(text: string, protocolMap: Map<string, SecurityProtocol> = parseProtocolMap(undefined)): ListenerConfig[] {
  return parseEndpoints('listeners', text).map(({ name, host, port }) => {
    const securityProtocol = protocolMap.get(name);
    if (!securityProtocol) throw new BrokerConfigError(`listener ${name} has no security protocol: name one of ${PROTOCOLS.join(', ')} or map it in listener-security-protocol-map`);
    return { name, securityProtocol, host: host === '' ? '0.0.0.0' : host, port };
  });
}

/**
 * What each listener advertises: the matching advertised.listeners entry, or the listener's own address (its
 * bound port, which may have been 0). An advertised listener that is not a listener is refused, as Kafka does.
 */
export function advertisedEndpoints(listeners: readonly ListenerConfig[], boundPorts: readonly number[], advertised: string | undefined, advertisedHost?: string): AdvertisedEndpoint[] {
  const given = advertised === undefined ? [] : parseEndpoints('advertised-listeners', advertised);
  for (const entry of given) {
    if (!listeners.some((l) => l.name === entry.name)) throw new BrokerConfigError(`advertised-listeners names ${entry.name}, which is not in listeners`);
  }
  return listeners.map((listener, i) => {
    const entry = given.find((e) => e.name === listener.name);
    if (entry) return { listenerName: listener.name, host: entry.host, port: entry.port };
    const wildcard = listener.host === '0.0.0.0' || listener.host === '::';
    return { listenerName: listener.name, host: advertisedHost ?? (wildcard ? '127.0.0.1' : listener.host), port: boundPorts[i] };
  });
}

/** Whether only this machine can reach `host` (a loopback address or "localhost"). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/** True when the listener's connections are served without any authentication (PLAINTEXT, SSL without client auth). */
export function isUnauthenticated(listener: ListenerConfig, sslClientAuth: string): boolean {
  if (listener.securityProtocol === 'PLAINTEXT') return true;
  return listener.securityProtocol === 'SSL' && sslClientAuth !== 'required';
}

export function formatListeners(endpoints: readonly { name?: string; listenerName?: string; host: string; port: number }[]): string {
  return endpoints.map((e) => `${e.name ?? e.listenerName}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`).join(',');
}
