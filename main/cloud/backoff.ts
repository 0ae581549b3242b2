// The cloud's retry policy for transient failures. The delay itself is the project's one
// backoff (main/util/backoff.ts): exponential, capped, with equal jitter, so workstations
// that lost the server together do not come back together, and a Retry-After is honoured
// up to the cap.
import type { BackoffPolicy } from '../util/backoff.js';

export { backoffDelay, type BackoffPolicy } from '../util/backoff.js';

/** The first retry after about 2 s, doubling up to 5 min. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 2_000, maxMs: 300_000 };
