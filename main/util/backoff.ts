// Retry delays after failures: exponential, capped, with "equal jitter" (half fixed, half
// random), so the workstations of a site that lost the same server do not all come back
// in the same second, and a retry never comes sooner than half its step. Each caller keeps
// its own default policy next to the code that retries.

export interface BackoffPolicy {
  /** Delay after the first failure, before jitter. */
  readonly initialMs: number;
  /** Largest delay, before jitter. */
  readonly maxMs: number;
}

/**
 * The delay before retry number `failures` (1 = after the first failure; 0 counts as 1):
 * the step initialMs·2^(failures-1), capped at maxMs, of which the first half is fixed and
 * the second half random, so the result lies in [step/2, step]. `random` returns [0, 1)
 * (clamped to [0, 1]). A server's `retryAfterMs`, when given, is a floor, itself capped at
 * maxMs.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.round(step / 2 + (r * step) / 2);
  if (retryAfterMs === null) return jittered;
  return Math.min(policy.maxMs, Math.max(jittered, Math.min(retryAfterMs, policy.maxMs)));
}
