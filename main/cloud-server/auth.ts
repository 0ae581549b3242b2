// Bearer access tokens: JWTs issued by the identity provider, verified with its JWKS
// (found through OpenID Connect discovery, fetched with the extra CA), checking the
// signature, issuer, audience, expiry and not-before. The owner of a job is the token's
// `sub` (or its `email` claim, when configured so).

import { rootCertificates } from 'node:tls';
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Logger } from '../log/types.js';
import { ApiError, unauthorized } from './api-error.js';

export type OwnerClaim = 'sub' | 'email';

export interface TokenVerifierOptions {
  /** The identity provider's issuer URL, exactly as its tokens carry it. */
  readonly issuer: string;
  /** The audience (resource indicator) tokens must be issued for. */
  readonly audience: string;
  /** Extra CA (PEM) trusted for the provider, besides the system roots. */
  readonly ca?: string | null;
  /** Skips discovery when given. */
  readonly jwksUri?: string | null;
  readonly ownerClaim?: OwnerClaim;
  /** Accepted clock difference with the provider (default 0: the tests move the clock). */
  readonly clockToleranceSeconds?: number;
  /** The server's clock (tests move it to expire tokens). */
  readonly now?: () => Date;
  readonly logger: Logger;
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export class TokenVerifier {
  readonly #opts: TokenVerifierOptions;
  readonly #agent: Agent;
  #jwks: ReturnType<typeof createRemoteJWKSet> | null = null;
  #pending: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;

  constructor(opts: TokenVerifierOptions) {
    this.#opts = opts;
    this.#agent = new Agent({
      connect: { ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}), minVersion: 'TLSv1.2', timeout: 10_000 },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
  }

  /** The owner named by an Authorization header; throws a 401 (or 503 when the provider cannot be reached). */
  async owner(authorization: string | undefined): Promise<string> {
    const m = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization ?? '');
    if (!m) throw unauthorized('MISSING_TOKEN', 'an Authorization: Bearer access token is required');
    const payload = await this.#verify(m[1]);
    const claim = this.#opts.ownerClaim ?? 'sub';
    const owner = payload[claim];
    if (typeof owner !== 'string' || owner.length === 0 || owner.length > 255) {
      throw unauthorized('INVALID_TOKEN', `the access token has no ${claim} claim`);
    }
    return claim === 'email' ? owner.toLowerCase() : owner;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #verify(token: string): Promise<JWTPayload> {
    const jwks = await this.#keys();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: this.#opts.issuer,
        audience: this.#opts.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.#opts.clockToleranceSeconds ?? 0,
        ...(this.#opts.now ? { currentDate: this.#opts.now() } : {}),
      });
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized('TOKEN_EXPIRED', 'the access token has expired');
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        throw unauthorized('INVALID_TOKEN', `the access token's ${err.claim} claim is not accepted (${err.reason})`);
      }
      if (err instanceof joseErrors.JWKSTimeout || isNetworkError(err)) {
        this.#opts.logger.warn('the identity provider keys cannot be fetched', { code: codeOf(err) });
        throw new ApiError(503, 'IDP_UNAVAILABLE', 'the identity provider cannot be reached to check the token', { 'retry-after': '5' });
      }
      if (err instanceof joseErrors.JOSEError) {
        throw unauthorized('INVALID_TOKEN', `the access token is not valid (${err.code})`);
      }
      throw err;
    }
  }

  #keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.#jwks) return Promise.resolve(this.#jwks);
    this.#pending ??= this.#discover().then((jwks) => {
      this.#jwks = jwks;
      return jwks;
    }, (err: unknown) => {
      this.#pending = null;
      this.#opts.logger.warn('identity provider discovery failed', { code: codeOf(err) });
      throw new ApiError(503, 'IDP_UNAVAILABLE', 'the identity provider cannot be reached to check the token', { 'retry-after': '5' });
    });
    return this.#pending;
  }

  async #discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const fetchImpl = (url: string, init: RequestInit): Promise<Response> =>
      undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: this.#agent }) as unknown as Promise<Response>;
    let jwksUri = this.#opts.jwksUri ?? null;
    if (!jwksUri) {
      const url = `${this.#opts.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const res = await fetchImpl(url, { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`discovery answered HTTP ${res.status}`);
      const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (doc.issuer !== this.#opts.issuer) throw new Error('discovery names another issuer');
      if (typeof doc.jwks_uri !== 'string') throw new Error('discovery names no jwks_uri');
      jwksUri = doc.jwks_uri;
    }
    return createRemoteJWKSet(new URL(jwksUri), { [customFetch]: fetchImpl, timeoutDuration: 10_000 });
  }
}

function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') return (err as { code: string }).code;
  return err instanceof Error ? err.name : 'UNKNOWN';
}

function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed/i.test(err.message);
}
