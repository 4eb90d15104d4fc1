import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';

export interface UploadOutcome {
  /** Body bytes written to the file. */
  bytes: number;
  /** False when the client went away, or a dropUpload fault cut the body. */
  complete: boolean;
  error?: Error;
}

/**
 * Streams a request body into an open file descriptor with backpressure (the request pauses while the file's write
 * buffer is full), never holding more than that buffer. Resolves once the descriptor is closed, whatever happened:
 * what arrived stays in the file. With `cutAfter`, exactly that many bytes are written and the rest is refused.
 */
export function receiveUpload(req: IncomingMessage, fd: number, cutAfter?: number): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const out = fs.createWriteStream('', { fd, highWaterMark: 1 << 20 });
    let bytes = 0;
    let done = false;
    let failure: Error | undefined;
    const finish = (complete: boolean) => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      out.end();
      out.once('close', () => resolve({ bytes, complete: complete && !failure, error: failure }));
    };
    const onData = (chunk: Buffer) => {
      if (cutAfter !== undefined && bytes + chunk.length >= cutAfter) {
        const part = chunk.subarray(0, cutAfter - bytes);
        bytes += part.length;
        if (part.length > 0) out.write(part);
        finish(false);
        return;
      }
      bytes += chunk.length;
      if (!out.write(chunk)) req.pause();
    };
    out.on('drain', () => req.resume());
    out.on('error', (error) => {
      failure = error;
      finish(false);
    });
    req.on('data', onData);
    req.once('end', () => finish(true));
    req.once('close', () => finish(req.complete));
    req.once('error', () => finish(false));
    if (cutAfter === 0) finish(false);
    // The request may have ended before this was called (a delay fault): its 'close' will not come again.
    else if (req.destroyed) finish(req.complete && req.readableEnded);
  });
}
