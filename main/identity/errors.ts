// Typed identity errors: a stable code for the engine, CLI and tray, and a message a
// person can act on. Messages and causes never carry tokens, passwords or codes: the
// cause kept on an IdentityError is a small sanitized summary (see safeCause), never the
// library's own error, whose properties can hold whole token responses.

import { PullPrintError } from '../util/errors.js';

export type IdentityErrorCode =
  /** invalid_grant at the password grant; the default when the provider does not say why. */
  | 'WRONG_PASSWORD'
  /** invalid_grant whose description says the account is unknown (only some providers say so). */
  | 'UNKNOWN_USER'
  /** Network failure, timeout, or the provider answered 5xx. */
  | 'IDP_UNREACHABLE'
  /** The provider's certificate is not trusted or does not match its name. */
  | 'TLS_FAILURE'
  /** The refresh token is no longer valid (expired, or the provider did not say why). */
  | 'REFRESH_EXPIRED'
  /** The refresh token or its grant was revoked (logout elsewhere, replay detection, administrator). */
  | 'REFRESH_REVOKED'
  /** A freshly issued token is not yet valid or already expired by this machine's clock. */
  | 'CLOCK_SKEW'
  /** The OS keychain cannot be reached; tokens are never written anywhere else. */
  | 'KEYCHAIN_UNAVAILABLE'
  /** Nobody completed the browser sign-in in time. */
  | 'SSO_TIMEOUT'
  /** The person cancelled the browser sign-in (access_denied) or it was aborted. */
  | 'SSO_CANCELLED'
  /** The person closed the sign-in prompt. */
  | 'SIGN_IN_CANCELLED'
  /** No usable credentials for this user: a sign-in is needed. */
  | 'SIGN_IN_REQUIRED'
  /** The provider does not offer the password grant to this client; use the browser sign-in. */
  | 'PASSWORD_NOT_SUPPORTED'
  /** The provider rejected PullPrint's registration or request (client, scope, audience, issuer). */
  | 'IDP_CONFIGURATION'
  /** The provider answered something that is not valid OAuth / OpenID Connect. */
  | 'IDP_PROTOCOL'
  /** The configured CA file cannot be read or holds no certificate. */
  | 'CA_FILE_UNREADABLE';

/** What a log line or a sanitized cause may say about an underlying failure. */
export interface SafeCause {
  readonly name?: string;
  readonly code?: string;
  /** OAuth `error` value, e.g. invalid_grant. */
  readonly error?: string;
  readonly status?: number;
  readonly message?: string;
}

export class IdentityError extends PullPrintError {
  declare readonly code: IdentityErrorCode;
  /**
   * A network failure before the request reached the provider (connection refused, DNS,
   * connect timeout): any request may be retried. `transient` failures after sending
   * (timeout, reset, 5xx) may be retried only for idempotent requests (never a refresh
   * with rotation: the provider may already have consumed the old refresh token).
   */
  readonly notSent: boolean;
  readonly transient: boolean;

  constructor(code: IdentityErrorCode, message: string, opts: { cause?: SafeCause; notSent?: boolean; transient?: boolean } = {}) {
    super(code, message, opts.cause ? { cause: opts.cause } : undefined);
    this.name = 'IdentityError';
    this.notSent = opts.notSent ?? false;
    this.transient = opts.transient ?? this.notSent;
  }
}

export function isIdentityError(err: unknown, ...codes: IdentityErrorCode[]): err is IdentityError {
  return err instanceof IdentityError && (codes.length === 0 || codes.includes(err.code));
}

/** Error codes after which the person must sign in again. */
export const SIGN_IN_AGAIN_CODES: readonly IdentityErrorCode[] = ['REFRESH_EXPIRED', 'REFRESH_REVOKED', 'SIGN_IN_REQUIRED'];

export function keychainUnavailable(detail: string, cause?: SafeCause): IdentityError {
  return new IdentityError(
    'KEYCHAIN_UNAVAILABLE',
    `The system keychain is not available (${detail}). PullPrint keeps sign-in tokens only in the keychain: ` +
      'on Linux a Secret Service (GNOME Keyring or KWallet) must run in your desktop session; on macOS the login keychain ' +
      'and on Windows the Credential Manager must be reachable.',
    cause ? { cause } : {},
  );
}
