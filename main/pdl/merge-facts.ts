// How the facts of the PJL header and of each PDL section become one PdlFacts.
//
// - pdl: the language holding the most bytes over all its sections (ties: the first seen).
// - title: the PDL's own title first (DSC %%Title, PDF /Title: what the application
//   named the document), the PJL job name as the fallback. Sections of the main
//   language are asked first, then the others in order.
// - user: PJL first (the driver's account of who printed), then DSC %%For.
//   Strings from sections are cleaned and capped like ours (text.ts).
// - pages: the sum over sections of one copy; null when any section's count is unknown.
//   A stream with no PDL byte at all (empty, or PJL only: a status query such as
//   `@PJL INFO STATUS`) has 0 pages: nothing would print, and capture can drop it (§1).
// - copies: PJL QTY and COPIES when > 1 (their product when both are, as the device
//   multiplies them), else the PDL's copies, else PJL's explicit 1, else null.
// - duplex: the PDL's own setting wins over PJL (§5 precedence), then PJL DUPLEX.
// - color: a PJL setting restricting output to grey (RENDERMODE=GRAYSCALE,
//   PLANESINUSE=1…) wins, because the device then prints no colour whatever the PDL
//   holds (§5 late binding relies on it); else any colour evidence in a section; else a
//   section's mono evidence; else PJL RENDERMODE=COLOR / PLANESINUSE=3.
import type { SectionRecord } from './section.js';
import { cleanText } from './job-text.js';
import type { PdlFacts, PdlKind, PjlFacts, SectionFacts } from './types.js';

export interface StreamSummary {
  readonly records: readonly SectionRecord[];
  /** Facts per record (PDF ones filled in after the stream ended), same order. */
  readonly facts: readonly SectionFacts[];
  /** Bytes per language over every section, including those beyond the record cap. */
  readonly bytesByKind: ReadonlyMap<PdlKind, number>;
  /** Sections beyond the record cap: their page sum, or null when one was unknown. */
  readonly overflowPages: number | null;
  readonly overflowSections: number;
  readonly pjl: PjlFacts | null;
  readonly problems: readonly string[];
  /** An internal failure made the page count unreliable. */
  readonly failed: boolean;
}

export function mergeFacts(s: StreamSummary): PdlFacts {
  let pdl: PdlKind = 'unknown';
  let most = -1;
  for (const [kind, bytes] of s.bytesByKind) {
    if (bytes > most) {
      most = bytes;
      pdl = kind;
    }
  }
  const ordered: SectionFacts[] = [];
  s.records.forEach((r, i) => {
    if (r.kind === pdl) ordered.push(s.facts[i]);
  });
  s.records.forEach((r, i) => {
    if (r.kind !== pdl) ordered.push(s.facts[i]);
  });
  const first = <K extends keyof SectionFacts>(k: K): NonNullable<SectionFacts[K]> | null => {
    for (const f of ordered) {
      const v = f[k];
      if (v !== undefined && v !== null) return v as NonNullable<SectionFacts[K]>;
    }
    return null;
  };

  const pjl = s.pjl;
  return {
    pdl,
    title: text(first('title')) ?? pjl?.jobName ?? null,
    user: pjl?.user ?? text(first('user')),
    pages: s.failed ? null : pageSum(s),
    color: colour(ordered, pjl),
    duplex: first('duplex') ?? pjl?.duplex ?? null,
    copies: copies(first('copies'), pjl),
    pjl,
    sections: s.records.map((r) => r.kind),
    problems: s.problems,
  };
}

/** Section strings come from other inspectors too: held to the same rules as ours. */
function text(v: unknown): string | null {
  return typeof v === 'string' ? cleanText(v) : null;
}

function pageSum(s: StreamSummary): number | null {
  if (s.records.length === 0 && s.overflowSections === 0) return 0;
  let total = 0;
  for (const f of s.facts) {
    if (typeof f.pages !== 'number') return null;
    total += f.pages;
  }
  if (s.overflowSections > 0) {
    if (s.overflowPages === null) return null;
    total += s.overflowPages;
  }
  return total;
}

function copies(pdlCopies: number | null, pjl: PjlFacts | null): number | null {
  const qty = pjl?.qty ?? null;
  const unc = pjl?.copies ?? null;
  const many = [qty, unc].filter((n): n is number => n !== null && n > 1);
  if (many.length > 0) return many.reduce((a, b) => a * b, 1);
  return pdlCopies ?? qty ?? unc ?? null;
}

function colour(sections: readonly SectionFacts[], pjl: PjlFacts | null): boolean | null {
  if (pjl?.color === false) return false;
  if (sections.some((f) => f.color === true)) return true;
  if (sections.some((f) => f.color === false)) return false;
  return pjl?.color ?? null;
}
