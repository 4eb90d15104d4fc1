import type * as net from 'node:net';

/** A proxied pair lives and dies together: an error or close on either side destroys both and forgets them. */
export function closeTogether(client: net.Socket, upstream: net.Socket, open: Set<net.Socket>): void {
  open.add(client).add(upstream);
  const closeBoth = () => {
    client.destroy();
    upstream.destroy();
    open.delete(client);
    open.delete(upstream);
  };
  for (const socket of [client, upstream]) {
    socket.on('error', closeBoth);
    socket.on('close', closeBoth);
  }
}
