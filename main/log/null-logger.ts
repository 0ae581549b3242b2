import type { Logger } from './types.js';

/** A logger that writes nothing: for library callers and tests that do not look at logs. */
export function nullLogger(): Logger {
  const l: Logger = {
    critical: () => undefined,
    error: () => undefined,
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
    child: () => l,
  };
  return l;
}
