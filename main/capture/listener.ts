// The capture port of one mode: loopback only, one TCP port, three protocols told apart
// by the first bytes (sniff.ts). RAW and LPD are handled here; HTTP goes to the IPP
// printer through an internal http.Server. Limits: connections at once (extra ones are
// reset at once), idle time (a silent peer is dropped and its partial job discarded) and
// job size; each violation is logged with its code and leaves no job behind.

import net, { type Server, type Socket } from 'node:net';
import type http from 'node:http';
import type { CaptureSettings, ModeKind } from '../config/types.js';
import type { Logger } from '../log/types.js';
import { PullPrintError, errorCode } from '../util/errors.js';
import type { CaptureSink } from './types.js';
import { endGracefully, levelFor, logOutcome, resetConnection, type ConnectionContext } from './connection.js';
import { createHttpBridge, handOver } from './http-bridge.js';
import { CLOSE_FORCE_MS, CLOSE_GRACE_MS, DEFAULT_SNIFF_TIMEOUT_MS, SNIFF_HTTP_MAX } from './limits.js';
import { receiveLpd } from './lpd.js';
import { receiveRaw } from './raw.js';
import { sniff, type SniffResult } from './sniff.js';
import { SocketReader } from './socket-reader.js';

export interface HttpHandler {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  close?(): void;
}

export interface CaptureListenerOptions {
  mode: ModeKind;
  settings: CaptureSettings;
  sink: CaptureSink;
  logger: Logger;
  /** ProtocolMeta.queue when the protocol names none (RAW, LPD with an empty queue). */
  queueName: string;
  /** The IPP printer; without it HTTP requests get 503. */
  http?: HttpHandler | null;
  /** Default 127.0.0.1 and ::1 (::1 is skipped quietly when IPv6 is unavailable). */
  hosts?: readonly string[];
  /** Overrides settings.loopbackPort (tests use 0). */
  port?: number;
  /** LPD 03/04: the text answer for a queue. */
  describeQueue?(queue: string, long: boolean): Promise<string>;
  /** PROTOCOLS §1 rule 1: an ambiguous prefix becomes RAW after this much silence. */
  sniffTimeoutMs?: number;
}

export interface CaptureListener {
  readonly port: number;
  /** The hosts actually bound. */
  readonly addresses: readonly string[];
  activeConnections(): number;
  close(): Promise<void>;
}

type Phase = 'sniffing' | 'raw' | 'lpd' | 'http' | 'done';

interface Conn {
  phase: Phase;
  readonly reader: SocketReader;
}

const IPV6_UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL', 'EPROTONOSUPPORT']);

export async function startCaptureListener(opts: CaptureListenerOptions): Promise<CaptureListener> {
  const { logger, mode, settings } = opts;
  const idleMs = settings.idleTimeoutSeconds > 0 ? settings.idleTimeoutSeconds * 1000 : 0;
  const sniffTimeoutMs = opts.sniffTimeoutMs ?? DEFAULT_SNIFF_TIMEOUT_MS;
  const conns = new Map<Socket, Conn>();
  const inflight = new Set<Promise<void>>();
  let stopping = false;

  const httpServer = createHttpBridge({ handler: opts.http ?? null, logger, mode, idleTimeoutMs: idleMs, peerOf });

  const onConnection = (socket: Socket): void => {
    // Failures surface through the reader or the HTTP server; never as an uncaught event.
    socket.on('error', () => undefined);
    const peer = peerOf(socket);
    if (stopping) {
      socket.destroy();
      return;
    }
    if (conns.size >= settings.maxConnections) {
      logOutcome({ logger, peer, mode }, 'warn', 'TOO_MANY_CONNECTIONS', 'unknown', `connection refused: ${conns.size} already open (MaxConnections)`);
      resetConnection(socket);
      return;
    }
    const conn: Conn = { phase: 'sniffing', reader: new SocketReader(socket, idleMs) };
    conns.set(socket, conn);
    socket.once('close', () => conns.delete(socket));
    const ctx: ConnectionContext = {
      socket, reader: conn.reader, peer, mode, settings, sink: opts.sink, logger, queueName: opts.queueName,
      ...(opts.describeQueue ? { describeQueue: opts.describeQueue.bind(opts) } : {}),
    };
    const p: Promise<void> = serve(ctx, conn)
      .catch((err: unknown) => {
        logger.error('capture connection failed', { code: errorCode(err), peer, mode, cause: String(err) });
        resetConnection(socket);
      })
      .finally(() => {
        conn.phase = 'done';
        inflight.delete(p);
      });
    inflight.add(p);
  };

  async function serve(ctx: ConnectionContext, conn: Conn): Promise<void> {
    let verdict: SniffResult;
    try {
      verdict = await classify(ctx.reader, sniffTimeoutMs);
    } catch (err) {
      const code = errorCode(err);
      const nothing = ctx.reader.buffered === 0;
      logOutcome(ctx, nothing && code === 'CONNECTION_RESET' ? 'debug' : levelFor(code), code, 'unknown', `connection dropped before its protocol was known (${code})`);
      resetConnection(ctx.socket);
      return;
    }
    switch (verdict.kind) {
      case 'need-more':
        // classify() returns need-more only for a connection closed without any byte.
        logOutcome(ctx, 'debug', 'PORT_PROBE', 'unknown', 'connection closed without data: port probe, nothing stored');
        endGracefully(ctx);
        return;
      case 'tls':
        logOutcome(ctx, 'warn', 'TLS_NOT_SUPPORTED', 'unknown', 'TLS ClientHello on the capture port: use ipp://, not ipps://');
        endGracefully(ctx);
        return;
      case 'http': {
        conn.phase = 'http';
        const head = ctx.reader.detach();
        ctx.socket.unshift(head);
        handOver(httpServer, ctx.socket);
        return;
      }
      case 'lpd':
        conn.phase = 'lpd';
        await receiveLpd(ctx);
        return;
      case 'raw':
        conn.phase = 'raw';
        logger.debug('RAW connection', { peer: ctx.peer, mode, reason: verdict.reason });
        await receiveRaw(ctx);
        return;
    }
  }

  const hosts = opts.hosts ?? ['127.0.0.1', '::1'];
  const { servers, port, addresses } = await bindAll(hosts, opts.port ?? settings.loopbackPort, onConnection, logger);
  logger.info('capture listener started', { mode, port, addresses });

  let closing: Promise<void> | null = null;
  async function shutdown(): Promise<void> {
    stopping = true;
    const serversClosed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    // Idle: nothing received yet, or an HTTP keep-alive connection between requests.
    for (const [socket, conn] of conns) {
      if (conn.phase === 'sniffing' && conn.reader.buffered === 0) socket.destroy();
    }
    httpServer.closeIdleConnections();
    await settleWithin([...inflight], CLOSE_GRACE_MS);
    httpServer.closeAllConnections();
    // RST, not FIN: a client cut off mid-job must see an error and send the job again.
    // Connections whose handler is done only linger for the client's FIN: destroy them.
    for (const [socket, conn] of conns) {
      if (conn.phase === 'done') socket.destroy();
      else resetConnection(socket);
    }
    // Destroyed handlers abort their receivers; a commit already running completes.
    await settleWithin([...inflight], CLOSE_FORCE_MS);
    await settleWithin(serversClosed, CLOSE_FORCE_MS);
    httpServer.close(() => undefined);
    try {
      opts.http?.close?.();
    } catch (err) {
      logger.warn('IPP printer close failed', { code: errorCode(err), cause: String(err) });
    }
    logger.info('capture listener stopped', { mode, port });
  }

  return {
    port,
    addresses,
    activeConnections: () => conns.size,
    close: () => (closing ??= shutdown()),
  };
}

