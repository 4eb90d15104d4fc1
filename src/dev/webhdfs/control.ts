import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from './state';
import { FaultRuleError, FailNextRule, RandomFaultKind } from './faults';
import { QueryParams } from './params';

const MAX_BODY = 64 * 1024;

/** A control request that cannot be carried out; answered 400 with its message. */
export class ControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

/**
 * The emulator's own endpoints on every NameNode (active or standby), never counted or faulted:
 * POST /_emulator/faults {"kind": "failNext"|"dropUpload"|"delay"|"random"|"clear", ...rule},
 * POST /_emulator/failover, POST /_emulator/safemode?on=true|false, GET /_emulator/state.
 */
export async function handleControl(state: EmulatorState, pathname: string, search: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const answer = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  try {
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /_emulator/state') {
      answer(200, { active: state.nameNodes.map((nn) => nn.active), safeMode: state.safeMode, requestCount: state.requestCount });
    } else if (route === 'POST /_emulator/faults') {
      applyFault(state, await readJson(req));
      answer(200, { ok: true });
    } else if (route === 'POST /_emulator/failover') {
      state.failover();
      answer(200, { ok: true, active: state.nameNodes.map((nn) => nn.active) });
    } else if (route === 'POST /_emulator/safemode') {
      state.setSafeMode(new QueryParams(search).boolean('on', true));
      answer(200, { ok: true, safeMode: state.safeMode });
    } else {
      answer(404, { error: `no emulator control ${route.slice(0, 200)}; see sluice dev webhdfs --help` });
    }
  } catch (error) {
    answer(400, { error: error instanceof Error ? error.message : String(error) });
  }
}

function applyFault(state: EmulatorState, body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlError('the body must be a JSON object with "kind"');
  const rule = body as Record<string, unknown> & { kind?: unknown };
  const faults = state.faults;
  switch (rule.kind) {
    case 'failNext':
      return faults.failNext(rule as unknown as FailNextRule);
    case 'dropUpload':
      return faults.dropUpload(rule as unknown as { afterBytes: number; count?: number });
    case 'delay':
      return faults.delay(rule as unknown as { op: string; ms: number; count?: number });
    case 'random':
      return faults.random(rule as unknown as { probability: number; seed: number; kinds: RandomFaultKind[] });
    case 'clear':
      return faults.clear();
    default:
      throw new FaultRuleError(`"kind" must be failNext, dropUpload, delay, random or clear, got ${JSON.stringify(rule.kind)}`);
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ControlError(`the body is over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(new ControlError(`the body is not JSON: ${(error as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}
