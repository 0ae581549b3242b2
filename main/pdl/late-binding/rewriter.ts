// The late-binding rewriter as a plain push/end object (the Transform in transform.ts
// wraps it): the first PJL block is collected and rewritten (pjl-header.ts,
// pjl-rewrite.ts), then the rest of the job streams through the UEL framing and the PDL
// editors (body-framer.ts). Memory: the PJL block (≤ PJL_HEADER_CAP) while it is read,
// then a UEL prefix, a sniff prefix and the current editor's small window.
import { planPjl } from './pjl-settings.js';
import { PJL_HEADER_CAP, PjlHeaderScanner, type PjlHeader } from './pjl-header.js';
import { renderHeader } from './pjl-rewrite.js';
import { BodyFramer } from './body-framer.js';
import { SETUP_WINDOW } from './pcl5-editor.js';
import { ATTR_LIST_CAP } from './pclxl-editor.js';
import { FEATURE_CAP, PS_LINE_CAP } from './ps-editor.js';
import type { EditProblem } from './pdl-editor.js';
import type { RewriteOptions } from './types.js';
import { validateRewriteOptions } from './validate.js';

export interface LateBindingRewriter {
  /** The rewritten bytes for `chunk`, in order (possibly none yet). */
  write(chunk: Buffer): Buffer[];
  /** The end of the job: whatever is held, and the wrapper's closing EOJ. */
  end(): Buffer[];
  /** What could not be edited (never thrown): each code at most once. */
  problems(): readonly EditProblem[];
  /** Bytes held now; bounded by MAX_REWRITER_HELD whatever the job. */
  bufferedBytes(): number;
}

/**
 * The most a rewriter holds between two writes: the header cap, or the largest editor
 * window plus the framing's few bytes (UEL and `@PJ` prefixes, sniff prefix, one token).
 */
export const MAX_REWRITER_HELD = Math.max(PJL_HEADER_CAP, FEATURE_CAP, PS_LINE_CAP, ATTR_LIST_CAP, SETUP_WINDOW) + 256;

/** Validates the options (PullPrintError 'BAD_LATE_BINDING') and returns a rewriter. */
export function createLateBindingRewriter(options: RewriteOptions): LateBindingRewriter {
  const opts = validateRewriteOptions(options);
  const problems = new Set<EditProblem>();
  const problem = (code: EditProblem): void => {
    problems.add(code);
  };
  const identity = Object.keys(opts.changes).length === 0;
  const plan = planPjl(opts.changes, opts.finishingDialect);
  /** Copies and sides are also set inside the PDL; colour and finishing are not (§5 rule 5). */
  const pdlEdits = opts.changes.copies !== undefined || opts.changes.sides !== undefined;
  let scanner: PjlHeaderScanner | null = identity ? null : new PjlHeaderScanner();
  let body: BodyFramer | null = null;
  let trailer: Buffer | null = null;

  function startBody(h: PjlHeader, out: Buffer[]): void {
    const r = renderHeader({ header: h, plan, jobName: opts.jobName, pdl: opts.pdl });
    out.push(r.header);
    trailer = r.trailer;
    if (!pdlEdits) {
      // Colour and finishing live in PJL only: the rest of the job is copied as it comes.
      if (h.rest.length > 0) out.push(h.rest);
      return;
    }
    // The first section's language when its bytes do not say: ENTER LANGUAGE, else the stored job's.
    const hint = h.enterKind ?? (opts.pdl === 'unknown' ? null : opts.pdl);
    body = new BodyFramer(hint, opts.changes, problem, options.jobIndex ?? null);
    if (h.rest.length > 0) body.write(h.rest, out);
  }

  return {
    write(chunk: Buffer): Buffer[] {
      if (identity) return chunk.length > 0 ? [chunk] : [];
      const out: Buffer[] = [];
      if (chunk.length === 0) return out;
      if (scanner) {
        const h = scanner.push(chunk);
        if (h === null) return out;
        scanner = null;
        startBody(h, out);
        return out;
      }
      if (body) body.write(chunk, out);
      else out.push(chunk);
      return out;
    },
    end(): Buffer[] {
      if (identity) return [];
      const out: Buffer[] = [];
      if (scanner) {
        const h = scanner.finish();
        scanner = null;
        startBody(h, out);
      }
      body?.end(out);
      if (trailer) out.push(trailer);
      return out;
    },
    problems: () => [...problems],
    bufferedBytes: () => (scanner?.buffered ?? 0) + (body?.buffered() ?? 0),
  };
}
