import type { IncomingMessage, ServerResponse } from 'node:http';
import { Namespace } from './namespace';
import { Faults, FaultSide } from './faults';
import { Authenticator } from './auth';
import { Reply } from './reply';
import { WebHdfsError } from './remote-exception';

export interface NameNodeState {
  active: boolean;
  /** The value put in redirects as `namenoderpcaddress`; the DataNode accepts only these. */
  rpcAddress: string;
}

const SAFE_MODE_VERBS: Record<string, string> = {
  CREATE: 'create file',
  APPEND: 'append to file',
  MKDIRS: 'create directory',
  RENAME: 'rename',
  DELETE: 'delete',
  SETPERMISSION: 'set permission for',
  SETOWNER: 'set owner for',
};

/** Everything the NameNodes and the DataNode share: one namespace, fault rules, tokens, HA and safe-mode state. */
export class EmulatorState {
  readonly requestCount: Record<string, number> = {};
  readonly nameNodes: NameNodeState[] = [];
  /** Uploads in progress, awaited by close() so files are closed before it resolves. */
  readonly uploads = new Set<Promise<unknown>>();
  safeMode = false;
  dataNodeLocationBase = '';

  constructor(
    readonly namespace: Namespace,
    readonly faults: Faults,
    readonly auth: Authenticator,
    readonly ha: boolean,
  ) {}

  /** Swaps active and standby; with one NameNode, toggles it between the two. */
  failover(): void {
    if (this.nameNodes.length === 1) this.nameNodes[0].active = !this.nameNodes[0].active;
    else for (const nn of this.nameNodes) nn.active = !nn.active;
  }

  setSafeMode(on: boolean): void {
    this.safeMode = on;
  }

  count(op: string): void {
    this.requestCount[op] = (this.requestCount[op] ?? 0) + 1;
  }

  standbyError(category: 'READ' | 'WRITE'): WebHdfsError {
    return new WebHdfsError(
      'StandbyException',
      `Operation category ${category} is not supported in state standby. Visit https://s.apache.org/sbnn-error`,
    );
  }

  /**
   * Safe mode refuses namespace changes with SafeModeException; with two NameNodes (HA) HDFS wraps it in
   * RetriableException so clients retry, and so does the emulator.
   */
  checkWritable(op: string, hdfsPath: string): void {
    if (!this.safeMode) return;
    const message =
      `Cannot ${SAFE_MODE_VERBS[op] ?? op.toLowerCase()} ${hdfsPath}. Name node is in safe mode.\n` +
      'It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.';
    if (this.ha) throw new WebHdfsError('RetriableException', `org.apache.hadoop.hdfs.server.namenode.SafeModeException: ${message}`);
    throw new WebHdfsError('SafeModeException', message);
  }

  /** Counts the request, applies the fault rules for it, then runs `handle` with the Reply it must answer through. */
  async serve(side: FaultSide, op: string, req: IncomingMessage, res: ServerResponse, handle: (reply: Reply) => unknown): Promise<void> {
    try {
      await this.serveWithFaults(side, op, req, res, handle);
    } catch {
      req.socket.destroy();
    }
  }

  private async serveWithFaults(side: FaultSide, op: string, req: IncomingMessage, res: ServerResponse, handle: (reply: Reply) => unknown): Promise<void> {
    this.count(op);
    const decision = this.faults.decide(op, side);
    if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    if (decision.dropBefore) {
      req.socket.destroy();
      return;
    }
    const reply = new Reply(req, res, decision.dropAfter);
    if (decision.fail) {
      reply.error(decision.fail);
      return;
    }
    try {
      await handle(reply);
    } catch (error) {
      reply.error(error);
    }
  }
}

/** A request URL's raw path and query string (no URL parsing, so odd request targets cannot throw). */
export function splitUrl(url: string | undefined): { pathname: string; search: string } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q < 0 ? { pathname: raw, search: '' } : { pathname: raw.slice(0, q), search: raw.slice(q + 1) };
}

export function clientAddressOf(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}
