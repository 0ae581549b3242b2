// A clock the tests move by hand. Timers fire synchronously inside advance(), in due
// order, each with now() set to its own due time.

import type { Clock } from './clock.js';

interface FakeTimer {
  readonly seq: number;
  readonly at: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];
  /** Every instant a timer was armed for, in the order setTimer was called. */
  readonly armed: Date[] = [];

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimer(at: Date, fn: () => void): () => void {
    const t: FakeTimer = { seq: this.#seq++, at: at.getTime(), fn };
    this.#timers.push(t);
    this.armed.push(new Date(t.at));
    return () => {
      this.#timers = this.#timers.filter((x) => x !== t);
    };
  }

  /** Due times of the timers still armed, earliest first. */
  timers(): Date[] {
    return this.#sorted().map((t) => new Date(t.at));
  }

  advance(ms: number): void {
    this.advanceTo(new Date(this.#now + ms));
  }

  /** Moves time to `to`, firing every timer due on the way (timers armed meanwhile included). */
  advanceTo(to: Date): void {
    const end = to.getTime();
    if (end < this.#now) throw new Error('a fake clock does not go backwards; use set() for a clock change');
    for (;;) {
      const next = this.#sorted()[0];
      if (!next || next.at > end) break;
      this.#fire(next);
    }
    this.#now = end;
  }

  /** Jumps to the earliest armed timer and fires it; returns its due time, or null when none is armed. */
  fireNext(): Date | null {
    const next = this.#sorted()[0];
    if (!next) return null;
    this.#fire(next);
    return new Date(next.at);
  }

  /** Sets the wall clock to any instant (a clock change); fires nothing. */
  set(to: Date): void {
    this.#now = to.getTime();
  }

  #fire(t: FakeTimer): void {
    this.#timers = this.#timers.filter((x) => x !== t);
    this.#now = Math.max(this.#now, t.at);
    t.fn();
  }

  #sorted(): FakeTimer[] {
    return [...this.#timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}
