// Exponential backoff with jitter for transient cloud failures: the delay doubles from
// `baseMs` up to `capMs`, and a random half of it is added so workstations that lost the
// server together do not come back together ("equal jitter": never zero, never above cap).

export interface BackoffPolicy {
  /** Delay after the first failure (default 2 s). */
  readonly baseMs: number;
  /** Longest delay (default 5 min). */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 300_000 };

/**
 * The delay before try number `failures + 1`, after `failures` (≥ 1) failures in a row.
 * `random` returns [0, 1). A server's Retry-After is honoured up to the cap.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  const n = Math.max(1, Math.floor(failures));
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.round(exp / 2 + r * (exp / 2));
  const floor = retryAfterMs === null ? 0 : Math.min(retryAfterMs, policy.capMs);
  return Math.min(policy.capMs, Math.max(jittered, floor));
}
