// The reference deleted-job report server (docs/tracker.md "HTTP request"): a real HTTP or
// HTTPS listener on 127.0.0.1, port 0. It checks the request, validates the report,
// deduplicates records by RecordId (a re-sent record is a no-op) and answers with the ids
// it holds. Switches make it fail (500), hang (never answer), store then hang (as if the
// answer were lost), answer 200 with an HTML page (a captive portal or a misrouted proxy),
// or go down (listener closed) and come back on the same port.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { REPORT_PATH, parseReport, serializeResult } from '../../main/tracker/index.js';
import type { DeletedJobRecord } from '../../main/tracker/index.js';

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'accept-then-hang' | 'portal';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly status: number | null;
  /** RecordIds in the body, in order (empty when the body was rejected). */
  readonly ids: readonly string[];
}

export interface ReportReceiverOptions {
  /** PEM key and certificate: serve HTTPS. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Largest body accepted (default 16 MiB). */
  readonly maxBodyBytes?: number;
}

export interface ReportReceiver {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  mode: ReceiverMode;
  /** true: answer with a DJTReportResult listing the ids; false: an empty 204. */
  listIds: boolean;
  /** When set, only records it approves are stored and listed (partial acceptance). */
  acceptOnly: ((record: DeletedJobRecord) => boolean) | null;
  /** Stored records, each once, in the order first received. */
  accepted(): DeletedJobRecord[];
  /** Records received again after they were stored (dropped as no-ops). */
  duplicates(): number;
  requests(): ReceivedRequest[];
  /** Closes the listener and every connection: clients get ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startReportReceiver(opts: ReportReceiverOptions = {}): Promise<ReportReceiver> {
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const store = new Map<string, DeletedJobRecord>();
  const log: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let dupes = 0;
  let port = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const entry = { method: req.method ?? '', path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), status: null as number | null, ids: [] as string[] };
    log.push(entry);
    const reply = (status: number, body: string, type?: string): void => {
      entry.status = status;
      send(res, status, body, type);
    };
    if (entry.path !== REPORT_PATH) return reply(404, 'no such resource');
    if (entry.method !== 'POST') return reply(405, 'POST only');
    if (!/^application\/xml(\s*;|$)/i.test(entry.contentType)) return reply(415, 'Content-Type must be application/xml');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= maxBody) chunks.push(b);
    });
    req.on('end', () => {
      if (size > maxBody) return reply(413, 'report too large');
      if (api.mode === 'fail') return reply(500, 'report server failure (test switch)');
      if (api.mode === 'hang') return; // never answers; the client's timeout must end it
      if (api.mode === 'portal') return reply(200, '<html><body>Welcome to the guest network</body></html>', 'text/html');
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        return reply(400, 'body is not UTF-8');
      }
      const parsed = parseReport(text);
      if (parsed.problems.length > 0) return reply(400, `invalid report: ${parsed.problems.join('; ')}`);
      entry.ids = parsed.records.map((r) => r.recordId);
      const held: string[] = [];
      for (const r of parsed.records) {
        if (store.has(r.recordId)) {
          dupes += 1;
          held.push(r.recordId);
        } else if (!api.acceptOnly || api.acceptOnly(r)) {
          store.set(r.recordId, r);
          held.push(r.recordId);
        }
      }
      if (api.mode === 'accept-then-hang') return;
      if (api.listIds) reply(200, serializeResult(held), 'application/xml; charset=utf-8');
      else {
        entry.status = 204;
        res.writeHead(204).end();
      }
    });
    req.on('error', () => undefined);
  };

  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handle) : createHttpServer(handle);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);

  const listen = (p: number): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      port = typeof addr === 'object' && addr ? addr.port : p;
      resolve();
    });
  });
  const shut = (): Promise<void> => new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });

  await listen(0);
  const scheme = opts.tls ? 'https' : 'http';
  const api: ReportReceiver = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get url() {
      return `${scheme}://127.0.0.1:${port}${REPORT_PATH}`;
    },
    mode: 'ok',
    listIds: true,
    acceptOnly: null,
    accepted: () => [...store.values()],
    duplicates: () => dupes,
    requests: () => [...log],
    down: shut,
    up: () => listen(port),
    close: shut,
  };
  return api;
}
