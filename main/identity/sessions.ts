// Per-user sign-in state: 'signed-out' → 'signing-in' → 'signed-in', and
// 'sign-in-required' when the stored sign-in can no longer be used (refresh refused,
// nothing stored). accessTokenFor() refreshes ahead of expiry, one refresh per user at
// a time (two parallel refreshes with a rotating refresh token would look like a replay
// and revoke the grant), and stores the rotated refresh token before handing out the new
// access token. 'sign-in-required' is announced once per transition, so a shell never
// loops on prompts; jobs wait in waitForSignIn() until someone signs in.

import type { Logger } from '../log/types.js';
import { nullLogger } from '../log/null-logger.js';
import { systemClock, type Clock } from './clock.js';
import { drop } from '../util/errors.js';
import { IdentityError, isIdentityError, type IdentityErrorCode } from './errors.js';
import type { IdentityProviderPort } from './idp-client.js';
import type { StoredTokens, TokenVault } from './token-vault.js';

export type SessionState = 'signed-out' | 'signing-in' | 'signed-in' | 'sign-in-required';

export interface SessionStateEvent {
  readonly user: string;
  readonly state: SessionState;
  readonly previous: SessionState;
}

export interface SignInRequiredEvent {
  readonly user: string;
  readonly reason: IdentityErrorCode;
  readonly message: string;
}

export interface SignInResult {
  readonly user: string;
  readonly sub: string | null;
  readonly expiresAt: number;
}

export interface SessionInfo {
  readonly user: string;
  readonly state: SessionState;
  readonly sub: string | null;
  /** Access token expiry (epoch ms), null when nothing is stored. */
  readonly expiresAt: number | null;
  readonly canRefresh: boolean;
}

export interface SessionLogoutResult {
  readonly user: string;
  /** Tokens were found (in memory or in the keychain) and deleted. */
  readonly hadTokens: boolean;
  /** The provider confirmed revocation (false offline, or without a revocation endpoint). */
  readonly revoked: boolean;
}

export interface SessionsDeps {
  /** The provider, connected on first use (IdpConnector.get). */
  idp: () => Promise<IdentityProviderPort>;
  vault: TokenVault;
  clock?: Clock;
  logger?: Logger;
  /** Refresh this long before expiry (default 60 s). */
  refreshSkewSeconds?: number;
  /** Revocation at logout gives up after this long, so logout works offline (default 10 s). */
  revokeTimeoutMs?: number;
}

/** Account names are e-mail addresses, compared case-insensitively. */
export function normalizeUser(user: string): string {
  return user.trim().toLowerCase();
}

interface Cached {
  tokens: StoredTokens;
  /** False when the keychain refused the write: retried before the tokens are used again. */
  persisted: boolean;
}

type Listener<E> = (e: E) => void;

export class Sessions {
  readonly #idp: () => Promise<IdentityProviderPort>;
  readonly #vault: TokenVault;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #skewMs: number;
  readonly #revokeTimeoutMs: number;
  readonly #states = new Map<string, SessionState>();
  readonly #cache = new Map<string, Cached>();
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #stateListeners = new Set<Listener<SessionStateEvent>>();
  readonly #requiredListeners = new Set<Listener<SignInRequiredEvent>>();

  constructor(deps: SessionsDeps) {
    this.#idp = deps.idp;
    this.#vault = deps.vault;
    this.#clock = deps.clock ?? systemClock;
    this.#log = deps.logger ?? nullLogger();
    this.#skewMs = (deps.refreshSkewSeconds ?? 60) * 1000;
    this.#revokeTimeoutMs = deps.revokeTimeoutMs ?? 10_000;
  }

