// The engine's clock port (tracker, directory, release): wall-clock time and one-shot
// timers at an absolute instant. Scheduled sends are wall-clock events (12:00 local), so a
// timer is an instant, not a delay; the real implementation re-checks the wall clock in
// short steps because Node's setTimeout counts monotonic time, which stops while the
// machine sleeps and ignores clock changes, and because it silently fires at once for
// delays over 2^31-1 ms. Identity keeps its own port (main/identity/clock.ts): it only
// reads epoch milliseconds and arms no timers.

export interface Clock {
  now(): Date;
  /** Calls fn once, at `at` or as soon after as possible, never synchronously; returns a cancel function. */
  setTimer(at: Date, fn: () => void): () => void;
}

/** Node's setTimeout limit; longer delays overflow and fire after 1 ms. */
export const MAX_SET_TIMEOUT_MS = 2 ** 31 - 1;

/** How long the real clock sleeps at most before it looks at the wall clock again. */
export const DEFAULT_TIMER_STEP_MS = 60_000;

export function realClock(opts: { maxStepMs?: number } = {}): Clock {
  const step = Math.max(1, Math.min(opts.maxStepMs ?? DEFAULT_TIMER_STEP_MS, MAX_SET_TIMEOUT_MS));
  return {
    now: () => new Date(),
    setTimer(at, fn) {
      const due = at.getTime();
      let handle: NodeJS.Timeout | null = null;
      let cancelled = false;
      const check = (): void => {
        handle = null;
        if (cancelled) return;
        const remaining = due - Date.now();
        if (remaining <= 0) {
          cancelled = true;
          fn();
          return;
        }
        handle = setTimeout(check, Math.min(remaining, step));
        // A pending timer must not keep a process alive on its own; the engine's servers do.
        handle.unref();
      };
      handle = setTimeout(check, Math.max(0, Math.min(due - Date.now(), step)));
      handle.unref();
      return () => {
        cancelled = true;
        if (handle) clearTimeout(handle);
        handle = null;
      };
    },
  };
}

/** The real clock with the default step, for callers that take a Clock value. */
export const REAL_CLOCK: Clock = realClock();
