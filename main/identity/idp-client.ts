// The identity provider as PullPrint uses it: OpenID Connect discovery, the password
// grant, the browser sign-in (PKCE), refresh with rotation, revocation. All protocol
// work is openid-client's; this file chooses parameters and turns failures into
// IdentityErrors. Nothing here logs or keeps a token beyond returning it.

import { createRemoteJWKSet, customFetch as joseCustomFetch, type JWTVerifyGetKey } from 'jose';
import {
  allowInsecureRequests,
  customFetch,
  discovery,
  genericGrantRequest,
  None,
  refreshTokenGrant,
  tokenRevocation,
  type Configuration,
  type CustomFetch,
} from 'openid-client';
import type { Logger } from '../log/types.js';
import { nullLogger } from '../log/null-logger.js';
import { systemClock, type Clock } from './clock.js';
import { classifyIdpError, type IdpOperation } from './classify.js';
import { IdentityError } from './errors.js';
import { createIdpHttp, type IdpHttp } from './http.js';
import { pkceSignIn, type OpenUrl } from './pkce-flow.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { resolveIdentitySettings, type IdentitySettings, type ResolvedIdentitySettings } from './settings.js';
import { toStoredTokens } from './token-response.js';
import type { StoredTokens } from './token-vault.js';

/** What Sessions needs from the provider (IdpClient implements it; tests may fake it). */
export interface IdentityProviderPort {
  /** Discovery advertises the password grant for PullPrint's client. */
  supportsPasswordGrant(): boolean;
  passwordGrant(email: string, password: string): Promise<StoredTokens>;
  ssoSignIn(opts?: { loginHint?: string; signal?: AbortSignal }): Promise<StoredTokens>;
  /** Refreshes; the result carries the rotated refresh token (or the old one if not rotated). */
  refresh(current: StoredTokens): Promise<StoredTokens>;
  /** Best effort; false when the provider has no revocation endpoint. */
  revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean>;
}

export interface IdpClientDeps {
  clock?: Clock;
  logger?: Logger;
  /** Opens the system browser (required for the browser sign-in). */
  openUrl?: OpenUrl;
  retry?: RetryPolicy;
}

export class IdpClient implements IdentityProviderPort {
  readonly #config: Configuration;
  readonly #settings: ResolvedIdentitySettings;
  readonly #http: IdpHttp;
  readonly #keys: JWTVerifyGetKey | null;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #openUrl: OpenUrl | undefined;
  readonly #retry: RetryPolicy;

  private constructor(config: Configuration, settings: ResolvedIdentitySettings, http: IdpHttp, keys: JWTVerifyGetKey | null, deps: IdpClientDeps) {
    this.#config = config;
    this.#settings = settings;
    this.#http = http;
    this.#keys = keys;
    this.#clock = deps.clock ?? systemClock;
    this.#log = deps.logger ?? nullLogger();
    this.#openUrl = deps.openUrl;
    this.#retry = deps.retry ?? DEFAULT_RETRY;
  }

  /** Discovers the provider (retrying network failures) and returns a ready client. */
  static async connect(input: IdentitySettings, deps: IdpClientDeps = {}): Promise<IdpClient> {
    const settings = resolveIdentitySettings(input);
    const log = deps.logger ?? nullLogger();
    const http = await createIdpHttp(settings.caFile);
    try {
      const config = await withRetry(async () => {
        try {
          return await discovery(new URL(settings.issuerUrl), settings.clientId, { token_endpoint_auth_method: 'none' }, None(), {
            [customFetch]: http.fetch as CustomFetch,
            execute: settings.insecure ? [allowInsecureRequests] : [],
            timeout: settings.requestTimeoutSeconds,
          });
        } catch (err) {
          throw classifyIdpError(err, 'discovery', settings.issuerUrl);
        }
      }, { idempotent: true, policy: deps.retry, onRetry: (e, n, d) => log.warn('identity provider discovery failed, retrying', { code: e.code, attempt: n, delayMs: d }) });
      const jwksUri = config.serverMetadata().jwks_uri;
      const keys = settings.resource && jwksUri
        ? createRemoteJWKSet(new URL(jwksUri), { [joseCustomFetch]: http.fetch, timeoutDuration: settings.requestTimeoutSeconds * 1000 })
        : null;
      log.info('identity provider discovered', {
        issuer: settings.issuerUrl,
        passwordGrant: (config.serverMetadata().grant_types_supported ?? []).includes('password'),
        revocation: Boolean(config.serverMetadata().revocation_endpoint),
      });
      return new IdpClient(config, settings, http, keys, deps);
    } catch (err) {
      await http.close();
      throw err;
    }
  }

