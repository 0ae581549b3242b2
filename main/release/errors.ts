// The release service's typed errors: one stable code per failure, each paired with the
// HTTP status the printer-facing API answers with (in the manner of fastify's errors).
// Delivery codes (PRINTER_*) reach the CLI and the tray through the control channel.

import { PullPrintError } from '../util/errors.js';

export type ReleaseErrorCode =
  // printer-facing API
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'BAD_JOB_ID'
  | 'BAD_REQUEST'
  | 'BAD_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BODY_TOO_LARGE'
  | 'USER_REQUIRED'
  | 'AUTH_REQUIRED'
  | 'INVALID_TOKEN'
  | 'INVALID_CREDENTIALS'
  | 'AUTH_NOT_CONFIGURED'
  | 'TOO_MANY_FAILURES'
  | 'DIRECTORY_UNAVAILABLE'
  | 'IDP_UNAVAILABLE'
  | 'LATE_BINDING_DISABLED'
  | 'JOB_BUSY'
  | 'JOB_NOT_FOUND'
  | 'JOB_NOT_RELEASABLE'
  | 'INTERNAL'
  // delivery to a printer
  | 'BAD_PRINTER_URI'
  | 'PRINTER_NOT_FOUND'
  | 'NO_PRINTER'
  | 'PRINTER_UNREACHABLE'
  | 'PRINTER_TLS'
  | 'PRINTER_TIMEOUT'
  | 'PRINTER_CONNECTION_LOST'
  | 'PRINTER_REFUSED'
  | 'PRINTER_BAD_RESPONSE'
  | 'DOCUMENT_UNREADABLE'
  // certificates, saved printers, servers
  | 'RELEASE_TLS_FILES'
  | 'RELEASE_PORT_CONFLICT'
  | 'BAD_PRINTER_NAME'
  | 'PRINTER_EXISTS'
  | 'PREFERENCES_UNREADABLE';

const HTTP_STATUS: Partial<Record<string, number>> = {
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  BAD_JOB_ID: 400,
  BAD_REQUEST: 400,
  BAD_JSON: 400,
  BAD_LATE_BINDING: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  USER_REQUIRED: 400,
  AUTH_REQUIRED: 401,
  INVALID_TOKEN: 401,
  INVALID_CREDENTIALS: 401,
  AUTH_NOT_CONFIGURED: 403,
  TOO_MANY_FAILURES: 429,
  DIRECTORY_UNAVAILABLE: 503,
  IDP_UNAVAILABLE: 503,
  LATE_BINDING_DISABLED: 409,
  JOB_BUSY: 409,
  JOB_NOT_FOUND: 404,
  JOB_NOT_RELEASABLE: 409,
  DOCUMENT_UNREADABLE: 404,
  SPOOL_UNAVAILABLE: 503,
};

export interface ReleaseErrorDetail {
  /** IPP status-code of a printer's refusal (PRINTER_REFUSED). */
  readonly ippStatus?: number;
  /** HTTP status of a printer's refusal at the HTTP layer. */
  readonly httpStatus?: number;
  /** Seconds the client should wait (429, 503). */
  readonly retryAfterSeconds?: number;
}

export class ReleaseError extends PullPrintError {
  readonly detail: ReleaseErrorDetail;
  constructor(code: ReleaseErrorCode, message: string, detail: ReleaseErrorDetail = {}, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ReleaseError';
    this.detail = detail;
  }
}

/** The HTTP status for an error code; anything unknown is a 500. */
export function httpStatusOf(code: string): number {
  return HTTP_STATUS[code] ?? 500;
}
