// Hybrid mode: a printer presents the user's JWT access token, issued by the IdP the
// client signs in with. It is verified locally against the IdP's published keys (JWKS):
// signature, issuer, audience, expiry, not-before, and an issued-at not in the future.
// The keys are found by OpenID Connect discovery (unless the JWKS URI is given) over an
// HTTP client that trusts an extra CA for the IdP alone, and cached by jose.
//
// Who the token is: its `email` claim (owners are e-mail addresses, docs/identity.md)
// unless the provider marks it unverified; else the user signed in on this workstation
// whose ID token had the token's `sub` (a port the identity subsystem answers); else
// nobody: the token is genuine but owns no job here.

import { rootCertificates } from 'node:tls';
import { readFile } from 'node:fs/promises';
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Logger } from '../log/types.js';
import { ReleaseError } from './errors.js';

export interface BearerAuthOptions {
  /** The IdP's issuer URL, exactly as in its tokens' `iss`. */
  readonly issuer: string;
  /** The audience the release API's tokens carry (RFC 8707 resource). */
  readonly audience: string | readonly string[];
  /** The JWKS URI; default: found by discovery at {issuer}/.well-known/openid-configuration. */
  readonly jwksUri?: string | null;
  /** PEM file of an extra CA trusted for the IdP (added to the system roots). */
  readonly caFile?: string | null;
  /** Or the PEM text itself. */
  readonly caPem?: string | null;
  /** Tolerated clock difference with the IdP (default 60 s). */
  readonly clockToleranceSeconds?: number;
  /** Signature algorithms accepted (default asymmetric ones only). */
  readonly algorithms?: readonly string[];
  /** The owner a token's `sub` stands for, when the token carries no e-mail (e.g. from the token vault). */
  readonly subjectToOwner?: (sub: string) => Promise<string | null>;
  /** Timeout of each request to the IdP (default 5 s). */
  readonly requestTimeoutMs?: number;
  readonly now?: () => Date;
}

export interface TokenIdentity {
  readonly subject: string;
  /** Normalised owner name, or null when the token maps to no owner here. */
  readonly owner: string | null;
}

const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** A token longer than this is refused unread. */
const MAX_TOKEN_LENGTH = 16 * 1024;
/** After a failed discovery, requests are answered 503 for this long before trying again. */
const DISCOVERY_RETRY_MS = 10_000;

const INVALID_CODES = new Set([
  'ERR_JWT_EXPIRED', 'ERR_JWT_CLAIM_VALIDATION_FAILED', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWS_INVALID', 'ERR_JWT_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JWK_INVALID',
]);

export function normalizeOwner(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

function errCode(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
}

export class BearerAuthenticator {
  readonly #o: BearerAuthOptions;
  readonly #log: Logger;
  #agent: Agent | null = null;
  #keys: Promise<JWTVerifyGetKey> | null = null;
  #failedAt = 0;

  constructor(o: BearerAuthOptions, log: Logger) {
    this.#o = o;
    this.#log = log;
  }

  /** Starts discovery and the key download in the background, so the first printer does not wait for them. */
  warmUp(): void {
    this.#getKeys().catch((err: unknown) => this.#log.warn('the identity provider\'s keys could not be fetched yet', { error: String(err) }));
  }

  async verify(token: string): Promise<TokenIdentity> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new ReleaseError('INVALID_TOKEN', 'the bearer token is empty or too long');
    const keys = await this.#getKeys();
    const now = this.#o.now?.() ?? new Date();
    const tolerance = this.#o.clockToleranceSeconds ?? 60;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.#o.issuer,
        audience: typeof this.#o.audience === 'string' ? this.#o.audience : [...this.#o.audience],
        algorithms: [...(this.#o.algorithms ?? DEFAULT_ALGORITHMS)],
        clockTolerance: tolerance,
        currentDate: now,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      const code = errCode(err);
      if (INVALID_CODES.has(code)) {
        const why = err instanceof Error ? err.message : code;
        throw new ReleaseError('INVALID_TOKEN', `the access token is not valid: ${why}`);
      }
      this.#log.error('cannot verify access tokens: the identity provider\'s keys are unavailable', { code, error: String(err) });
      throw new ReleaseError('IDP_UNAVAILABLE', 'the identity provider cannot be reached to check the token', { retryAfterSeconds: 10 }, { cause: err });
    }
    // jose checks iat only with maxTokenAge; a token issued in the future is not valid yet either.
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + tolerance) {
      throw new ReleaseError('INVALID_TOKEN', 'the access token is not valid yet (issued in the future)');
    }
    const subject = String(payload.sub);
    return { subject, owner: await this.#ownerOf(payload, subject) };
  }

  async close(): Promise<void> {
    const a = this.#agent;
    this.#agent = null;
    await a?.close();
  }

  async #ownerOf(p: JWTPayload, sub: string): Promise<string | null> {
    if (typeof p.email === 'string' && p.email.includes('@') && p.email_verified !== false) return normalizeOwner(p.email);
    if (this.#o.subjectToOwner) {
      const owner = await this.#o.subjectToOwner(sub);
      if (owner) return normalizeOwner(owner);
    }
    return null;
  }

  #getKeys(): Promise<JWTVerifyGetKey> {
    if (this.#keys) return this.#keys;
    if (Date.now() - this.#failedAt < DISCOVERY_RETRY_MS) {
      return Promise.reject(new ReleaseError('IDP_UNAVAILABLE', 'the identity provider could not be reached moments ago', { retryAfterSeconds: 10 }));
    }
    const p = this.#discover().catch((err: unknown) => {
      this.#keys = null;
      this.#failedAt = Date.now();
      this.#log.error('identity provider discovery failed', { issuer: this.#o.issuer, error: String(err) });
      throw err instanceof ReleaseError ? err : new ReleaseError('IDP_UNAVAILABLE', 'the identity provider cannot be reached to check the token', { retryAfterSeconds: 10 }, { cause: err });
    });
    this.#keys = p;
    return p;
  }

  async #discover(): Promise<JWTVerifyGetKey> {
    const ca = this.#o.caPem ?? (this.#o.caFile ? await readFile(this.#o.caFile, 'utf8') : null);
    const timeout = this.#o.requestTimeoutMs ?? 5000;
    this.#agent ??= new Agent({ connect: { ...(ca ? { ca: [...rootCertificates, ca] } : {}), timeout }, keepAliveTimeout: 10_000 });
    const agent = this.#agent;
    const fetchVia = (url: string, init?: Parameters<typeof undiciFetch>[1]): ReturnType<typeof undiciFetch> =>
      undiciFetch(url, { ...init, dispatcher: agent, signal: init?.signal ?? AbortSignal.timeout(timeout) });
    let jwksUri = this.#o.jwksUri ?? null;
    if (!jwksUri) {
      const url = `${this.#o.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const res = await fetchVia(url, { headers: { accept: 'application/json' } });
      if (res.status !== 200) throw new Error(`discovery answered HTTP ${res.status}`);
      const meta = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (meta.issuer !== this.#o.issuer) throw new Error(`discovery names issuer ${String(meta.issuer)}, not ${this.#o.issuer}`);
      if (typeof meta.jwks_uri !== 'string') throw new Error('discovery names no jwks_uri');
      jwksUri = meta.jwks_uri;
    }
    return createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: timeout,
      [customFetch]: (url, init) => {
        const headers: Record<string, string> = {};
        init.headers.forEach((v, k) => {
          headers[k] = v;
        });
        return fetchVia(url, { method: init.method, headers, redirect: init.redirect, signal: init.signal }) as unknown as Promise<Response>;
      },
    });
  }
}
