// The late-binding contract: what a user may change when a held job is released at a
// printer, and how the rewriter is told about the stored job (docs/late-binding.md).
import type { PdlKind } from '../types.js';
import type { JobIndexPort } from './job-index.js';

export type ColorChoice = 'color' | 'mono';
export type SidesChoice = 'simplex' | 'duplex-long' | 'duplex-short';
/** Positions for portrait pages; the device turns them for landscape ones. */
export type StapleChoice = 'none' | 'top-left' | 'dual-left' | 'dual-top';
export type PunchChoice = 'none' | '2-hole' | '3-hole' | '4-hole';
/** Which vendor's PJL finishing variables are written (docs/late-binding.md, "Dialects"). */
export type FinishingDialect = 'hp' | 'ricoh' | 'generic';

/** Settings chosen at the printer. An absent key means "leave the job as it is". */
export interface LateBindingChanges {
  /** Collated copies of the whole job, 1..9999. */
  copies?: number;
  color?: ColorChoice;
  sides?: SidesChoice;
  staple?: StapleChoice;
  punch?: PunchChoice;
}

export interface RewriteOptions {
  changes: LateBindingChanges;
  /** The main PDL from the stored job's facts; used when the bytes do not say. */
  pdl: PdlKind;
  /** Job name for the PJL wrapper of a job that has no UEL/PJL header. */
  jobName?: string | null;
  /** Default 'generic': the keys of every supported dialect (printers ignore unknown PJL variables). */
  finishingDialect?: FinishingDialect;
  /** The late-binding index of these exact bytes to use, or a builder to record one (job-index.ts). */
  jobIndex?: JobIndexPort | null;
}

export const COPIES_MIN = 1;
export const COPIES_MAX = 9999;
export const COLOR_CHOICES: readonly ColorChoice[] = ['color', 'mono'];
export const SIDES_CHOICES: readonly SidesChoice[] = ['simplex', 'duplex-long', 'duplex-short'];
export const STAPLE_CHOICES: readonly StapleChoice[] = ['none', 'top-left', 'dual-left', 'dual-top'];
export const PUNCH_CHOICES: readonly PunchChoice[] = ['none', '2-hole', '3-hole', '4-hole'];
export const FINISHING_DIALECTS: readonly FinishingDialect[] = ['hp', 'ricoh', 'generic'];

/** Stable codes of the errors this module raises (as PullPrintError). */
export type LateBindingErrorCode =
  /** The requested changes or options are invalid (the release API answers 400). */
  | 'BAD_LATE_BINDING'
  /** The job's first PJL block did not end within PJL_HEADER_CAP bytes. */
  | 'PJL_HEADER_TOO_LARGE'
  /** An internal failure while rewriting; the job must not be sent half-rewritten. */
  | 'LATE_BINDING_FAILED';
