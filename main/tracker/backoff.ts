// Retry delays after a failed send: exponential, capped, with jitter so that many
// workstations that lost the same report server do not all come back at the same second.

export interface BackoffPolicy {
  /** Delay after the first failure (before jitter). */
  readonly initialMs: number;
  /** Largest delay (before jitter). */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 30_000, maxMs: 60 * 60_000 };

/**
 * The delay before retry number `failures` (1 = after the first failure): the step
 * initialMs·2^(failures-1), capped at maxMs, of which the first half is fixed and the second
 * half random ("equal jitter"), so a retry never comes sooner than half its step.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (r * step) / 2);
}
