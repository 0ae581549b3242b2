// The late-binding Transform: stored job bytes in, bytes for the printer out. Anything
// that goes wrong inside becomes one typed stream error (PullPrintError with a stable
// code) instead of an exception escaping the stream; a job is never sent half-rewritten
// without the stream failing.
import { Transform } from 'node:stream';
import { PullPrintError } from '../../util/errors.js';
import { createLateBindingRewriter } from './rewriter.js';
import type { RewriteOptions } from './types.js';

function typed(err: unknown): PullPrintError {
  if (err instanceof PullPrintError) return err;
  return new PullPrintError('LATE_BINDING_FAILED', 'late-binding rewrite failed', { cause: err });
}

/**
 * A Transform applying `opts.changes` to a stored job (docs/late-binding.md). Throws
 * PullPrintError('BAD_LATE_BINDING') at once for invalid options; rewrite failures are
 * emitted as a stream error (codes PJL_HEADER_TOO_LARGE, LATE_BINDING_FAILED).
 */
export function createLateBindingTransform(opts: RewriteOptions): Transform {
  const rewriter = createLateBindingRewriter(opts);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback): void {
      try {
        const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        // Pieces go out as they are: releases go to sockets, where block alignment does not matter.
        for (const b of rewriter.write(input)) if (b.length > 0) this.push(b);
        callback();
      } catch (err) {
        callback(typed(err));
      }
    },
    flush(callback): void {
      try {
        for (const b of rewriter.end()) if (b.length > 0) this.push(b);
        callback();
      } catch (err) {
        callback(typed(err));
      }
    },
  });
}
