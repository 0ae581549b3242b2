// The release service's listener: HTTPS (UseSSL, the default; TLS 1.2 at least) or plain
// HTTP on EsfListenerPort, on every interface of the workstation (printers are on the
// network). Printers give up on a workstation after three failed attempts (SPEC §4), so
// the server is up before anything slow happens, never does blocking work before
// answering, keeps connections alive between a printer's list / fetch / printed calls,
// and drops connections that stall: a TLS handshake, request headers or a request body
// that take too long, or a socket idle for too long.

import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../log/types.js';

export interface HttpLimits {
  /** Whole request head must arrive within this (default 10 s). */
  readonly headersTimeoutMs: number;
  /** Whole request (head and body) must arrive within this (default 30 s). */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this (default 30 s). */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic at all for this long is closed (default 120 s). */
  readonly idleTimeoutMs: number;
  /** TLS handshake must end within this (default 10 s). */
  readonly handshakeTimeoutMs: number;
  /** JSON request bodies (default 16 KiB). */
  readonly maxBodyBytes: number;
  /** Request head size (default 16 KiB). */
  readonly maxHeaderBytes: number;
  /** Connections served at once (default 256). */
  readonly maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 30_000,
  idleTimeoutMs: 120_000,
  handshakeTimeoutMs: 10_000,
  maxBodyBytes: 16 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 256,
};

export interface ReleaseListenOptions {
  readonly port: number;
  /** Default '::' (every interface, IPv4 included where the system is dual-stack), else '0.0.0.0'. */
  readonly host?: string;
  /** PEM key and certificate; absent = plain HTTP (UseSSL false). */
  readonly tls?: { readonly key: string; readonly cert: string } | null;
  readonly limits: HttpLimits;
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly logger: Logger;
}

export interface ReleaseListener {
  readonly port: number;
  readonly host: string;
  readonly secure: boolean;
  close(graceMs?: number): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, ipv6Only: false });
  });
}

function errno(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
}

export async function startReleaseListener(o: ReleaseListenOptions): Promise<ReleaseListener> {
  const l = o.limits;
  const log = o.logger;
  const common = {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    maxHeaderSize: l.maxHeaderBytes,
    // Node checks header and request timeouts on this period; keep it well under them.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(l.headersTimeoutMs / 4))),
    noDelay: true,
  };
  const server: Server = o.tls
    ? createHttpsServer({ ...common, key: o.tls.key, cert: o.tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: l.handshakeTimeoutMs }, o.handler)
    : createHttpServer(common, o.handler);
  server.maxConnections = l.maxConnections;
  server.keepAliveTimeout = l.keepAliveTimeoutMs;
  server.timeout = l.idleTimeoutMs;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', (err: Error, s: Socket) => {
    log.debug('TLS handshake with a client failed', { code: errno(err), peer: s.remoteAddress });
    s.destroy();
  });
  server.on('clientError', (err: Error, s: Socket) => {
    log.debug('malformed or stalled HTTP request', { code: errno(err), peer: s.remoteAddress });
    if (s.writable && !s.destroyed) {
      const status = errno(err) === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : errno(err) === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      s.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    s.destroy();
  });

  let host = o.host ?? '::';
  try {
    await listen(server, o.port, host);
  } catch (err) {
    // No IPv6 on this machine: every IPv4 interface instead.
    if (o.host === undefined && ['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EINVAL'].includes(errno(err))) {
      host = '0.0.0.0';
      await listen(server, o.port, host);
    } else {
      throw err;
    }
  }
  const port = (server.address() as AddressInfo).port;
  log.info('release service listening', { host, port, tls: Boolean(o.tls) });
  if (!o.tls) log.warn('the release service speaks plain HTTP (UseSSL is false): tokens and passwords cross the network in clear');

  return {
    port,
    host,
    secure: Boolean(o.tls),
    async close(graceMs = 2000): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}
