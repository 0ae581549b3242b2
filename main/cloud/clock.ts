// The outbox reads time and waits only through this port, so tests can watch and drive
// its backoff with a fake clock.

export interface TimerHandle {
  readonly id: number;
}

export interface OutboxClock {
  now(): number;
  /** Runs `fn` once after `ms`; the timer must not keep the process alive. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export function systemOutboxClock(): OutboxClock {
  const timers = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    now: () => Date.now(),
    setTimer(fn, ms) {
      const id = next++;
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, ms);
      t.unref();
      timers.set(id, t);
      return { id };
    },
    clearTimer(handle) {
      clearTimeout(timers.get(handle.id));
      timers.delete(handle.id);
    },
  };
}
