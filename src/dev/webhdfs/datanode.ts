import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorState, clientAddressOf, splitUrl } from './state';
import { Reply } from './reply';
import { QueryParams, WEBHDFS_PREFIX, hdfsPathOf } from './params';
import { WebHdfsError, fileNotFound, illegalArgument, ioException } from './remote-exception';
import { Caller } from './permissions';
import { receiveUpload } from './upload';

const DATA_NODE_OPS: Record<string, string> = { CREATE: 'PUT', APPEND: 'POST', OPEN: 'GET' };

/** A DataNode request that came through a NameNode redirect. */
interface DataCall {
  state: EmulatorState;
  req: IncomingMessage;
  reply: Reply;
  params: QueryParams;
  path: string;
  caller: Caller;
  rpcAddress: string;
}

/** The DataNode: step 2 of CREATE and APPEND (the body, streamed to disk) and the redirected read of OPEN. */
export function dataNodeHandler(state: EmulatorState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const { pathname, search } = splitUrl(req.url);
    const params = new QueryParams(search);
    const op = (params.get('op') ?? 'NULL').toUpperCase();
    void state.serve('datanode', op, req, res, async (reply) => {
      if (DATA_NODE_OPS[op] !== req.method) {
        throw illegalArgument(`Invalid operation ${req.method} ${op.slice(0, 100)} for a DataNode`);
      }
      if (pathname !== WEBHDFS_PREFIX && !pathname.startsWith(WEBHDFS_PREFIX + '/')) {
        throw fileNotFound(`No WebHDFS resource at ${pathname.slice(0, 200)}`);
      }
      const rpcAddress = params.get('namenoderpcaddress');
      if (rpcAddress === undefined) throw illegalArgument('namenoderpcaddress is not specified.');
      if (!state.nameNodes.some((nn) => nn.rpcAddress === rpcAddress)) {
        throw illegalArgument(`namenoderpcaddress ${rpcAddress} names no NameNode of this cluster`);
      }
      const path = hdfsPathOf(pathname);
      const caller = state.auth.callerOf(params);
      const call: DataCall = { state, req, reply, params, path, caller, rpcAddress };
      if (op === 'OPEN') return open(call);
      // Sent unasked, as Hadoop's DataNode does, unless Node already answered an `Expect: 100-continue`.
      if (!/100-continue/i.test(req.headers.expect ?? '')) res.writeContinue();
      await write(call, op === 'CREATE');
    });
  };
}

function open(c: DataCall): void {
  const inode = c.state.namespace.openForRead(c.caller, c.path);
  const size = inode.stats.size;
  const offset = c.params.long('offset') ?? 0;
  if (offset >= size && size > 0) throw ioException(`Offset=${offset} out of the range [0, ${size}); OPEN, path=${c.path}`);
  const length = Math.min(c.params.long('length') ?? size, Math.max(0, size - offset));
  if (length === 0) return c.reply.empty(200, { 'Content-Type': 'application/octet-stream' });
  c.reply.stream({ 'Content-Type': 'application/octet-stream', 'Content-Length': length }, () =>
    fs.createReadStream(inode.local, { start: offset, end: offset + length - 1, highWaterMark: 1 << 20 }),
  );
}

async function write(c: DataCall, create: boolean): Promise<void> {
  const { state, params } = c;
  const ns = state.namespace;
  state.checkWritable(create ? 'CREATE' : 'APPEND', c.path);
  const clientAddress = clientAddressOf(c.req);
  const lease = create
    ? ns.openForCreate(c.caller, c.path, {
        overwrite: params.boolean('overwrite', false),
        permission: params.permission(0o644),
        replication: params.long('replication'),
        blockSize: params.long('blocksize'),
        clientAddress,
      })
    : ns.openForAppend(c.caller, c.path, clientAddress);
  const upload = receiveUpload(c.req, lease.fd, state.faults.takeUploadDrop()).finally(() => ns.closeWriter(lease));
  state.uploads.add(upload);
  const outcome = await upload;
  state.uploads.delete(upload);
  if (!outcome.complete) {
    if (outcome.error) c.reply.error(new WebHdfsError('IOException', `Writing ${c.path} failed: ${outcome.error.message}`, 500));
    else c.reply.drop();
    return;
  }
  if (create) c.reply.empty(201, { Location: `hdfs://${c.rpcAddress}${c.path}` });
  else c.reply.empty(200);
}
