// The cloud client's typed errors. Every failure falls in one of three kinds, and the
// outbox acts on the kind alone: 'unauthorized' → refresh once then wait for sign-in,
// 'transient' → back off and retry, 'rejected' → the job failed with the server's reason.

import { PullPrintError } from '../util/errors.js';

export type CloudErrorKind = 'unauthorized' | 'transient' | 'rejected';

export type CloudErrorCode =
  /** 401: the access token was refused. */
  | 'CLOUD_UNAUTHORIZED'
  /** Connection refused or reset, DNS failure, socket closed mid-request. */
  | 'CLOUD_UNREACHABLE'
  /** Connect, response headers, response body or upload made no progress in time. */
  | 'CLOUD_TIMEOUT'
  /** The server's certificate is not trusted, has expired or does not match its name. */
  | 'CLOUD_TLS'
  /** 5xx. */
  | 'CLOUD_SERVER_ERROR'
  /** 408, 429, or the same job being received on another connection (409 UPLOAD_IN_PROGRESS). */
  | 'CLOUD_BUSY'
  /** Any other 4xx: the server will not take this request as it is. */
  | 'CLOUD_REJECTED'
  /** A 2xx whose body is not what the API promises: the request may have worked, retry. */
  | 'CLOUD_PROTOCOL'
  /** The stored document cannot be read (removed or damaged on this workstation). */
  | 'DOCUMENT_UNREADABLE';

const KIND: Record<CloudErrorCode, CloudErrorKind> = {
  CLOUD_UNAUTHORIZED: 'unauthorized',
  CLOUD_UNREACHABLE: 'transient',
  CLOUD_TIMEOUT: 'transient',
  CLOUD_TLS: 'transient',
  CLOUD_SERVER_ERROR: 'transient',
  CLOUD_BUSY: 'transient',
  CLOUD_PROTOCOL: 'transient',
  CLOUD_REJECTED: 'rejected',
  DOCUMENT_UNREADABLE: 'rejected',
};

export interface CloudErrorDetail {
  /** HTTP status, when the server answered. */
  readonly status?: number | null;
  /** The server's `error.code`, when it sent one. */
  readonly serverCode?: string | null;
  /** From Retry-After, when the server sent one. */
  readonly retryAfterMs?: number | null;
  readonly cause?: unknown;
}

export class CloudError extends PullPrintError {
  declare readonly code: CloudErrorCode;
  readonly kind: CloudErrorKind;
  readonly status: number | null;
  readonly serverCode: string | null;
  readonly retryAfterMs: number | null;

  constructor(code: CloudErrorCode, message: string, detail: CloudErrorDetail = {}) {
    super(code, message, detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'CloudError';
    this.kind = KIND[code];
    this.status = detail.status ?? null;
    this.serverCode = detail.serverCode ?? null;
    this.retryAfterMs = detail.retryAfterMs ?? null;
  }
}

export function isCloudError(err: unknown): err is CloudError {
  return err instanceof CloudError;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'EPROTO',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'UPLOAD_STALLED']);

function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return '';
}

/**
 * A transport failure (undici, socket, TLS) as a CloudError. The message names the
 * failure and never the URL's query or any header, so it is safe to log and show.
 */
export function transportError(err: unknown, what: string): CloudError {
  if (err instanceof CloudError) return err;
  // undici wraps the socket's error: look one level down for the TLS or errno code.
  const cause = err && typeof err === 'object' && 'cause' in err ? (err as { cause: unknown }).cause : undefined;
  const code = codeOf(err) || codeOf(cause);
  const inner = codeOf(cause);
  const safe = { name: err instanceof Error ? err.name : typeof err, code };
  if (TLS_CODES.has(code) || TLS_CODES.has(inner) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return new CloudError('CLOUD_TLS', `${what}: the cloud server's TLS certificate or protocol was refused (${inner || code})`, { cause: safe });
  }
  if (TIMEOUT_CODES.has(code) || TIMEOUT_CODES.has(inner)) {
    return new CloudError('CLOUD_TIMEOUT', `${what}: the cloud server did not answer in time (${code || inner})`, { cause: safe });
  }
  return new CloudError('CLOUD_UNREACHABLE', `${what}: the cloud server cannot be reached (${code || safe.name})`, { cause: safe });
}

/** An HTTP error answer as a CloudError, keeping the server's own code and message. */
export function statusError(status: number, body: { code: string; message: string } | null, retryAfterMs: number | null, what: string): CloudError {
  const reason = body ? `${body.code}: ${body.message}` : `HTTP ${status}`;
  const detail = { status, serverCode: body?.code ?? null, retryAfterMs };
  if (status === 401) return new CloudError('CLOUD_UNAUTHORIZED', `${what}: the cloud server refused the sign-in (${reason})`, detail);
  if (status >= 500) return new CloudError('CLOUD_SERVER_ERROR', `${what}: the cloud server failed (${reason})`, detail);
  if (status === 408 || status === 429 || (status === 409 && body?.code === 'UPLOAD_IN_PROGRESS')) {
    return new CloudError('CLOUD_BUSY', `${what}: the cloud server asked to try again later (${reason})`, detail);
  }
  return new CloudError('CLOUD_REJECTED', `${what}: the cloud server refused it (${reason})`, detail);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or bad. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d{1,9}$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
