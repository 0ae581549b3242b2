// Building a job's index (job-index.ts): the job's bytes go through the same rewriting
// pipeline a release uses, with copies and sides requested so that the framer and every
// PCL XL editor see the whole job, and a builder recording what they meet. The
// rewritten bytes are dropped.
import type { PdlKind } from '../types.js';
import { JobIndexBuilder, type JobIndex } from './job-index.js';
import { createLateBindingRewriter, type LateBindingRewriter } from './rewriter.js';

export interface IndexOptions {
  readonly pdl: PdlKind;
  readonly jobName?: string | null;
  /** Stop (JobIndexTooLarge) once the index would take more than this many bytes. */
  readonly limitBytes?: number;
}

function recorder(opts: IndexOptions): { builder: JobIndexBuilder; rewriter: LateBindingRewriter } {
  const builder = new JobIndexBuilder(opts.limitBytes);
  const rewriter = createLateBindingRewriter({
    changes: { copies: 1, sides: 'duplex-long' }, pdl: opts.pdl, jobName: opts.jobName ?? null, jobIndex: { record: builder },
  });
  return { builder, rewriter };
}

/** The index of a job read as a stream (a file being read); `signal` abandons it. */
export async function buildJobIndex(
  source: AsyncIterable<Buffer> | Iterable<Buffer>,
  opts: IndexOptions & { readonly signal?: AbortSignal },
): Promise<JobIndex> {
  const { builder, rewriter } = recorder(opts);
  for await (const chunk of source) {
    opts.signal?.throwIfAborted();
    rewriter.write(chunk);
  }
  rewriter.end();
  return builder.finish();
}

/** The same for bytes in memory (tests, tools). */
export function buildJobIndexSync(chunks: Iterable<Buffer>, opts: IndexOptions): JobIndex {
  const { builder, rewriter } = recorder(opts);
  for (const chunk of chunks) rewriter.write(chunk);
  rewriter.end();
  return builder.finish();
}