  get settings(): ResolvedIdentitySettings {
    return this.#settings;
  }

  supportsPasswordGrant(): boolean {
    return (this.#config.serverMetadata().grant_types_supported ?? []).includes('password');
  }

  #checks() {
    return {
      clock: this.#clock,
      toleranceSeconds: this.#settings.clockToleranceSeconds,
      issuer: this.#config.serverMetadata().issuer,
      resource: this.#settings.resource,
      keys: this.#keys,
    };
  }

  async #request<T>(op: IdpOperation, idempotent: boolean, fn: () => Promise<T>): Promise<T> {
    return withRetry(async () => {
      try {
        return await fn();
      } catch (err) {
        throw classifyIdpError(err, op, this.#settings.issuerUrl);
      }
    }, { idempotent, policy: this.#retry, onRetry: (e, n, d) => this.#log.warn('identity provider request failed, retrying', { op, code: e.code, attempt: n, delayMs: d }) });
  }

  async passwordGrant(email: string, password: string): Promise<StoredTokens> {
    if (!this.supportsPasswordGrant()) {
      throw new IdentityError('PASSWORD_NOT_SUPPORTED', 'This identity provider signs people in through the browser only: use the single sign-on (SSO) option.');
    }
    const params: Record<string, string> = { username: email, password, scope: this.#settings.scopes.join(' ') };
    if (this.#settings.resource) params.resource = this.#settings.resource;
    // Idempotent enough: a repeated password grant only creates another grant.
    const res = await this.#request('password', true, () => genericGrantRequest(this.#config, 'password', params));
    return toStoredTokens(res, null, this.#checks());
  }

  async ssoSignIn(opts: { loginHint?: string; signal?: AbortSignal } = {}): Promise<StoredTokens> {
    if (!this.#openUrl) throw new IdentityError('SSO_CANCELLED', 'Browser sign-in is not available here (no way to open a browser).');
    const res = await pkceSignIn(this.#config, {
      scopes: this.#settings.scopes,
      resource: this.#settings.resource,
      timeoutMs: this.#settings.ssoTimeoutSeconds * 1000,
      openUrl: this.#openUrl,
      issuer: this.#settings.issuerUrl,
      loginHint: opts.loginHint,
      signal: opts.signal,
    });
    return toStoredTokens(res, null, this.#checks());
  }

  async refresh(current: StoredTokens): Promise<StoredTokens> {
    if (!current.refreshToken) throw new IdentityError('REFRESH_EXPIRED', 'Your PullPrint sign-in has expired: sign in again.');
    const rt = current.refreshToken;
    const res = await this.#request('refresh', false, () => refreshTokenGrant(this.#config, rt));
    return toStoredTokens(res, current, this.#checks(), (err) => this.#log.warn('a refreshed token fails a check; kept, since the old refresh token is consumed', { code: err.code }));
  }

  async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
    if (!this.#config.serverMetadata().revocation_endpoint) return false;
    await this.#request('revoke', true, () => tokenRevocation(this.#config, token, { token_type_hint: hint }));
    return true;
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}

/**
 * Discovery on first use, kept once it succeeded: the provider may be unreachable when
 * the engine starts, and sign-in must still work once it comes back.
 */
export class IdpConnector {
  readonly #settings: IdentitySettings;
  readonly #deps: IdpClientDeps;
  #pending: Promise<IdpClient> | null = null;
  #closed = false;

  constructor(settings: IdentitySettings, deps: IdpClientDeps = {}) {
    // Fail fast on programming errors in the settings.
    resolveIdentitySettings(settings);
    this.#settings = settings;
    this.#deps = deps;
  }

  get(): Promise<IdpClient> {
    if (this.#closed) return Promise.reject(new IdentityError('IDP_UNREACHABLE', 'The identity subsystem is shutting down.'));
    if (!this.#pending) {
      const p = IdpClient.connect(this.#settings, this.#deps);
      this.#pending = p;
      p.catch(() => {
        if (this.#pending === p) this.#pending = null;
      });
    }
    return this.#pending;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const p = this.#pending;
    this.#pending = null;
    if (p) await p.then((c) => c.close(), () => undefined);
  }
}
