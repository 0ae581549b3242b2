// A fake OutboxClock: timers fire only when the test advances time, and every delay asked
// for is recorded, so backoff can be observed exactly.

import type { OutboxClock, TimerHandle } from '../../../main/cloud/clock.js';
/** A seeded PRNG (mulberry32) for jitter the test can predict. */
export { prng as seeded } from '../../helpers/prng.js';

export class FakeClock implements OutboxClock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  /** Every delay requested, in order. */
  readonly requested: number[] = [];

  constructor(start = Date.UTC(2026, 10, 24, 12, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.requested.push(ms);
    this.#timers.set(id, { at: this.#now + ms, fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle.id);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time on, firing due timers in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.#now = until;
  }

  /** Fires the earliest timer now, whatever its delay; false when none. */
  fireNext(): boolean {
    const due = [...this.#timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
    if (!due) return false;
    this.advance(due[1].at - this.#now);
    return true;
  }
}

