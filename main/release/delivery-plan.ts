// How a release carries the job's settings, so that each lands in exactly one place:
//
// - The document format comes from the stored job's PDL facts.
// - Copies the capture protocol asked for (IPP `copies`, LPD repeated print lines) are not
//   in the document; they are applied on release as if requested, unless the release
//   names copies itself.
// - PDF to an IPP printer: settings travel as IPP Job Template attributes (copies, sides,
//   print-color-mode, finishings) and the document is sent unchanged, because a PJL
//   wrapper would make it something other than application/pdf.
// - Every other case (PostScript, PCL, PCL XL, unknown to IPP; anything to port 9100):
//   the late-binding rewriter edits the document (PJL header and PDL), and no IPP
//   attribute repeats a setting — copies in particular are never sent twice.

import type { IppAttribute } from '../capture/ipp/codec.js';
import { attr, val } from '../capture/ipp/values.js';
import type { LateBindingChanges, PunchChoice, StapleChoice } from '../pdl/late-binding/index.js';
import type { PdlKind } from '../pdl/types.js';
import type { JobRecord } from '../spool/types.js';
import { assertNever } from '../util/errors.js';
import type { PrinterScheme } from './printer-uri.js';

export function documentFormatOf(pdl: PdlKind): string {
  switch (pdl) {
    case 'pdf':
      return 'application/pdf';
    case 'postscript':
      return 'application/postscript';
    case 'pclxl':
      return 'application/vnd.hp-pclxl';
    case 'pcl5':
      return 'application/vnd.hp-pcl';
    case 'unknown':
      return 'application/octet-stream';
    default:
      return assertNever(pdl, 'pdl');
  }
}

/** Copies the capture protocol carried outside the document (a value above 1), else null. */
export function protocolCopies(job: Pick<JobRecord, 'protocolMeta'>): number | null {
  const c = job.protocolMeta.copies;
  return typeof c === 'number' && Number.isSafeInteger(c) && c > 1 ? Math.min(c, 9999) : null;
}

export function hasChanges(c: LateBindingChanges | null | undefined): c is LateBindingChanges {
  return c !== null && c !== undefined && Object.values(c).some((v) => v !== undefined);
}

export interface DeliveryPlan {
  readonly documentFormat: string;
  /** Changes the rewriter applies to the document, or null to send it as stored. */
  readonly rewrite: LateBindingChanges | null;
  /** IPP Job Template attributes (empty for socket delivery and for rewritten documents). */
  readonly jobAttributes: readonly IppAttribute[];
  /** Everything applied, one way or the other. */
  readonly applied: LateBindingChanges;
}

/** PWG 5100.1 finishings enums. */
const FINISHINGS_NONE = 3;
const STAPLE_ENUM: Record<Exclude<StapleChoice, 'none'>, number> = { 'top-left': 20, 'dual-left': 28, 'dual-top': 29 };
const PUNCH_ENUM: Record<Exclude<PunchChoice, 'none'>, number> = { '2-hole': 74, '3-hole': 78, '4-hole': 82 };

function ippAttributes(c: LateBindingChanges): IppAttribute[] {
  const out: IppAttribute[] = [];
  if (c.copies !== undefined) out.push(attr('copies', val.integer(c.copies)));
  if (c.sides !== undefined) {
    const s = c.sides === 'simplex' ? 'one-sided' : c.sides === 'duplex-long' ? 'two-sided-long-edge' : 'two-sided-short-edge';
    out.push(attr('sides', val.keyword(s)));
  }
  if (c.color !== undefined) out.push(attr('print-color-mode', val.keyword(c.color === 'mono' ? 'monochrome' : 'color')));
  if (c.staple !== undefined || c.punch !== undefined) {
    const values: number[] = [];
    if (c.staple !== undefined && c.staple !== 'none') values.push(STAPLE_ENUM[c.staple]);
    if (c.punch !== undefined && c.punch !== 'none') values.push(PUNCH_ENUM[c.punch]);
    out.push({ name: 'finishings', values: (values.length > 0 ? values : [FINISHINGS_NONE]).map((v) => val.enum(v)) });
  }
  return out;
}

export function planDelivery(job: Pick<JobRecord, 'pdl' | 'protocolMeta'>, scheme: PrinterScheme, requested: LateBindingChanges | null | undefined): DeliveryPlan {
  const applied: LateBindingChanges = { ...(requested ?? {}) };
  for (const k of Object.keys(applied) as (keyof LateBindingChanges)[]) if (applied[k] === undefined) delete applied[k];
  const extra = protocolCopies(job);
  if (applied.copies === undefined && extra !== null) applied.copies = extra;
  const documentFormat = documentFormatOf(job.pdl);
  if (!hasChanges(applied)) return { documentFormat, rewrite: null, jobAttributes: [], applied };
  if (scheme !== 'socket' && job.pdl === 'pdf') {
    return { documentFormat, rewrite: null, jobAttributes: ippAttributes(applied), applied };
  }
  return { documentFormat, rewrite: applied, jobAttributes: [], applied };
}
