// Test harness for the IPP printer: a loopback TCP listener on port 0 that hands each
// socket to a non-listening http.Server with emit('connection'), as the capture listener
// does after sniffing, plus a small IPP client built on http.request and the codec.
import { createServer as createHttpServer, request as httpRequest, type Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createIppPrinter, type IppPrinter } from '../../../../main/capture/ipp/handler.js';
import { decodeMessage, encodeMessage, type IppAttribute, type IppGroup, type IppMessage, type IppValue } from '../../../../main/capture/ipp/codec.js';
import { GroupTag } from '../../../../main/capture/ipp/tags.js';
import { attr, val } from '../../../../main/capture/ipp/values.js';
import { nullLogger } from '../../../../main/log/null-logger.js';
import { createTempSink, type TempSink, type TempSinkOptions } from '../../../helpers/temp-sink.js';

export interface Harness {
  readonly port: number;
  readonly sink: TempSink;
  readonly printer: IppPrinter;
  readonly http: Server;
  /** ipp://127.0.0.1:PORT/ipp/print */
  readonly uri: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  maxJobSizeBytes?: number;
  sink?: TempSinkOptions;
  now?: () => number;
  printerName?: string;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const { sink, cleanup } = await createTempSink(opts.sink);
  const printer = createIppPrinter({
    sink,
    mode: 'local',
    peerOf: (req) => `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`,
    printerName: opts.printerName ?? 'PullPrint Test',
    queueName: 'pullq',
    maxJobSizeBytes: opts.maxJobSizeBytes ?? 64 * 1024 * 1024,
    logger: nullLogger(),
    now: opts.now,
  });
  const http = createHttpServer((req, res) => printer.handle(req, res));
  const sockets = new Set<Socket>();
  const net: NetServer = createNetServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    http.emit('connection', socket);
  });
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
  const address = net.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    sink,
    printer,
    http,
    uri: `ipp://127.0.0.1:${port}/ipp/print`,
    async close() {
      printer.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => net.close(() => resolve()));
      await cleanup();
    },
  };
}

export interface BuildOptions {
  requestId?: number;
  major?: number;
  minor?: number;
  printerUri?: string | null;
  /** Operation attributes after charset, language and printer-uri. */
  operation?: IppAttribute[];
  job?: IppAttribute[];
}

/** A request with the standard operation attributes (RFC 8011 §4.1.4 order). */
export function ippRequest(op: number, o: BuildOptions = {}): IppMessage {
  const operation: IppAttribute[] = [attr('attributes-charset', val.charset('utf-8')), attr('attributes-natural-language', val.language('en'))];
  if (o.printerUri !== null) operation.push(attr('printer-uri', val.uri(o.printerUri ?? 'ipp://127.0.0.1/ipp/print')));
  operation.push(...(o.operation ?? []));
  const groups: IppGroup[] = [{ tag: GroupTag.operation, attributes: operation }];
  if (o.job) groups.push({ tag: GroupTag.job, attributes: o.job });
  return { major: o.major ?? 2, minor: o.minor ?? 0, code: op, requestId: o.requestId ?? 1, groups };
}

export interface SendOptions {
  /** Document bytes after the IPP message; an array is written chunk by chunk. */
  document?: Buffer | Buffer[];
  /** Transfer-Encoding: chunked (default) or Content-Length. */
  chunked?: boolean;
  path?: string;
  headers?: Record<string, string>;
  agent?: Agent | false;
  /** Raw body instead of an encoded message (malformed input). */
  raw?: Buffer;
}

export interface IppReply {
  readonly httpStatus: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly reusedSocket: boolean;
  /** The decoded IPP response (throws if the body is not one). */
  readonly message: IppMessage;
}

export function send(port: number, message: IppMessage | null, o: SendOptions = {}): Promise<IppReply> {
  const head = o.raw ?? (message ? encodeMessage(message) : Buffer.alloc(0));
  const doc = o.document === undefined ? [] : Array.isArray(o.document) ? o.document : [o.document];
  const chunked = o.chunked ?? true;
  const total = head.length + doc.reduce((n, c) => n + c.length, 0);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: o.path ?? '/ipp/print',
        agent: o.agent ?? false,
        headers: {
          'Content-Type': 'application/ipp',
          ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(total) }),
          ...o.headers,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => {
          const body = Buffer.concat(parts);
          let decoded: IppMessage | null = null;
          const reply: IppReply = {
            httpStatus: res.statusCode ?? 0,
            headers: res.headers,
            body,
            reusedSocket: req.reusedSocket,
            get message() {
              decoded ??= decodeMessage(body).message;
              return decoded;
            },
          };
          resolve(reply);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    void (async () => {
      req.write(head);
      for (const c of doc) {
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })();
  });
}

/** Attributes of the given group tag (all groups of that tag, in order). */
export function groupsOf(m: IppMessage, tag: number): IppAttribute[][] {
  return m.groups.filter((g) => g.tag === tag).map((g) => [...g.attributes]);
}

export function find(m: IppMessage, tag: number, name: string): IppAttribute | undefined {
  for (const g of m.groups) if (g.tag === tag) for (const a of g.attributes) if (a.name === name) return a;
  return undefined;
}

/** Plain JS view of an attribute's values (numbers, strings, booleans, ranges). */
export function plain(a: IppAttribute | undefined): unknown[] | undefined {
  if (!a) return undefined;
  return a.values.map((v: IppValue) => {
    switch (v.kind) {
      case 'int':
      case 'bool':
      case 'string':
        return v.value;
      case 'range':
        return [v.lower, v.upper];
      case 'resolution':
        return [v.x, v.y, v.units];
      case 'lang-string':
        return v.value;
      case 'out-of-band':
        return null;
      case 'octets':
        return v.value;
      case 'collection':
        return Object.fromEntries(v.members.map((m) => [m.name, plain(m)]));
    }
  });
}

/** The single value of an attribute. */
export function one(m: IppMessage, tag: number, name: string): unknown {
  const values = plain(find(m, tag, name));
  return values?.[0];
}
