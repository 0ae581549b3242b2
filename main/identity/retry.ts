// Retry with backoff, only where retrying can help: network failures. A request the
// provider may have processed (timeout, reset, 5xx after sending) is retried only when
// it is idempotent; a refresh with rotation is not (a lost answer leaves the old refresh
// token consumed, and replaying it would make the provider revoke the whole grant).

import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../util/backoff.js';
import { IdentityError } from './errors.js';

export interface RetryPolicy {
  /** Total tries, first included (default 3). */
  readonly attempts: number;
  /** Delay before the second try; doubles each time, with jitter (default 500 ms). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500, maxDelayMs: 5000 };

export function shouldRetry(err: unknown, idempotent: boolean): boolean {
  if (!(err instanceof IdentityError)) return false;
  return err.notSent || (idempotent && err.transient);
}

export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: { idempotent: boolean; policy?: RetryPolicy; onRetry?: (err: IdentityError, attempt: number, delayMs: number) => void },
): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.attempts || !shouldRetry(err, opts.idempotent)) throw err;
      const delay = backoffDelay(attempt, { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, Math.random);
      opts.onRetry?.(err as IdentityError, attempt, delay);
      await sleep(delay);
    }
  }
}
