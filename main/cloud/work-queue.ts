// The outbox's scheduler: at most `concurrency` operations at once, first come first
// served, each keyed by job id so a job is never worked on twice at the same time. An
// operation ends 'done', 'retry' (back off, then again) or 'park' (nothing to do until
// someone wakes it: sign-in required). Time and randomness are injected.

import type { Logger } from '../log/types.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { OutboxClock, TimerHandle } from './clock.js';

export type WorkOutcome =
  | { readonly type: 'done' }
  | { readonly type: 'retry'; readonly error: unknown; readonly retryAfterMs: number | null }
  | { readonly type: 'park' };

export interface RetryInfo {
  readonly id: string;
  /** Failures in a row so far (1 after the first). */
  readonly failures: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export interface WorkQueueOptions {
  readonly concurrency: number;
  readonly clock: OutboxClock;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  readonly logger: Logger;
  /** Performs one try of the operation for `id`. Must not throw (a throw counts as 'retry'). */
  run(id: string, signal: AbortSignal): Promise<WorkOutcome>;
  onRetry?(info: RetryInfo): void;
}

type Status = 'ready' | 'running' | 'backoff' | 'parked';

interface Entry {
  status: Status;
  failures: number;
  /** Woken while running: run again right after. */
  again: boolean;
  timer: TimerHandle | null;
  abort: AbortController | null;
  /** Settles when the running try ends. */
  running: Promise<void> | null;
}

export class WorkQueue {
  readonly #opts: WorkQueueOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #ready: string[] = [];
  #active = 0;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];

  constructor(opts: WorkQueueOptions) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    this.#opts = opts;
  }

  /**
   * Asks for a try soon. A job backing off keeps its timer unless `now` (a person or a
   * sign-in asked: try at once); a parked job becomes ready; a running one runs again after.
   */
  enqueue(id: string, opts: { now?: boolean } = {}): void {
    if (this.#stopped) return;
    const e = this.#entries.get(id);
    if (!e) {
      this.#entries.set(id, { status: 'ready', failures: 0, again: false, timer: null, abort: null, running: null });
      this.#ready.push(id);
    } else if (e.status === 'running') {
      e.again = true;
    } else if (e.status === 'parked' || (e.status === 'backoff' && opts.now)) {
      if (e.timer) this.#opts.clock.clearTimer(e.timer);
      e.timer = null;
      if (opts.now) e.failures = 0;
      e.status = 'ready';
      this.#ready.push(id);
    }
    this.#pump();
  }

  /** Forgets a job: aborts its try if running (the try's outcome is then ignored). */
  cancel(id: string): void {
    const e = this.#entries.get(id);
    if (!e) return;
    if (e.timer) this.#opts.clock.clearTimer(e.timer);
    e.abort?.abort(new Error('cancelled'));
    this.#entries.delete(id);
    const i = this.#ready.indexOf(id);
    if (i >= 0) this.#ready.splice(i, 1);
    this.#checkIdle();
  }

  status(id: string): Status | null {
    return this.#entries.get(id)?.status ?? null;
  }

  /** Ids by status, for the status snapshot. */
  counts(): Record<Status, number> {
    const c: Record<Status, number> = { ready: 0, running: 0, backoff: 0, parked: 0 };
    for (const e of this.#entries.values()) c[e.status]++;
    return c;
  }

  /** Resolves when nothing is ready or running (jobs may still be backing off or parked). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Aborts running tries, drops timers, waits for the tries to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const running: Promise<void>[] = [];
    for (const e of this.#entries.values()) {
      if (e.timer) this.#opts.clock.clearTimer(e.timer);
      e.timer = null;
      e.abort?.abort(new Error('the outbox is stopping'));
      if (e.running) running.push(e.running);
    }
    this.#ready.length = 0;
    await Promise.allSettled(running);
    this.#entries.clear();
    this.#checkIdle();
  }

  #pump(): void {
    while (!this.#stopped && this.#active < this.#opts.concurrency && this.#ready.length > 0) {
      const id = this.#ready.shift() as string;
      const e = this.#entries.get(id);
      if (!e || e.status !== 'ready') continue;
      this.#start(id, e);
    }
    this.#checkIdle();
  }

  #start(id: string, e: Entry): void {
    e.status = 'running';
    e.again = false;
    const abort = new AbortController();
    e.abort = abort;
    this.#active++;
    e.running = (async () => {
      let outcome: WorkOutcome;
      try {
        outcome = await this.#opts.run(id, abort.signal);
      } catch (err) {
        outcome = { type: 'retry', error: err, retryAfterMs: null };
      }
      this.#active--;
      e.abort = null;
      e.running = null;
      if (this.#entries.get(id) !== e || this.#stopped) {
        this.#pump();
        return;
      }
      this.#settle(id, e, outcome);
      this.#pump();
    })();
  }

  #settle(id: string, e: Entry, outcome: WorkOutcome): void {
    if (outcome.type === 'retry') {
      e.failures++;
      const delayMs = backoffDelay(e.failures, this.#opts.backoff, this.#opts.random, outcome.retryAfterMs);
      e.status = 'backoff';
      e.timer = this.#opts.clock.setTimer(() => {
        if (this.#entries.get(id) !== e || e.status !== 'backoff') return;
        e.timer = null;
        e.status = 'ready';
        this.#ready.push(id);
        this.#pump();
      }, delayMs);
      try {
        this.#opts.onRetry?.({ id, failures: e.failures, delayMs, error: outcome.error });
      } catch (err) {
        this.#opts.logger.error('retry listener failed', { err: String(err) });
      }
      return;
    }
    if (e.again) {
      // Woken while it ran (a newer request for the same job): one more try.
      e.status = 'ready';
      e.failures = 0;
      this.#ready.push(id);
      return;
    }
    if (outcome.type === 'park') {
      e.status = 'parked';
      e.failures = 0;
      return;
    }
    this.#entries.delete(id);
  }

  #isIdle(): boolean {
    return this.#active === 0 && this.#ready.length === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
