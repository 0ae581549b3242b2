// A transparent loopback TCP proxy that records what each client sent. Put between a CUPS
// backend and the engine, it shows the exact bytes the filters produced, so a test can
// compare them with what the engine stored. Half-closes pass through in both directions:
// the CUPS socket backend shuts down its write side and waits for the peer's FIN.
import { connect, createServer, type Socket } from 'node:net';

export interface RecordedConnection {
  /** Order of arrival at the proxy (0, 1, ...). */
  readonly index: number;
  /** Everything the client sent, in order. */
  readonly sent: Buffer;
  /** True once both sides are closed: `sent` is final. */
  readonly closed: boolean;
}

export interface RecordingProxy {
  readonly port: number;
  connections(): RecordedConnection[];
  close(): Promise<void>;
}

interface Live {
  index: number;
  chunks: Buffer[];
  closed: boolean;
}

export async function startRecordingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<RecordingProxy> {
  const all: Live[] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const rec: Live = { index: all.length, chunks: [], closed: false };
    all.push(rec);
    const upstream = connect({ port: targetPort, host: targetHost, allowHalfOpen: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    client.on('data', (b: Buffer) => rec.chunks.push(Buffer.from(b)));
    client.pipe(upstream);
    upstream.pipe(client);
    // A reset on one side is passed on as a reset on the other.
    let closedCount = 0;
    const onClose = (self: Socket, other: Socket) => (hadError: boolean): void => {
      sockets.delete(self);
      if (hadError) other.destroy();
      if (++closedCount === 2) rec.closed = true;
    };
    client.on('close', onClose(client, upstream));
    upstream.on('close', onClose(upstream, client));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    connections: () => all.map((c) => ({ index: c.index, sent: Buffer.concat(c.chunks), closed: c.closed })),
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
