// Retry delays while the directory cannot be reached: exponential, capped, with "equal
// jitter" (half fixed, half random) so the workstations of a site that lost its domain
// controller do not all come back in the same second.

export interface BackoffPolicy {
  /** Delay after the first failure, before jitter. */
  readonly initialMs: number;
  /** Largest delay, before jitter; also the pace of retries an administrator must unblock. */
  readonly maxMs: number;
}

export const DIRECTORY_BACKOFF: BackoffPolicy = { initialMs: 5_000, maxMs: 15 * 60_000 };

/** Delay before retry number `failures` (1 = after the first failure), in [step/2, step]. */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (r * step) / 2);
}