  on(event: 'state', listener: Listener<SessionStateEvent>): () => void;
  on(event: 'sign-in-required', listener: Listener<SignInRequiredEvent>): () => void;
  on(event: 'state' | 'sign-in-required', listener: Listener<SessionStateEvent> | Listener<SignInRequiredEvent>): () => void {
    const set = (event === 'state' ? this.#stateListeners : this.#requiredListeners) as Set<typeof listener>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  #emit<E>(set: Set<Listener<E>>, e: E): void {
    for (const l of [...set]) {
      try {
        l(e);
      } catch (err) {
        this.#log.error('identity event listener failed', { err });
      }
    }
  }

  /** Marks every user with tokens in the keychain as signed in (validity is checked on use). */
  async init(): Promise<string[]> {
    const users = (await this.#vault.accounts()).map(normalizeUser);
    for (const u of users) if (this.state(u) === 'signed-out') this.#setState(u, 'signed-in');
    return users;
  }

  state(user: string): SessionState {
    return this.#states.get(normalizeUser(user)) ?? 'signed-out';
  }

  snapshot(): Array<{ user: string; state: SessionState }> {
    return [...this.#states].map(([user, state]) => ({ user, state })).sort((a, b) => a.user.localeCompare(b.user));
  }

  #setState(user: string, state: SessionState): void {
    const previous = this.state(user);
    if (previous === state) return;
    if (state === 'signed-out') this.#states.delete(user);
    else this.#states.set(user, state);
    this.#log.info('sign-in state', { user, state, previous });
    this.#emit(this.#stateListeners, { user, state, previous });
  }

  /** Moves the user to sign-in-required (announced once) and returns the error to throw. */
  #needSignIn(user: string, reason: IdentityErrorCode, message: string): IdentityError {
    const err = new IdentityError(reason, message);
    const previous = this.state(user);
    // A sign-in under way will settle the state itself.
    if (previous === 'signing-in' || previous === 'sign-in-required') return err;
    this.#setState(user, 'sign-in-required');
    this.#log.warn('sign-in required', { user, code: reason });
    this.#emit(this.#requiredListeners, { user, reason, message });
    return err;
  }

  /**
   * Asks for a sign-in for this user, e.g. after the cloud API refused the access token
   * (401). Drops the tokens held in memory; the keychain entry stays until replaced.
   */
  requireSignIn(user: string, reason: IdentityErrorCode = 'SIGN_IN_REQUIRED', message = 'PullPrint needs you to sign in again.'): void {
    const u = normalizeUser(user);
    this.#cache.delete(u);
    this.#needSignIn(u, reason, message);
  }

  /** Serializes token-changing work per user. */
  #lock<T>(user: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(user) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#locks.set(user, tail);
    void tail.then(() => {
      if (this.#locks.get(user) === tail) this.#locks.delete(user);
    });
    return next;
  }

  async #load(user: string): Promise<Cached | null> {
    const c = this.#cache.get(user);
    if (c) return c;
    const tokens = await this.#vault.get(user);
    if (!tokens) return null;
    const loaded = { tokens, persisted: true };
    this.#cache.set(user, loaded);
    return loaded;
  }

