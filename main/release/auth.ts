// Who is asking, on every route but health:
// - Hybrid: `Authorization: Bearer <JWT access token>` of the user (bearer-auth.ts); the
//   token's owner must own the job.
// - Serverless AD: `Authorization: Basic` with ServiceAccountUserName and its password,
//   checked by a ServiceAccountVerifier (the directory's LDAP bind); the printer names
//   the user in `X-PullPrint-User` (UTF-8) or the `user` query parameter, and is trusted
//   to have authenticated them.
// Missing credentials: 401 with a WWW-Authenticate challenge per enabled scheme. Wrong
// credentials: 401, counted per peer (rate-limit.ts). Directory or IdP down: 503, not
// counted. A scheme that is not enabled is treated as missing credentials.

import type { IncomingMessage } from 'node:http';
import type { ModeKind } from '../config/types.js';
import type { ServiceAccountVerifier } from '../directory/types.js';
import type { Logger } from '../log/types.js';
import { sameUser } from '../identity/user-match.js';
import { ReleaseError } from './errors.js';
import { normalizeOwner, type BearerAuthenticator } from './bearer-auth.js';

/** The directory's verifier; `check` (when present) tells "unreachable" from "wrong password". */
export interface ReleaseServiceAccountVerifier extends ServiceAccountVerifier {
  check?(username: string, password: string, peer: string): Promise<string>;
}

export type Credentials =
  | { readonly scheme: 'bearer'; readonly token: string }
  | { readonly scheme: 'basic'; readonly user: string; readonly password: string }
  | { readonly scheme: 'other'; readonly name: string };

/** Parses an Authorization header; null when absent or empty. */
export function parseAuthorization(header: string | undefined): Credentials | null {
  if (header === undefined) return null;
  const h = header.trim();
  if (h === '') return null;
  const sp = h.indexOf(' ');
  const scheme = (sp < 0 ? h : h.slice(0, sp)).toLowerCase();
  const rest = sp < 0 ? '' : h.slice(sp + 1).trim();
  if (scheme === 'bearer') return { scheme: 'bearer', token: rest };
  if (scheme === 'basic') {
    if (!/^[A-Za-z0-9+/]+=*$/.test(rest)) return { scheme: 'basic', user: '', password: '' };
    // RFC 7617 charset="UTF-8", as our challenge says.
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { scheme: 'basic', user: '', password: '' };
    return { scheme: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { scheme: 'other', name: scheme.slice(0, 20) };
}

export interface Principal {
  readonly kind: 'user-token' | 'service-account';
  /** The modes whose jobs this kind of credential reaches: Hybrid for tokens, Serverless AD for the service account. */
  readonly modes: readonly ModeKind[];
  /** The user whose jobs are in question (normalised), or null: owns nothing. */
  readonly user: string | null;
  /** Whether this principal may see and release a job of `owner`. */
  owns(owner: string): boolean;
}

export interface AuthenticatorOptions {
  readonly bearer: BearerAuthenticator | null;
  readonly serviceAccount: ReleaseServiceAccountVerifier | null;
  readonly realm?: string;
  readonly logger: Logger;
}

const USER_HEADER = 'x-pullprint-user';
const MAX_USER_LENGTH = 256;

/** The user a service-account request names: header first, then `?user=`. */
export function namedUser(req: IncomingMessage, query: URLSearchParams): string | null {
  const raw = req.headers[USER_HEADER];
  let v: string | null = null;
  if (typeof raw === 'string') v = Buffer.from(raw, 'latin1').toString('utf8');
  else if (query.has('user')) v = query.get('user');
  if (v === null) return null;
  const t = v.trim();
  // eslint-disable-next-line no-control-regex
  if (t === '' || t.length > MAX_USER_LENGTH || /[\x00-\x1f\x7f\uFFFD]/.test(t)) {
    throw new ReleaseError('USER_REQUIRED', `the user named in ${USER_HEADER} (or ?user=) is empty, too long or not valid UTF-8 text`);
  }
  return t;
}

export class Authenticator {
  readonly #o: AuthenticatorOptions;

  constructor(o: AuthenticatorOptions) {
    this.#o = o;
  }

  get enabled(): boolean {
    return this.#o.bearer !== null || this.#o.serviceAccount !== null;
  }

  /** The WWW-Authenticate challenges, one per enabled scheme. */
  challenges(error?: 'invalid_token'): string[] {
    const realm = this.#o.realm ?? 'PullPrint release';
    const out: string[] = [];
    if (this.#o.bearer) out.push(`Bearer realm="${realm}"${error ? `, error="${error}"` : ''}`);
    if (this.#o.serviceAccount) out.push(`Basic realm="${realm}", charset="UTF-8"`);
    return out;
  }

  /**
   * Verifies `creds` (null = none presented). Throws ReleaseError AUTH_REQUIRED (none or an
   * unsupported scheme), INVALID_TOKEN / INVALID_CREDENTIALS (counted as failures by the
   * caller), USER_REQUIRED, DIRECTORY_UNAVAILABLE / IDP_UNAVAILABLE.
   */
  async authenticate(creds: Credentials | null, req: IncomingMessage, query: URLSearchParams, peer: string): Promise<Principal> {
    if (!this.enabled) throw new ReleaseError('AUTH_NOT_CONFIGURED', 'no authentication is configured for printers on this workstation (Hybrid or Serverless AD mode is needed)');
    if (creds?.scheme === 'bearer' && this.#o.bearer) {
      const id = await this.#o.bearer.verify(creds.token);
      const user = id.owner;
      return { kind: 'user-token', modes: ['hybrid'], user, owns: (owner) => user !== null && normalizeOwner(owner) === user };
    }
    if (creds?.scheme === 'basic' && this.#o.serviceAccount) {
      const ok = await this.#checkServiceAccount(creds.user, creds.password, peer);
      if (!ok) throw new ReleaseError('INVALID_CREDENTIALS', 'the service account name or password is wrong');
      const named = namedUser(req, query);
      if (named === null) throw new ReleaseError('USER_REQUIRED', `name the user in the ${USER_HEADER} header or the user query parameter`);
      const user = normalizeOwner(named);
      // The printer authenticated the user; 'CORP\jdoe' and 'jdoe@corp' name owner 'jdoe'.
      return { kind: 'service-account', modes: ['serverless-ad'], user, owns: (owner) => sameUser(owner, named) };
    }
    throw new ReleaseError('AUTH_REQUIRED', creds ? `the ${creds.scheme === 'other' ? creds.name : creds.scheme} scheme is not accepted here` : 'credentials are required');
  }

  async #checkServiceAccount(user: string, password: string, peer: string): Promise<boolean> {
    const v = this.#o.serviceAccount;
    if (!v) return false;
    if (user === '' || password === '') return false;
    if (v.check) {
      const r = await v.check(user, password, peer);
      if (r === 'unreachable' || r === 'error') {
        throw new ReleaseError('DIRECTORY_UNAVAILABLE', 'the directory cannot be reached to check the service account', { retryAfterSeconds: 30 });
      }
      return r === 'ok' || r === 'cached';
    }
    return v.verify(user, password, peer);
  }
}
