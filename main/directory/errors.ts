// Directory failures as typed errors with stable codes, classified by what can fix them:
// time (retry with backoff), the user (sign in again) or an administrator (rights,
// schema, configuration). Messages never carry passwords; an LDAP server's diagnostic
// text is kept because it names DNs and AD's reason codes, never the password.

import { ResultCodeError } from 'ldapts';
import { PullPrintError } from '../util/errors.js';
import type { SignInReason } from './types.js';

export type DirectoryErrorCode =
  /** No server answered (refused, timed out, reset), or it said busy/unavailable. */
  | 'DIRECTORY_UNREACHABLE'
  /** TLS failed: untrusted or mismatching certificate, StartTLS refused. */
  | 'DIRECTORY_TLS'
  /** No stored password for the user. */
  | 'DIRECTORY_NO_CREDENTIALS'
  /** LDAP 49: wrong name or password (or AD: locked, expired, disabled). */
  | 'DIRECTORY_INVALID_CREDENTIALS'
  /** LDAP 50: the bound account may not do this. */
  | 'DIRECTORY_INSUFFICIENT_ACCESS'
  /** The user filter found no entry (or LDAP 32 on the entry). */
  | 'DIRECTORY_USER_NOT_FOUND'
  /** The user filter found several entries. */
  | 'DIRECTORY_AMBIGUOUS_USER'
  /** The attribute does not exist, is not allowed on the entry, or refuses the value. */
  | 'DIRECTORY_ATTRIBUTE_UNAVAILABLE'
  /** The server demands a protected connection or a stronger authentication (LDAP 8, 13). */
  | 'DIRECTORY_CONFIDENTIALITY_REQUIRED'
  /** Bad DirectorySettings or input (a filter that does not parse, an empty password). */
  | 'DIRECTORY_CONFIG'
  /** Anything else the server answered. */
  | 'DIRECTORY_PROTOCOL';

export class DirectoryError extends PullPrintError {
  /** LDAP result code when the server gave one. */
  readonly ldapCode: number | null;
  constructor(code: DirectoryErrorCode, message: string, opts: { ldapCode?: number | null; cause?: unknown } = {}) {
    super(code, message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DirectoryError';
    this.ldapCode = opts.ldapCode ?? null;
  }
  get directoryCode(): DirectoryErrorCode {
    return this.code as DirectoryErrorCode;
  }
}

/** What should happen after a failure. */
export type FailureClass = 'retry' | 'sign-in' | 'admin';

export function failureClass(code: DirectoryErrorCode): FailureClass {
  switch (code) {
    case 'DIRECTORY_UNREACHABLE':
    case 'DIRECTORY_TLS':
    case 'DIRECTORY_PROTOCOL':
      return 'retry';
    case 'DIRECTORY_NO_CREDENTIALS':
    case 'DIRECTORY_INVALID_CREDENTIALS':
      return 'sign-in';
    case 'DIRECTORY_INSUFFICIENT_ACCESS':
    case 'DIRECTORY_USER_NOT_FOUND':
    case 'DIRECTORY_AMBIGUOUS_USER':
    case 'DIRECTORY_ATTRIBUTE_UNAVAILABLE':
    case 'DIRECTORY_CONFIDENTIALITY_REQUIRED':
    case 'DIRECTORY_CONFIG':
      return 'admin';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ECONNABORTED']);

function isTlsError(err: { code?: unknown; message?: unknown }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  const msg = typeof err.message === 'string' ? err.message : '';
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code) || /certificate|SSL routines|TLS/i.test(msg);
}

/** Maps whatever ldapts or the socket threw to a DirectoryError; `what` says which step failed. */
export function classifyLdapError(err: unknown, what: string): DirectoryError {
  if (err instanceof DirectoryError) return err;
  if (err instanceof ResultCodeError) {
    const detail = `${what}: ${err.message} (LDAP ${err.code})`;
    const opts = { ldapCode: err.code };
    switch (err.code) {
      case 49:
        return new DirectoryError('DIRECTORY_INVALID_CREDENTIALS', detail, opts);
      case 50:
        return new DirectoryError('DIRECTORY_INSUFFICIENT_ACCESS', detail, opts);
      case 32:
        return new DirectoryError('DIRECTORY_USER_NOT_FOUND', detail, opts);
      case 17: // undefinedAttributeType
      case 18: // inappropriateMatching (an attribute without an EQUALITY rule)
      case 19: // constraintViolation (e.g. a value longer than the attribute allows)
      case 21: // invalidAttributeSyntax
      case 65: // objectClassViolation (the attribute is not allowed on the entry)
        return new DirectoryError('DIRECTORY_ATTRIBUTE_UNAVAILABLE', detail, opts);
      case 8: // strongerAuthRequired
      case 13: // confidentialityRequired
        return new DirectoryError('DIRECTORY_CONFIDENTIALITY_REQUIRED', detail, opts);
      case 48: // inappropriateAuthentication (e.g. an empty password where one is required)
        return new DirectoryError('DIRECTORY_INVALID_CREDENTIALS', detail, opts);
      case 51: // busy
      case 52: // unavailable
      case 3: // timeLimitExceeded
        return new DirectoryError('DIRECTORY_UNREACHABLE', detail, opts);
      default:
        return new DirectoryError('DIRECTORY_PROTOCOL', detail, opts);
    }
  }
  const e = (err && typeof err === 'object' ? err : {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message.split('\n')[0] : String(err);
  if (isTlsError(e)) return new DirectoryError('DIRECTORY_TLS', `${what}: ${message}`, { cause: err });
  if ((typeof e.code === 'string' && NETWORK_CODES.has(e.code)) || /timeout|timed out|socket|closed|connection/i.test(message)) {
    return new DirectoryError('DIRECTORY_UNREACHABLE', `${what}: ${message}`, { cause: err });
  }
  return new DirectoryError('DIRECTORY_PROTOCOL', `${what}: ${message}`, { cause: err });
}

/**
 * Active Directory explains a failed bind (49) with a "data NNN" sub-code in its
 * diagnostic message (e.g. "80090308: LdapErr: DSID-0C09044E, comment:
 * AcceptSecurityContext error, data 775, v4563"). Other servers say nothing more.
 */
export function signInReason(err: DirectoryError): SignInReason {
  if (err.directoryCode === 'DIRECTORY_NO_CREDENTIALS') return 'no-credentials';
  const m = /\bdata ([0-9a-f]{3,4})\b/i.exec(err.message);
  switch (m?.[1]?.toLowerCase()) {
    case '775':
      return 'account-locked';
    case '532': // password expired
    case '773': // must change password at next logon
      return 'password-expired';
    case '533': // disabled
    case '701': // account expired
      return 'account-disabled';
    default:
      return 'invalid-credentials';
  }
}
