import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorState, clientAddressOf, splitUrl } from './state';
import { Reply } from './reply';
import { QueryParams, WEBHDFS_PREFIX, checkUserName, encodePath, hdfsPathOf, normalizePath } from './params';
import { WebHdfsError, fileNotFound, illegalArgument, ioException } from './remote-exception';
import { Caller } from './permissions';
import { legacyRename, renameWithOptions } from './rename';
import { DEFAULT_USER } from './auth';
import { handleControl } from './control';
import type {
  BooleanAnswer, ContentSummaryAnswer, DirectoryListingAnswer, FileStatusAnswer, FileStatusesAnswer, LocationAnswer, TokenAnswer,
} from '../../ports/webhdfs-wire';

/** One NameNode request, parsed and authenticated. */
interface Call {
  state: EmulatorState;
  nameNode: number;
  op: string;
  path: string;
  params: QueryParams;
  caller: Caller;
  reply: Reply;
  clientAddress: string;
}

type OpHandler = (call: Call) => void;

const GET_OPS: Record<string, OpHandler> = {
  OPEN: (c) => {
    const offset = c.params.long('offset') ?? 0;
    c.params.long('length');
    const inode = c.state.namespace.followInside(c.state.namespace.existing(c.caller, c.path, `File ${c.path} not found.`));
    const length = inode.isDirectory ? 0 : inode.stats.size;
    if (offset >= length && length > 0) {
      throw ioException(`Offset=${offset} out of the range [0, ${length}); OPEN, path=${c.path}`);
    }
    redirect(c, {});
  },
  GETFILESTATUS: (c) => c.reply.json(200, { FileStatus: c.state.namespace.fileStatus(c.caller, c.path) } satisfies FileStatusAnswer),
  LISTSTATUS: (c) => c.reply.json(200, { FileStatuses: { FileStatus: c.state.namespace.list(c.caller, c.path).entries } } satisfies FileStatusesAnswer),
  LISTSTATUS_BATCH: (c) => {
    const ns = c.state.namespace;
    const { entries, remaining } = ns.list(c.caller, c.path, c.params.get('startafter'), ns.listingLimit);
    c.reply.json(200, { DirectoryListing: { partialListing: { FileStatuses: { FileStatus: entries } }, remainingEntries: remaining } } satisfies DirectoryListingAnswer);
  },
  GETCONTENTSUMMARY: (c) => c.reply.json(200, { ContentSummary: c.state.namespace.contentSummary(c.caller, c.path) } satisfies ContentSummaryAnswer),
  GETHOMEDIRECTORY: (c) => c.reply.json(200, { Path: `/user/${c.caller.user}` }),
  GETDELEGATIONTOKEN: (c) => c.reply.json(200, { Token: { urlString: c.state.auth.issue(c.caller.user) } } satisfies TokenAnswer),
};

const PUT_OPS: Record<string, OpHandler> = {
  CREATE: (c) => {
    const permission = c.params.permission(0o644).toString(8);
    c.params.long('replication');
    c.params.long('blocksize');
    redirect(c, { overwrite: String(c.params.boolean('overwrite', false)), permission, createparent: 'true' });
  },
  MKDIRS: (c) => {
    const permission = c.params.permission(0o755);
    c.state.checkWritable(c.op, c.path);
    c.reply.json(200, { boolean: c.state.namespace.mkdirs(c.caller, c.path, permission) } satisfies BooleanAnswer);
  },
  RENAME: (c) => {
    const destination = c.params.get('destination');
    if (destination === undefined) throw illegalArgument(`Required param destination for op: RENAME is null or empty`);
    if (!destination.startsWith('/')) {
      throw illegalArgument(`Invalid parameter value: destination = "${destination}" is not an absolute path.`);
    }
    const dst = normalizePath(destination);
    const options = renameOptions(c.params.get('renameoptions'));
    c.state.checkWritable(c.op, c.path);
    if (options === undefined) {
      c.reply.json(200, { boolean: legacyRename(c.state.namespace, c.caller, c.path, dst) } satisfies BooleanAnswer);
      return;
    }
    renameWithOptions(c.state.namespace, c.caller, c.path, dst, options);
    c.reply.empty(200);
  },
  SETPERMISSION: (c) => {
    const permission = c.params.permission(0o755);
    c.state.checkWritable(c.op, c.path);
    c.state.namespace.setPermission(c.caller, c.path, permission);
    c.reply.empty(200);
  },
  SETOWNER: (c) => {
    const owner = c.params.get('owner');
    const group = c.params.get('group');
    if (owner !== undefined) checkUserName('owner', owner);
    if (group !== undefined) checkUserName('group', group);
    if (owner === undefined && group === undefined) throw illegalArgument('Both owner and group are empty.');
    c.state.checkWritable(c.op, c.path);
    c.state.namespace.setOwner(c.caller, c.path, owner, group);
    c.reply.empty(200);
  },
  RENEWDELEGATIONTOKEN: (c) => c.reply.json(200, { long: c.state.auth.renew(requiredToken(c)) }),
  CANCELDELEGATIONTOKEN: (c) => {
    c.state.auth.cancel(requiredToken(c));
    c.reply.empty(200);
  },
};

