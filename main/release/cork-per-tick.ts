// A late-binding rewrite splits a chunk of the job around its edits into several pieces,
// pushed in one go. Written one by one, each small piece would be its own write (a
// packet; over HTTP a chunk header and a TLS record too). Corking the destination when
// the first piece of a tick arrives, and uncorking on the next tick, sends them together
// in one writev.

import type { Readable } from 'node:stream';

/** Call before `source.pipe(dest)`, so that this listener runs before pipe()'s. */
export function corkPerTick(source: Readable, dest: { cork(): void; uncork(): void }): void {
  let corked = false;
  source.on('data', () => {
    if (corked) return;
    corked = true;
    dest.cork();
    process.nextTick(() => {
      corked = false;
      dest.uncork();
    });
  });
}
