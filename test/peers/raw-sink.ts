// A port-9100 ("AppSocket"/raw) printer stand-in: a loopback TCP listener on port 0 that
// keeps the bytes of each connection as one job. Used as the far end of CUPS socket://
// queues and of release deliveries, where the test wants the exact bytes sent.
import { createServer, type Socket } from 'node:net';

export interface RawSink {
  readonly host: string;
  readonly port: number;
  /** socket://127.0.0.1:PORT/?snmp=false (the `/` before `?` is required by CUPS). */
  readonly cupsUri: string;
  /** Jobs received completely so far (connection closed by the sender), in arrival order. */
  jobs(): Buffer[];
  /** The next complete job not yet returned by nextJob(). */
  nextJob(timeoutMs: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startRawSink(opts: { maxBytes?: number } = {}): Promise<RawSink> {
  const maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  const done: Buffer[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    const chunks: Buffer[] = [];
    let size = 0;
    sock.on('data', (b: Buffer) => {
      size += b.length;
      // A runaway sender must not exhaust the test process's memory.
      if (size > maxBytes) sock.destroy(new Error(`raw sink: job over ${maxBytes} bytes`));
      else chunks.push(b);
    });
    sock.on('end', () => {
      done.push(Buffer.concat(chunks));
      sock.end();
      for (const w of waiters.splice(0)) w();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    host: '127.0.0.1',
    port,
    cupsUri: `socket://127.0.0.1:${port}/?snmp=false`,
    jobs: () => [...done],
    async nextJob(timeoutMs: number): Promise<Buffer> {
      const deadline = Date.now() + timeoutMs;
      while (taken >= done.length) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`raw sink on port ${port}: no job within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return done[taken++];
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