const POST_OPS: Record<string, OpHandler> = {
  APPEND: (c) => {
    const inode = c.state.namespace.existing(c.caller, c.path, `File ${c.path} not found.`);
    if (inode.isDirectory) throw fileNotFound(`Path is not a file: ${c.path}`);
    redirect(c, {});
  },
};

const DELETE_OPS: Record<string, OpHandler> = {
  DELETE: (c) => {
    const recursive = c.params.boolean('recursive', false);
    c.state.checkWritable(c.op, c.path);
    c.reply.json(200, { boolean: c.state.namespace.delete(c.caller, c.path, recursive) } satisfies BooleanAnswer);
  },
};

const OPS_BY_METHOD: Record<string, { ops: Record<string, OpHandler>; enumClass: string }> = {
  GET: { ops: GET_OPS, enumClass: 'GetOpParam' },
  PUT: { ops: PUT_OPS, enumClass: 'PutOpParam' },
  POST: { ops: POST_OPS, enumClass: 'PostOpParam' },
  DELETE: { ops: DELETE_OPS, enumClass: 'DeleteOpParam' },
};

function renameOptions(value: string | undefined): 'NONE' | 'OVERWRITE' | undefined {
  if (value === undefined) return undefined;
  const names = value.toUpperCase().split(',');
  if (names.some((n) => n !== 'NONE' && n !== 'OVERWRITE')) {
    throw illegalArgument(`Invalid value for webhdfs parameter "renameoptions": No enum constant org.apache.hadoop.fs.Options.Rename.${value}`);
  }
  return names.includes('OVERWRITE') ? 'OVERWRITE' : 'NONE';
}

function requiredToken(c: Call): string {
  const token = c.params.get('token');
  if (token === undefined) throw illegalArgument(`Required param token for op: ${c.op} is null or empty`);
  return token;
}

/** Step 1 of CREATE/APPEND/OPEN: 307 to the DataNode (or 200 {"Location"} with noredirect=true), parameters carried over. */
function redirect(c: Call, extra: Record<string, string>): void {
  const noRedirect = c.params.boolean('noredirect', false);
  const query = new URLSearchParams({ op: c.op });
  const token = c.params.get('delegation');
  if (token !== undefined) query.set('delegation', token);
  else query.set('user.name', c.params.get('user.name') ?? DEFAULT_USER);
  const doas = c.params.get('doas');
  if (doas !== undefined) query.set('doas', doas);
  query.set('namenoderpcaddress', c.state.nameNodes[c.nameNode].rpcAddress);
  for (const [name, value] of Object.entries(extra)) query.set(name, value);
  const handled = new Set(['op', 'delegation', 'user.name', 'doas', 'namenoderpcaddress', 'noredirect', ...Object.keys(extra)]);
  for (const [name, value] of c.params.entries()) if (!handled.has(name)) query.set(name, value);
  const location = `${c.state.dataNodeLocationBase}${WEBHDFS_PREFIX}${encodePath(c.path)}?${query}`;
  if (noRedirect) c.reply.json(200, { Location: location } satisfies LocationAnswer);
  else c.reply.empty(307, { Location: location, 'Content-Type': 'application/octet-stream' });
}

/** The request handler of NameNode number `nameNode` (0-based). */
export function nameNodeHandler(state: EmulatorState, nameNode: number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const { pathname, search } = splitUrl(req.url);
    if (pathname.startsWith('/_emulator/')) {
      void handleControl(state, pathname, search, req, res);
      return;
    }
    if (pathname !== WEBHDFS_PREFIX && !pathname.startsWith(WEBHDFS_PREFIX + '/')) {
      new Reply(req, res).error(fileNotFound(`No WebHDFS resource at ${pathname.slice(0, 200)}: paths start with ${WEBHDFS_PREFIX}/`));
      return;
    }
    const params = new QueryParams(search);
    const op = (params.get('op') ?? 'NULL').toUpperCase();
    void state.serve('namenode', op, req, res, (reply) => {
      const method = OPS_BY_METHOD[req.method ?? ''];
      const handler = method?.ops[op];
      if (!handler) throw unknownOp(req.method ?? '', op, method?.enumClass);
      if (!state.nameNodes[nameNode].active) throw state.standbyError(req.method === 'GET' ? 'READ' : 'WRITE');
      const path = hdfsPathOf(pathname);
      const caller = state.auth.callerOf(params);
      handler({ state, nameNode, op, path, params, caller, reply, clientAddress: clientAddressOf(req) });
    });
  };
}

function unknownOp(method: string, op: string, enumClass: string | undefined): WebHdfsError {
  if (!enumClass) return new WebHdfsError('UnsupportedOperationException', `HTTP method ${method.slice(0, 20)} is not supported`);
  if (op === 'NULL') return new WebHdfsError('UnsupportedOperationException', 'NULL is not supported');
  return illegalArgument(
    `Invalid value for webhdfs parameter "op": No enum constant org.apache.hadoop.hdfs.web.resources.${enumClass}.Op.${op.slice(0, 100)}`,
  );
}
