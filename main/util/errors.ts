// Typed errors with stable codes, in the manner of undici's and fastify's: a code that
// logs, tests and the CLI can rely on, and a message for people.

export class PullPrintError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PullPrintError';
    this.code = code;
  }
}

/** A capture-side failure: ends the connection, leaves no job and no temporary file. */
export class CaptureError extends PullPrintError {
  constructor(code: CaptureErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CaptureError';
  }
}

export type CaptureErrorCode =
  | 'JOB_TOO_LARGE'
  | 'IDLE_TIMEOUT'
  | 'TOO_MANY_CONNECTIONS'
  | 'DISK_FULL'
  | 'SPOOL_UNAVAILABLE'
  | 'MALFORMED_LPD'
  | 'MALFORMED_IPP'
  | 'MALFORMED_HTTP'
  | 'TRUNCATED_JOB'
  | 'JOB_ABORTED'
  | 'CONNECTION_RESET';

export function errorCode(err: unknown): string {
  if (err instanceof PullPrintError) return err.code;
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return 'UNKNOWN';
}

/** Explicit fire-and-forget: the promise's failure is reported, never unhandled. */
export function drop(p: Promise<unknown>, onError?: (err: unknown) => void): void {
  p.catch((err: unknown) => {
    if (onError) onError(err);
  });
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
