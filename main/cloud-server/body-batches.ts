// A request body pulled in batches: each pull returns every chunk that arrived since the
// last one, waiting (with the idle limit) only when none did. A timer and a promise per
// wait, not per chunk: a TLS upload arrives in 16 KiB records, 65,536 per GiB. At most
// `maxQueuedBytes` wait in the queue; past that the request is paused and TCP pushes
// back on the client. The idle timer runs per request (not the socket's timeout, which
// would outlive the request on a keep-alive connection). It fails with 408 when no
// chunk arrives for `idleMs`.

import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

const DEFAULT_MAX_QUEUED = 1024 * 1024;

export async function* bodyBatches(req: IncomingMessage, idleMs: number, maxQueuedBytes = DEFAULT_MAX_QUEUED): AsyncGenerator<Buffer[]> {
  let queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let pausedByUs = false;
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= maxQueuedBytes && !pausedByUs) {
      pausedByUs = true;
      req.pause();
    }
    wake?.();
  };
  const onEnd = (): void => {
    ended = true;
    wake?.();
  };
  const onError = (err: Error): void => {
    failure ??= err;
    wake?.();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  // Closed before its end (the client went away): the caller sees `req.complete` false.
  req.on('close', onEnd);
  req.on('error', onError);
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        queued = 0;
        if (pausedByUs) {
          pausedByUs = false;
          req.resume();
        }
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      const timedOut = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), idleMs);
        wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      wake = null;
      if (timedOut) throw new ApiError(408, 'BODY_TIMEOUT', `no body bytes arrived for ${Math.ceil(idleMs / 1000)} s`);
    }
  } finally {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onEnd);
    req.off('error', onError);
    // Left early: the rest of the body is Node's to discard once the answer is sent.
    if (pausedByUs) req.resume();
  }
}
