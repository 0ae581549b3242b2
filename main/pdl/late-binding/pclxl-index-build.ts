// Building a job's PCL XL page index (pclxl-index.ts): the job's bytes go through the
// same rewriting pipeline a release uses, with both page edits requested so that the
// PCL XL editor tokenizes every section, and a builder recording what it meets. The
// rewritten bytes are dropped.
import type { PdlKind } from '../types.js';
import { PclXlIndexBuilder, type PclXlPageIndex } from './pclxl-index.js';
import { createLateBindingRewriter, type LateBindingRewriter } from './rewriter.js';

export interface IndexOptions {
  readonly pdl: PdlKind;
  readonly jobName?: string | null;
}

function recorder(opts: IndexOptions): { builder: PclXlIndexBuilder; rewriter: LateBindingRewriter } {
  const builder = new PclXlIndexBuilder();
  const rewriter = createLateBindingRewriter({
    changes: { copies: 1, sides: 'duplex-long' }, pdl: opts.pdl, jobName: opts.jobName ?? null, pclxlIndex: { record: builder },
  });
  return { builder, rewriter };
}

/** The index of a job read as a stream (a file being read); `signal` abandons it. */
export async function buildPclXlPageIndex(
  source: AsyncIterable<Buffer> | Iterable<Buffer>,
  opts: IndexOptions & { readonly signal?: AbortSignal },
): Promise<PclXlPageIndex> {
  const { builder, rewriter } = recorder(opts);
  for await (const chunk of source) {
    opts.signal?.throwIfAborted();
    rewriter.write(chunk);
  }
  rewriter.end();
  return builder.finish();
}

/** The same for bytes in memory (tests, tools). */
export function buildPclXlPageIndexSync(chunks: Iterable<Buffer>, opts: IndexOptions): PclXlPageIndex {
  const { builder, rewriter } = recorder(opts);
  for (const chunk of chunks) rewriter.write(chunk);
  rewriter.end();
  return builder.finish();
}
