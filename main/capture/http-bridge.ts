// The HTTP side of the capture port: an http.Server that never listens itself. The
// listener hands it sockets the sniffer classified as HTTP (`emit('connection')`), and it
// passes requests to the IPP printer, or answers 503 when there is none.

import http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log/types.js';
import type { ModeKind } from '../config/types.js';
import { errorCode } from '../util/errors.js';
import { HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_MS, HTTP_REQUEST_TIMEOUT_MS } from './limits.js';

export interface HttpRequestHandler {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
}

export interface HttpBridgeOptions {
  readonly handler: HttpRequestHandler | null;
  readonly logger: Logger;
  readonly mode: ModeKind;
  /** 0 disables. */
  readonly idleTimeoutMs: number;
  readonly peerOf: (socket: Socket) => string;
}

export function createHttpBridge(opts: HttpBridgeOptions): http.Server {
  const server = http.createServer(
    {
      // A large IPP document over a slow link must not be cut at Node's 300 s default;
      // a stalled peer is caught by the idle timeout (server.timeout) instead.
      requestTimeout: HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: HTTP_HEADERS_TIMEOUT_MS,
      keepAlive: true,
    },
    (req, res) => dispatch(opts, req, res),
  );
  server.keepAliveTimeout = Math.min(HTTP_KEEP_ALIVE_MS, opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : HTTP_KEEP_ALIVE_MS);
  server.timeout = opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : 0;
  server.on('timeout', (socket: Socket) => {
    opts.logger.warn('HTTP connection idle too long', { code: 'IDLE_TIMEOUT', peer: opts.peerOf(socket), protocol: 'ipp', mode: opts.mode });
    socket.destroy();
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
    opts.logger[reset ? 'debug' : 'warn']('bad HTTP request', {
      code: reset ? 'CONNECTION_RESET' : 'MALFORMED_HTTP',
      reason: err.code ?? err.message,
      peer: opts.peerOf(socket),
      protocol: 'ipp',
      mode: opts.mode,
    });
    if (!reset && socket.writable && !socket.writableEnded) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  // The server never listens, but its connection tracking (which enforces headersTimeout
  // and requestTimeout, and which closeIdleConnections() walks) starts on 'listening'.
  server.emit('listening');
  return server;
}

function dispatch(opts: HttpBridgeOptions, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (!opts.handler) {
    res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '30', Connection: 'close' });
    res.end('No IPP printer on this port\n');
    return;
  }
  try {
    opts.handler.handle(req, res);
  } catch (err) {
    opts.logger.error('IPP handler threw', { code: errorCode(err), peer: opts.peerOf(req.socket), protocol: 'ipp', mode: opts.mode, cause: String(err) });
    if (!res.headersSent) {
      res.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end();
    } else {
      res.destroy();
    }
  }
}

/** Hands a sniffed socket (first bytes already unshifted back) to the HTTP server. */
export function handOver(server: http.Server, socket: Socket): void {
  server.emit('connection', socket);
  // http.Server reads straight from the socket's native handle when it can, which would
  // skip the bytes we unshifted into the JS stream buffer. A 'data' listener added after
  // the hand-over makes it fall back to the JS stream (its socket.on wrapper unconsumes).
  socket.on('data', () => undefined);
  socket.resume();
}
