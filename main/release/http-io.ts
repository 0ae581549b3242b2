// Small HTTP helpers for the release API: JSON answers, typed errors as JSON with their
// status, and request bodies read with a hard byte cap (413 before a byte is buffered
// when Content-Length already says too much).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { PullPrintError } from '../util/errors.js';
import { ReleaseError, httpStatusOf } from './errors.js';

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, ...headers });
  res.end();
}

export function commonHeaders(): Record<string, string> {
  return { ...COMMON_HEADERS };
}

/** The error as `{"error": {"code", "message"}}` with its status; never a stack or a cause. */
export function sendError(res: ServerResponse, err: unknown, extraHeaders: Record<string, string | string[]> = {}): void {
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  const code = err instanceof PullPrintError ? err.code : 'INTERNAL';
  const status = httpStatusOf(code);
  const message = err instanceof PullPrintError && status < 500 ? err.message
    : err instanceof ReleaseError ? err.message : 'internal error';
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  const retry = err instanceof ReleaseError ? err.detail.retryAfterSeconds : undefined;
  if (retry !== undefined) headers['retry-after'] = String(retry);
  // A body we did not read (413, or any early refusal) must not be parsed as the next request.
  if (status === 413) headers.connection = 'close';
  sendJson(res, status, { error: { code, message } }, headers);
}

/** Reads a JSON body up to maxBytes; undefined when the body is empty. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw new ReleaseError('BODY_TOO_LARGE', `the request body is over ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer): void => {
      size += b.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.pause();
        reject(new ReleaseError('BODY_TOO_LARGE', `the request body is over ${maxBytes} bytes`));
        return;
      }
      chunks.push(b);
    };
    req.on('data', onData);
    req.once('end', () => resolve());
    req.once('error', reject);
    // After 'end' this is a no-op; before it, the client went away mid-body.
    req.once('close', () => reject(new ReleaseError('BAD_REQUEST', 'the request was aborted')));
  });
  if (size === 0) return undefined;
  const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ct !== 'application/json' && !ct.endsWith('+json')) {
    throw new ReleaseError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ReleaseError('BAD_JSON', 'the request body is not valid JSON');
  }
}
