// A request body chunk by chunk, failing with 408 when no chunk arrives for `idleMs`.
// A timer per request (not the socket's timeout, which would outlive the request on a
// keep-alive connection).

import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

const IDLE = Symbol('idle');

export async function* idleChunks(req: IncomingMessage, idleMs: number): AsyncGenerator<Buffer> {
  const it = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  try {
    for (;;) {
      const idle = new Promise<typeof IDLE>((resolve) => {
        timer = setTimeout(() => resolve(IDLE), idleMs);
      });
      const next = await Promise.race([it.next(), idle]);
      clearTimeout(timer);
      if (next === IDLE) throw new ApiError(408, 'BODY_TIMEOUT', `no body bytes arrived for ${Math.ceil(idleMs / 1000)} s`);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    // Stop buffering the socket's data for us when we leave early.
    if (!finished) void it.return?.();
  }
}
