// Writing answers. An answer sent before the request body was read (a refusal, a replay)
// must still reach a client that is busy sending: closing at once would make its TCP
// stack drop our answer on the reset ("lingering close", RFC 9112 §9.6). Node reads and
// discards the rest of the body after such an answer; a client that keeps sending
// anyway is cut off after LINGER_MS.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from './api-error.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers });
  res.end();
}

/** True when the request may still have body bytes the server has not read. */
export function bodyPending(req: IncomingMessage): boolean {
  if (req.complete || req.readableEnded) return false;
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

const LINGER_MS = 2_000;

/** Answers; if the body was left unread, the connection is dropped unless it ends within LINGER_MS. */
export function sendEarly(req: IncomingMessage, res: ServerResponse, send: (headers: Record<string, string>) => void): void {
  if (!bodyPending(req)) {
    send({});
    return;
  }
  res.once('finish', () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    req.socket.once('close', () => clearTimeout(timer));
  });
  send({});
}

export function sendError(req: IncomingMessage, res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendEarly(req, res, (h) => sendJson(res, err.status, { error: { code: err.code, message: err.message } }, { ...err.headers, ...h }));
}
