// Failed authentications per peer address, as token buckets: each peer may fail
// `capacity` times in a burst, regaining one attempt every `refillMs`. An empty bucket
// answers 429 with Retry-After before any credential is checked, so a printer with a
// stale password cannot lock the service account out of the directory and nobody can
// guess passwords at speed. Successes cost nothing. Memory is bounded: at most
// `maxPeers` buckets, full ones (which carry no information) dropped first.

export interface RateLimitOptions {
  /** Failures allowed in a burst (default 10). */
  readonly capacity?: number;
  /** One more failure allowed every refillMs (default 6 s, so 10 a minute sustained). */
  readonly refillMs?: number;
  /** Peers tracked at most (default 4096). */
  readonly maxPeers?: number;
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class FailureLimiter {
  readonly #capacity: number;
  readonly #refillMs: number;
  readonly #maxPeers: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(o: RateLimitOptions = {}) {
    this.#capacity = Math.max(1, Math.floor(o.capacity ?? 10));
    this.#refillMs = Math.max(1, o.refillMs ?? 6000);
    this.#maxPeers = Math.max(1, o.maxPeers ?? 4096);
    this.#now = o.now ?? Date.now;
  }

  /** 0 when `peer` may try now, else the seconds until it may (for Retry-After). */
  retryAfterSeconds(peer: string): number {
    const b = this.#refill(peer);
    if (!b || b.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - b.tokens) * this.#refillMs) / 1000));
  }

  /** Records one failed authentication of `peer`. */
  fail(peer: string): void {
    let b = this.#refill(peer);
    if (!b) {
      this.#makeRoom();
      b = { tokens: this.#capacity, at: this.#now() };
      this.#buckets.set(peer, b);
    }
    b.tokens = Math.max(0, b.tokens - 1);
  }

  /** Buckets held now (for tests: never more than maxPeers). */
  get size(): number {
    return this.#buckets.size;
  }

  #refill(peer: string): Bucket | undefined {
    const b = this.#buckets.get(peer);
    if (!b) return undefined;
    const now = this.#now();
    b.tokens = Math.min(this.#capacity, b.tokens + Math.max(0, now - b.at) / this.#refillMs);
    b.at = now;
    if (b.tokens >= this.#capacity) {
      this.#buckets.delete(peer);
      return undefined;
    }
    return b;
  }

  #makeRoom(): void {
    if (this.#buckets.size < this.#maxPeers) return;
    for (const peer of [...this.#buckets.keys()]) this.#refill(peer);
    // Still full: drop the oldest entry (Map keeps insertion order).
    while (this.#buckets.size >= this.#maxPeers) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
  }
}
