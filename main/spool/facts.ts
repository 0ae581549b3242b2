// Which source wins, per field, when the protocol and the document disagree.
//
// | field        | first                                   | then                         | else  |
// |--------------|-----------------------------------------|------------------------------|-------|
// | title        | protocol job name (IPP job-name, LPD J) | PDL title (PJL JOB NAME, DSC | LPD T,|
// |              | — for IPP, a leading `<digits> - ` is    | %%Title, PDF /Title)         | LPD N,|
// |              | stripped: CUPS names Print-Job jobs     |                              | null  |
// |              | "<cups-job-id> - <title>" (PROTOCOLS §4)|                              |       |
// | declaredUser | protocol user (LPD P, IPP               | PDL/PJL user                 | null  |
// |              | requesting-user-name)                   |                              |       |
// | pages        | PDL (pages of one copy)                 | —                            | null  |
// | copies       | protocol copies, when > 1               | PDL copies, when ≥ 1         | 1     |
// | color        | PDL evidence                            | IPP print-color-mode: color  | null  |
// |              |                                         | → true; monochrome,          |       |
// |              |                                         | process-monochrome, bi-level,|       |
// |              |                                         | process-bi-level → false     |       |
// | duplex       | PDL                                     | IPP sides: one-sided → false,| null  |
// |              |                                         | two-sided-* → true           |       |
//
// The protocol wins for names because they are what the user saw in the print dialog;
// the document wins for what the printer will actually do (pages, colour, sides), because
// it is what gets printed. Copies: LPD and IPP say 1 by default, so only a larger value
// is taken as the user's request. Empty or blank strings count as absent.

import type { ProtocolMeta } from '../capture/types.js';
import type { PdlFacts } from '../pdl/types.js';
import type { JobRecord } from './types.js';

export type MergedFacts = Pick<JobRecord, 'title' | 'declaredUser' | 'pages' | 'color' | 'duplex' | 'copies'>;

const CUPS_JOB_PREFIX = /^\d+ - /;

function text(s: string | null | undefined): string | null {
  if (typeof s !== 'string') return null;
  const t = s.trim();
  return t === '' ? null : t;
}

function protocolTitle(meta: ProtocolMeta): string | null {
  const name = text(meta.jobName);
  if (name === null || meta.protocol !== 'ipp') return name;
  return text(name.replace(CUPS_JOB_PREFIX, '')) ?? name;
}

function colorFromMode(mode: string | null | undefined): boolean | null {
  switch (text(mode)?.toLowerCase()) {
    case 'color': return true;
    case 'monochrome':
    case 'process-monochrome':
    case 'bi-level':
    case 'process-bi-level': return false;
    default: return null;
  }
}

function duplexFromSides(sides: string | null | undefined): boolean | null {
  const s = text(sides)?.toLowerCase();
  if (s === 'one-sided') return false;
  if (s === 'two-sided-long-edge' || s === 'two-sided-short-edge') return true;
  return null;
}

function positiveInt(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : null;
}

export function mergeFacts(meta: ProtocolMeta, facts: PdlFacts): MergedFacts {
  const protocolCopies = positiveInt(meta.copies);
  const pages = typeof facts.pages === 'number' && Number.isSafeInteger(facts.pages) && facts.pages >= 0 ? facts.pages : null;
  return {
    title: protocolTitle(meta) ?? text(facts.title) ?? text(meta.title) ?? text(meta.sourceFile),
    declaredUser: text(meta.user) ?? text(facts.user),
    pages,
    copies: protocolCopies !== null && protocolCopies > 1 ? protocolCopies : positiveInt(facts.copies) ?? 1,
    color: typeof facts.color === 'boolean' ? facts.color : colorFromMode(meta.colorMode),
    duplex: typeof facts.duplex === 'boolean' ? facts.duplex : duplexFromSides(meta.sides),
  };
}

/** Facts for a job no inspector could read (the inspector failed, or there was none). */
export function unknownFacts(problem?: string): PdlFacts {
  return {
    pdl: 'unknown', title: null, user: null, pages: null, color: null, duplex: null, copies: null,
    pjl: null, sections: [], problems: problem ? [problem] : [],
  };
}
