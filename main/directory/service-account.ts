// The release service's check of the service account printers present (Serverless AD):
// only ServiceAccountUserName (case-insensitive) is ever checked, by binding to the
// directory as it. Successes are remembered briefly so a printer listing, pulling and
// deleting jobs costs one bind, not one per request; the cache key is an HMAC of name and
// password under a random per-process key, so neither is kept. A wrong password is also
// remembered briefly, as a failure, so a printer configured with a stale password cannot
// push the service account into Active Directory's lockout by retrying.

import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from '../log/types.js';
import { REAL_CLOCK } from '../util/clock.js';
import { openSession } from './connection.js';
import { classifyLdapError } from './errors.js';
import type { Clock, DirectorySettings, ServiceAccountVerifier } from './types.js';

export type VerifyResult =
  | 'ok'
  | 'cached'
  | 'not-configured'
  | 'other-account'
  | 'empty-password'
  | 'invalid-credentials'
  /** The same wrong password failed moments ago; the directory was not asked again. */
  | 'recently-failed'
  | 'unreachable'
  | 'error';

export interface ServiceAccountVerifierOptions {
  readonly settings: DirectorySettings;
  /** ServiceAccountUserName; null when not configured (every check fails). */
  readonly serviceAccountUserName: string | null;
  readonly log: Logger;
  readonly clock?: Clock;
  /** How long a success is trusted (default 60 s). */
  readonly successTtlMs?: number;
  /** How long a wrong password is answered without asking the directory (default 60 s). */
  readonly failureTtlMs?: number;
  /** Entries kept at most in each cache (default 64). */
  readonly maxEntries?: number;
}

function sameName(a: string, b: string): boolean {
  return a.normalize('NFC').toLowerCase() === b.normalize('NFC').toLowerCase();
}

export class LdapServiceAccountVerifier implements ServiceAccountVerifier {
  readonly #o: ServiceAccountVerifierOptions;
  readonly #clock: Clock;
  readonly #key = randomBytes(32);
  readonly #ok = new Map<string, number>();
  readonly #bad = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<VerifyResult>>();
  #warnedNotConfigured = false;

  constructor(opts: ServiceAccountVerifierOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? REAL_CLOCK;
  }

  async verify(username: string, password: string, peer: string): Promise<boolean> {
    const r = await this.check(username, password, peer);
    return r === 'ok' || r === 'cached';
  }

  /** As verify(), saying why: the release service can answer 503 rather than 401 when the directory is down. */
  async check(username: string, password: string, peer: string): Promise<VerifyResult> {
    const expected = this.#o.serviceAccountUserName;
    if (!expected) {
      if (!this.#warnedNotConfigured) this.#o.log.error('a printer presented credentials but ServiceAccountUserName is not configured', { peer });
      this.#warnedNotConfigured = true;
      return 'not-configured';
    }
    if (!sameName(username, expected)) {
      this.#o.log.warn('a printer presented an account other than the service account', { peer, username });
      return 'other-account';
    }
    if (password.length === 0) return 'empty-password';
    const key = createHmac('sha256', this.#key).update(username.normalize('NFC').toLowerCase()).update('\0').update(password).digest('base64');
    const now = this.#clock.now().getTime();
    if (this.#live(this.#ok, key, now)) return 'cached';
    if (this.#live(this.#bad, key, now)) return 'recently-failed';
    const running = this.#inFlight.get(key);
    if (running) return running;
    const p = this.#bind(username, password, peer, key).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  /** Forgets every cached result (e.g. after a configuration change). */
  clear(): void {
    this.#ok.clear();
    this.#bad.clear();
  }

  #live(cache: Map<string, number>, key: string, now: number): boolean {
    const until = cache.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    cache.delete(key);
    return false;
  }

  #remember(cache: Map<string, number>, key: string, ttlMs: number): void {
    const max = this.#o.maxEntries ?? 64;
    cache.delete(key);
    while (cache.size >= max) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    cache.set(key, this.#clock.now().getTime() + ttlMs);
  }

  async #bind(username: string, password: string, peer: string, key: string): Promise<VerifyResult> {
    try {
      const s = await openSession(this.#o.settings, username, password, this.#o.log);
      await s.close();
      this.#bad.delete(key);
      this.#remember(this.#ok, key, this.#o.successTtlMs ?? 60_000);
      this.#o.log.info('service account verified with the directory', { peer, username });
      return 'ok';
    } catch (e) {
      const err = classifyLdapError(e, 'service account bind');
      // A failure is never remembered as a success; a success for another password stays valid.
      if (err.directoryCode === 'DIRECTORY_INVALID_CREDENTIALS') {
        this.#remember(this.#bad, key, this.#o.failureTtlMs ?? 60_000);
        this.#o.log.warn('a printer presented a wrong password for the service account', { peer, username });
        return 'invalid-credentials';
      }
      if (err.directoryCode === 'DIRECTORY_UNREACHABLE' || err.directoryCode === 'DIRECTORY_TLS') {
        this.#o.log.error('cannot verify the service account: directory unreachable', { peer, code: err.code, message: err.message });
        return 'unreachable';
      }
      this.#o.log.error('cannot verify the service account', { peer, code: err.code, message: err.message });
      return 'error';
    }
  }
}