/** Reads until the sniffer decides; need-more is returned only for 0 bytes then EOF. */
async function classify(reader: SocketReader, sniffTimeoutMs: number): Promise<SniffResult> {
  for (;;) {
    const verdict = sniff(reader.peek(SNIFF_HTTP_MAX));
    if (verdict.kind !== 'need-more') return verdict;
    // With no byte yet only the idle limit applies (more() rejects with IDLE_TIMEOUT).
    const got = await reader.more(reader.buffered > 0 ? sniffTimeoutMs : undefined);
    if (got === 'eof') {
      if (reader.buffered === 0) return verdict;
      return { kind: 'raw', reason: `ambiguous prefix then EOF (${verdict.reason})` };
    }
    if (got === 'timeout') return { kind: 'raw', reason: `ambiguous prefix after ${sniffTimeoutMs} ms idle (${verdict.reason})` };
  }
}

function peerOf(socket: Socket): string {
  const a = socket.remoteAddress ?? '?';
  return `${net.isIPv6(a) ? `[${a}]` : a}:${socket.remotePort ?? '?'}`;
}

async function settleWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

interface Bound {
  servers: Server[];
  port: number;
  addresses: string[];
}

/** Binds every host on one port; with port 0 the first bind picks it and the others reuse it. */
async function bindAll(hosts: readonly string[], port: number, onConnection: (s: Socket) => void, logger: Logger): Promise<Bound> {
  for (let attempt = 0; ; attempt++) {
    const bound: Bound = { servers: [], port, addresses: [] };
    let retry = false;
    for (const host of hosts) {
      const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, onConnection);
      try {
        await listen(server, bound.port, host);
      } catch (err) {
        const code = errorCode(err);
        if (net.isIPv6(host) && IPV6_UNAVAILABLE.has(code)) {
          logger.debug('IPv6 loopback unavailable, listening on IPv4 only', { host, code });
          continue;
        }
        await Promise.all(bound.servers.map(closeServer));
        // Port 0: the port the first host got may be taken on the next one; pick again.
        if (code === 'EADDRINUSE' && port === 0 && bound.servers.length > 0 && attempt < 5) {
          retry = true;
          break;
        }
        throw new PullPrintError('CAPTURE_LISTEN_FAILED', `cannot listen on ${host}:${bound.port}: ${code}`, { cause: err });
      }
      const addr = server.address();
      if (bound.port === 0 && addr && typeof addr === 'object') bound.port = addr.port;
      bound.servers.push(server);
      bound.addresses.push(host);
    }
    if (retry) continue;
    if (bound.servers.length === 0) throw new PullPrintError('CAPTURE_LISTEN_FAILED', `no loopback address could be bound (${hosts.join(', ')})`);
    return bound;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
