// Turns what openid-client, undici and jose throw into IdentityErrors. The shapes come
// from running them against oidc-provider here: network and TLS failures arrive as
// TypeError('fetch failed') with a coded cause; OAuth error responses as
// ResponseBodyError (error, error_description, status); other protocol problems as
// ClientError with an OAUTH_* code.

import { ResponseBodyError, AuthorizationResponseError } from 'openid-client';
import { redactText } from '../log/redact.js';
import { IdentityError, type SafeCause } from './errors.js';

export type IdpOperation = 'discovery' | 'password' | 'refresh' | 'code' | 'revoke' | 'keys';

/** Connection never established: safe to retry any request. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
  'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'INVALID_CA', 'HOSTNAME_MISMATCH',
]);

/** The configuration element an administrator sets for a private CA (named in TLS messages). */
export const CA_OPTION_NAME = 'IDPServerSettings/CAFile';

function short(text: unknown, max = 200): string | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  const r = redactText(text);
  return r.length > max ? `${r.slice(0, max)}…` : r;
}

function codeOf(e: unknown): string | undefined {
  if (e && typeof e === 'object' && 'code' in e) {
    const c = (e as { code: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}

/** The first coded error along the cause chain (undici wraps the system error). */
function causeChain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i += 1) {
    out.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

export function safeCause(err: unknown): SafeCause {
  if (!err || typeof err !== 'object') return { message: short(String(err)) };
  const e = err as { name?: unknown; error?: unknown; status?: unknown; message?: unknown };
  const chain = causeChain(err);
  const coded = chain.map(codeOf).find((c) => c !== undefined);
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    code: coded,
    error: typeof e.error === 'string' ? e.error : undefined,
    status: typeof e.status === 'number' ? e.status : undefined,
    message: short(e.message),
  };
}

const UNKNOWN_USER_RE = /\b(unknown|no such|not found|does not exist|doesn't exist)\b[^.]*\b(user|account|username|login)\b|\b(user|account|username|login)\b[^.]*\b(unknown|not found|does not exist|doesn't exist)\b/i;
const REVOKED_RE = /revok|already used|reuse|replay|not found|inactive|not active|stale|logged out|session/i;
const EXPIRED_RE = /expir/i;

function oauthError(err: ResponseBodyError | AuthorizationResponseError, op: IdpOperation, where: string): IdentityError {
  const cause = safeCause(err);
  const desc = typeof err.error_description === 'string' ? err.error_description : '';
  const status = err instanceof ResponseBodyError ? err.status : 0;
  if (status >= 500 || err.error === 'server_error' || err.error === 'temporarily_unavailable') {
    return new IdentityError('IDP_UNREACHABLE', `The identity provider at ${where} is having problems (${err.error}${status ? `, HTTP ${status}` : ''}); try again later.`, { cause, transient: true });
  }
  if (err.error === 'invalid_grant') {
    if (op === 'password') {
      // Providers commonly answer invalid_grant for both, on purpose (account enumeration).
      if (UNKNOWN_USER_RE.test(desc)) return new IdentityError('UNKNOWN_USER', 'No account with this e-mail address is known to the identity provider.', { cause });
      return new IdentityError('WRONG_PASSWORD', 'The e-mail address or the password is not correct.', { cause });
    }
    if (op === 'refresh') {
      if (EXPIRED_RE.test(desc)) return new IdentityError('REFRESH_EXPIRED', 'Your PullPrint sign-in has expired: sign in again.', { cause });
      if (REVOKED_RE.test(desc)) return new IdentityError('REFRESH_REVOKED', 'Your PullPrint sign-in was ended at the identity provider (revoked): sign in again.', { cause });
      return new IdentityError('REFRESH_EXPIRED', 'Your PullPrint sign-in is no longer valid (expired or ended at the identity provider): sign in again.', { cause });
    }
    return new IdentityError('IDP_PROTOCOL', `The identity provider refused the sign-in code (${short(desc) ?? 'invalid_grant'}); start the sign-in again.`, { cause });
  }
  if (err.error === 'access_denied' || err.error === 'consent_required' || err.error === 'login_required' || err.error === 'interaction_required') {
    return new IdentityError('SSO_CANCELLED', 'The sign-in in the browser was cancelled or refused.', { cause });
  }
  if (['invalid_client', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target', 'unsupported_response_type', 'invalid_request'].includes(err.error)) {
    return new IdentityError('IDP_CONFIGURATION',
      `The identity provider rejected PullPrint's request (${err.error}${desc ? `: ${short(desc)}` : ''}). ` +
        'Ask your administrator to check the client registration (public client, grants, scopes, redirect URI, resource).', { cause });
  }
  return new IdentityError('IDP_PROTOCOL', `The identity provider answered with an error (${err.error}${desc ? `: ${short(desc)}` : ''}).`, { cause });
}

/** Maps any failure of an IdP request to an IdentityError. */
export function classifyIdpError(err: unknown, op: IdpOperation, issuer: string): IdentityError {
  if (err instanceof IdentityError) return err;
  const where = issuer;
  if (err instanceof ResponseBodyError || err instanceof AuthorizationResponseError) return oauthError(err, op, where);
  const cause = safeCause(err);
  const codes = causeChain(err).map(codeOf).filter((c): c is string => c !== undefined);
  const tls = codes.find((c) => TLS_CODES.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_'));
  if (tls) {
    return new IdentityError('TLS_FAILURE',
      `The identity provider's certificate at ${where} is not trusted (${tls}). If your organisation uses its own certificate ` +
        `authority, give its certificate (PEM) in the identity provider CA file setting (${CA_OPTION_NAME}); check also that the ` +
        'server name matches the certificate.', { cause });
  }
  const notSent = codes.find((c) => NOT_SENT.has(c));
  if (notSent) {
    return new IdentityError('IDP_UNREACHABLE', `The identity provider at ${where} cannot be reached (${notSent}). Check the network and the identity provider address.`, { cause, notSent: true });
  }
  const name = err && typeof err === 'object' ? (err as { name?: unknown }).name : undefined;
  if (codes.includes('OAUTH_TIMEOUT') || name === 'TimeoutError' || codes.includes('UND_ERR_HEADERS_TIMEOUT') || codes.includes('UND_ERR_BODY_TIMEOUT')) {
    return new IdentityError('IDP_UNREACHABLE', `The identity provider at ${where} did not answer in time.`, { cause, transient: true });
  }
  if (err instanceof TypeError && err.message === 'fetch failed') {
    return new IdentityError('IDP_UNREACHABLE', `The connection to the identity provider at ${where} failed (${codes[0] ?? 'network error'}).`, { cause, transient: true });
  }
  if (codes.includes('OAUTH_RESPONSE_IS_NOT_CONFORM')) {
    const status = (err as { cause?: { status?: unknown } }).cause?.status;
    if (typeof status === 'number' && status >= 500) {
      return new IdentityError('IDP_UNREACHABLE', `The identity provider at ${where} answered HTTP ${status}; try again later.`, { cause: { ...cause, status }, transient: true });
    }
    if (op === 'discovery') {
      return new IdentityError('IDP_CONFIGURATION', `No OpenID Connect configuration at ${where}/.well-known/openid-configuration${typeof status === 'number' ? ` (HTTP ${status})` : ''}: check the identity provider address and port.`, { cause: { ...cause, status: typeof status === 'number' ? status : undefined } });
    }
  }
  if (codes.includes('OAUTH_JWT_TIMESTAMP_CHECK_FAILED')) {
    return new IdentityError('CLOCK_SKEW', 'A token from the identity provider is not valid at this computer\'s current time: check the date, time and time zone of this computer.', { cause });
  }
  if (codes.includes('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') && op === 'discovery') {
    return new IdentityError('IDP_CONFIGURATION', `The identity provider at ${where} announces a different issuer name; the configured address must be exactly its issuer URL.`, { cause });
  }
  if (codes.includes('OAUTH_HTTP_REQUEST_FORBIDDEN')) {
    return new IdentityError('IDP_CONFIGURATION', `The identity provider at ${where} sends PullPrint to a plain-HTTP address; only HTTPS is accepted for an HTTPS issuer.`, { cause });
  }
  return new IdentityError('IDP_PROTOCOL', `Unexpected answer from the identity provider at ${where}${cause.message ? ` (${cause.message})` : ''}.`, { cause });
}