  async #store(user: string, tokens: StoredTokens): Promise<void> {
    const entry: Cached = { tokens, persisted: false };
    this.#cache.set(user, entry);
    await this.#vault.set(user, tokens);
    entry.persisted = true;
  }

  /**
   * A valid access token for this user, refreshed when it expires within the skew, or
   * at once with forceRefresh (a server answered 401 to the current one: refresh once).
   */
  accessTokenFor(user: string, opts: { forceRefresh?: boolean } = {}): Promise<string> {
    const u = normalizeUser(user);
    return this.#lock(u, async () => {
      const entry = await this.#load(u);
      if (!entry) throw this.#needSignIn(u, 'SIGN_IN_REQUIRED', `Nobody is signed in to PullPrint as ${u}: sign in to release or submit these jobs.`);
      // Tokens written by another PullPrint process (e.g. `pullprint login`).
      if (this.state(u) === 'signed-out' || this.state(u) === 'sign-in-required') this.#setState(u, 'signed-in');
      if (!entry.persisted) await this.#store(u, entry.tokens);
      const now = this.#clock.now();
      const t = entry.tokens;
      if (!opts.forceRefresh && t.expiresAt - this.#skewMs > now) return t.accessToken;
      if (!t.refreshToken) {
        if (opts.forceRefresh) {
          await this.#forget(u);
          throw this.#needSignIn(u, 'SIGN_IN_REQUIRED', 'The print service refused your sign-in and it cannot be renewed: sign in again.');
        }
        if (t.expiresAt > now) return t.accessToken;
        await this.#forget(u);
        throw this.#needSignIn(u, 'REFRESH_EXPIRED', 'Your PullPrint sign-in has expired: sign in again.');
      }
      let fresh: StoredTokens;
      try {
        fresh = await (await this.#idp()).refresh(t);
      } catch (err) {
        if (isIdentityError(err, 'REFRESH_EXPIRED', 'REFRESH_REVOKED')) {
          await this.#forget(u);
          throw this.#needSignIn(u, err.code, err.message);
        }
        if (t.expiresAt > now && !opts.forceRefresh) {
          // Still valid for a little while: use it and refresh on a later call.
          this.#log.warn('token refresh failed, using the current access token until it expires', { user: u, code: isIdentityError(err) ? err.code : 'UNKNOWN' });
          return t.accessToken;
        }
        throw err;
      }
      // The old refresh token is consumed now: the new one must reach the keychain first.
      await this.#store(u, fresh);
      this.#log.debug('access token refreshed', { user: u, rotated: fresh.refreshToken !== t.refreshToken, expiresInS: Math.round((fresh.expiresAt - now) / 1000) });
      return fresh.accessToken;
    });
  }

  async #forget(user: string): Promise<void> {
    this.#cache.delete(user);
    try {
      await this.#vault.delete(user);
    } catch (err) {
      this.#log.warn('could not delete unusable tokens from the keychain', { user, code: isIdentityError(err) ? err.code : 'UNKNOWN' });
    }
  }

  async passwordSignInAvailable(): Promise<boolean> {
    return (await this.#idp()).supportsPasswordGrant();
  }

  async signInWithPassword(email: string, password: string): Promise<SignInResult> {
    const typed = normalizeUser(email);
    if (!typed) throw new IdentityError('UNKNOWN_USER', 'Enter the e-mail address you sign in with.');
    return this.#signIn(typed, 'password', async (idp) => idp.passwordGrant(email.trim(), password));
  }

  async signInWithSso(opts: { loginHint?: string; signal?: AbortSignal } = {}): Promise<SignInResult> {
    const hint = opts.loginHint ? normalizeUser(opts.loginHint) : null;
    return this.#signIn(hint, 'sso', (idp) => idp.ssoSignIn({ loginHint: hint ?? undefined, signal: opts.signal }));
  }

  async #signIn(typed: string | null, method: 'password' | 'sso', grant: (idp: IdentityProviderPort) => Promise<StoredTokens>): Promise<SignInResult> {
    const before = typed ? this.state(typed) : null;
    if (typed) this.#setState(typed, 'signing-in');
    let user: string | null = null;
    try {
      const idp = await this.#idp();
      const tokens = await grant(idp);
      user = normalizeUser(tokens.idTokenClaims?.email ?? typed ?? tokens.idTokenClaims?.sub ?? '');
      if (!user) throw new IdentityError('IDP_PROTOCOL', 'The identity provider did not say who signed in (no e-mail or subject in the ID token); ask your administrator to release the email scope.');
      if (!tokens.idTokenClaims?.email) this.#log.warn('the ID token carries no e-mail address; the account is named after what was typed or the subject', { user });
      const who = user;
      const old = await this.#lock(who, async () => {
        const previous = this.#cache.get(who)?.tokens ?? await this.#vault.get(who).catch(() => null);
        try {
          await this.#store(who, tokens);
        } catch (err) {
          this.#cache.delete(who);
          // Tokens that cannot be kept must not stay valid at the provider either.
          if (tokens.refreshToken) await this.#revokeQuietly(idp, tokens.refreshToken, who);
          throw err;
        }
        return previous;
      });
      if (typed && typed !== who) this.#setState(typed, before === 'signing-in' || before === null ? 'signed-out' : before);
      this.#setState(who, 'signed-in');
      this.#log.info('signed in', { user: who, method });
      // The replaced sign-in's grant is ended too (in the background: the new one is ready).
      if (old?.refreshToken && old.refreshToken !== tokens.refreshToken) drop(this.#revokeQuietly(idp, old.refreshToken, who));
      return { user: who, sub: tokens.idTokenClaims?.sub ?? null, expiresAt: tokens.expiresAt };
    } catch (err) {
      if (typed && this.state(typed) === 'signing-in') this.#setState(typed, before === 'signing-in' || before === null ? 'signed-out' : before);
      this.#log.info('sign-in failed', { user: user ?? typed ?? undefined, method, code: isIdentityError(err) ? err.code : 'UNKNOWN' });
      throw err;
    }
  }

  async #revokeQuietly(idp: IdentityProviderPort, token: string, user: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        idp.revoke(token, 'refresh_token'),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), this.#revokeTimeoutMs);
        }),
      ]);
    } catch (err) {
      this.#log.warn('token revocation failed (ignored)', { user, code: isIdentityError(err) ? err.code : 'UNKNOWN' });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ends this user's session: revokes at the provider (best effort, bounded in time, so
   * it works offline), deletes the tokens from the keychain, state 'signed-out'.
   * Idempotent. Fails only when the keychain cannot be reached (tokens might remain).
   */
  logout(user: string): Promise<SessionLogoutResult> {
    const u = normalizeUser(user);
    return this.#lock(u, async () => {
      const entry = this.#cache.get(u) ?? null;
      const stored = await this.#vault.get(u);
      const tokens = stored ?? entry?.tokens ?? null;
      let revoked = false;
      if (tokens) {
        const idp = await this.#withTimeout(this.#idp()).catch((err: unknown) => {
          this.#log.warn('identity provider not reachable at logout; tokens deleted without revocation', { user: u, code: isIdentityError(err) ? err.code : 'UNKNOWN' });
          return null;
        });
        if (idp) {
          revoked = tokens.refreshToken
            ? await this.#revokeQuietly(idp, tokens.refreshToken, u)
            : await this.#withTimeout(idp.revoke(tokens.accessToken, 'access_token')).catch(() => false);
        }
      }
      this.#cache.delete(u);
      const deleted = await this.#vault.delete(u);
      this.#setState(u, 'signed-out');
      this.#log.info('signed out', { user: u, revoked, hadTokens: Boolean(tokens) || deleted });
      return { user: u, hadTokens: Boolean(tokens) || deleted, revoked };
    });
  }

  #withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new IdentityError('IDP_UNREACHABLE', 'The identity provider did not answer in time.')), this.#revokeTimeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Resolves when the user is signed in (at once if already). Jobs wait here; rejects only on abort. */
  waitForSignIn(user: string, signal?: AbortSignal): Promise<void> {
    const u = normalizeUser(user);
    if (this.state(u) === 'signed-in') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        off();
        reject(signal?.reason ?? new Error('aborted'));
      };
      const off = this.on('state', (e) => {
        if (e.user === u && e.state === 'signed-in') {
          off();
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Re-reads the keychain for this user (or every user): another PullPrint process, such
   * as `pullprint login` or `logout`, may have changed it.
   */
  async reload(user?: string): Promise<void> {
    const users = user ? [normalizeUser(user)] : [...new Set([...this.#states.keys(), ...(await this.#vault.accounts()).map(normalizeUser)])];
    for (const u of users) {
      await this.#lock(u, async () => {
        this.#cache.delete(u);
        const t = await this.#load(u);
        if (t) this.#setState(u, 'signed-in');
        else if (this.state(u) === 'signed-in') this.#setState(u, 'signed-out');
      });
    }
  }

  /** What `whoami` shows: never a token. */
  async describe(user: string): Promise<SessionInfo> {
    const u = normalizeUser(user);
    const entry = await this.#load(u);
    return {
      user: u,
      state: entry && this.state(u) === 'signed-out' ? 'signed-in' : this.state(u),
      sub: entry?.tokens.idTokenClaims?.sub ?? null,
      expiresAt: entry?.tokens.expiresAt ?? null,
      canRefresh: Boolean(entry?.tokens.refreshToken),
    };
  }

  /** Users with tokens in the keychain. */
  async storedUsers(): Promise<string[]> {
    return (await this.#vault.accounts()).map(normalizeUser).sort();
  }
}
