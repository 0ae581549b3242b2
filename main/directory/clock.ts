// The real clock for the directory's retry timers. Retries are relative delays of at most
// a few minutes, so Node's monotonic setTimeout is right here (a timer that was due during
// sleep fires on wake, where resume() re-applies anyway). Timers never keep the process alive.

import type { Clock } from './types.js';

export const realClock: Clock = {
  now: () => new Date(),
  setTimer(at, fn) {
    const handle = setTimeout(fn, Math.min(Math.max(0, at.getTime() - Date.now()), 2 ** 31 - 1));
    handle.unref();
    return () => clearTimeout(handle);
  },
};
