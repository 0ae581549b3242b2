// Which `@PJL SET` variables carry each change, per finishing dialect (PROTOCOLS.md §5,
// docs/late-binding.md). A setting is either *inserted* (written when the block has no
// SET line for it) or *replace-only* (an existing SET line gets the new value, nothing
// is added): replace-only keys are the ones a device reads as a second, conflicting
// source when a driver wrote them, but that need not be added otherwise.
//
// Sources of the names: HP Color LaserJet CM3530 MFP PPD (cups-filters: FINISH,
// STAPLEOPTION, PLANESINUSE, PROCESSINGACTION/BOUNDARY), the Ricoh PDF PPD (cups-filters:
// STAPLE, PUNCH, PUNCHHOLE, RENDERMODE + DATAMODE), HP's "PJL commands used for stapling
// or hole punching" white paper for the M806/M830/M855/M880 (the PROCESSINGTYPE /
// PROCESSINGOPTION sequence); values marked [unverified] in the docs follow their pattern.
import type { FinishingDialect, LateBindingChanges, PunchChoice, StapleChoice } from './types.js';
import { assertNever } from '../../util/errors.js';

export interface PjlSetting {
  /** Upper-case variable name. */
  readonly key: string;
  /** Exactly as written after `=` (quotes included for string values). */
  readonly value: string;
  /** Written when missing; otherwise only existing SET lines are replaced. */
  readonly insert: boolean;
}

/** HP's PROCESSINGTYPE/OPTION sequence: rewritten as a whole (its keys repeat per type). */
export interface ProcessingPlan {
  /** PROCESSINGOPTION for PROCESSINGTYPE="STAPLING", or null to keep what the job has. */
  readonly stapling: string | null;
  /** PROCESSINGOPTION for PROCESSINGTYPE="PUNCH", or null to keep what the job has. */
  readonly punch: string | null;
}

export interface PjlPlan {
  readonly settings: readonly PjlSetting[];
  readonly processing: ProcessingPlan | null;
}

export const PROCESSING_KEYS: ReadonlySet<string> = new Set(['PROCESSINGACTION', 'PROCESSINGTYPE', 'PROCESSINGOPTION', 'PROCESSINGBOUNDARY']);

const set = (key: string, value: string, insert: boolean): PjlSetting => ({ key, value, insert });

function hpStapleOption(s: StapleChoice): string {
  switch (s) {
    case 'none':
      return 'NONE';
    case 'top-left':
      return 'ONE';
    case 'dual-left':
    case 'dual-top':
      return 'TWO'; // the legacy variable has no edge: the device staples its default edge
    default:
      return assertNever(s, 'staple');
  }
}

function hpProcessingStaple(s: StapleChoice): string {
  switch (s) {
    case 'none':
      return '"NONE"';
    case 'top-left':
      return '"LEFT_1PT"';
    case 'dual-left':
      return '"LEFT_2PT"';
    case 'dual-top':
      return '"TOP_2PT"';
    default:
      return assertNever(s, 'staple');
  }
}

function hpProcessingPunch(p: PunchChoice): string {
  switch (p) {
    case 'none':
      return '"NONE"';
    case '2-hole':
      return '"2HOLE"';
    case '3-hole':
      return '"3HOLE"';
    case '4-hole':
      return '"4HOLE"';
    default:
      return assertNever(p, 'punch');
  }
}

function ricohStaple(s: StapleChoice): string {
  switch (s) {
    case 'none':
      return 'OFF';
    case 'top-left':
      return 'LEFTTOP';
    case 'dual-left':
      return 'LEFT2PORT';
    case 'dual-top':
      return 'TOP2PORT';
    default:
      return assertNever(s, 'staple');
  }
}

/** Ricoh PUNCHHOLE: 2 holes as "Japan/Europe" (80 mm), 3 as North America, 4 as Europe. */
function ricohPunchHole(p: Exclude<PunchChoice, 'none'>): string {
  switch (p) {
    case '2-hole':
      return 'JP2';
    case '3-hole':
      return 'US3';
    case '4-hole':
      return 'EU4';
    default:
      return assertNever(p, 'punch');
  }
}

export function planPjl(changes: LateBindingChanges, dialect: FinishingDialect): PjlPlan {
  const hp = dialect === 'hp' || dialect === 'generic';
  const ricoh = dialect === 'ricoh' || dialect === 'generic';
  const out: PjlSetting[] = [];
  if (changes.copies !== undefined) {
    // Copies in exactly one place (§5 rule 4): QTY=N collated, every other mechanism 1.
    out.push(set('QTY', String(changes.copies), true), set('COPIES', '1', false));
  }
  if (changes.sides !== undefined) {
    if (changes.sides === 'simplex') out.push(set('DUPLEX', 'OFF', true));
    else out.push(set('DUPLEX', 'ON', true), set('BINDING', changes.sides === 'duplex-long' ? 'LONGEDGE' : 'SHORTEDGE', true));
  }
  if (changes.color !== undefined) {
    const mono = changes.color === 'mono';
    out.push(
      set('RENDERMODE', mono ? 'GRAYSCALE' : 'COLOR', true),
      set('PLANESINUSE', mono ? '1' : '3', mono && hp),
      set('GRAYSCALE', mono ? 'ON' : 'OFF', false),
      set('DATAMODE', mono ? 'GRAYSCALE' : 'COLOR', ricoh),
    );
  }
  // Another dialect's variable is only ever switched off: its "on" values differ per vendor.
  if (changes.staple !== undefined) {
    const s = changes.staple;
    if (hp) out.push(set('FINISH', s === 'none' ? 'NONE' : 'STAPLE', true), set('STAPLEOPTION', hpStapleOption(s), s !== 'none'));
    else if (s === 'none') out.push(set('FINISH', 'NONE', false));
    if (ricoh) out.push(set('STAPLE', ricohStaple(s), true));
    else if (s === 'none') out.push(set('STAPLE', 'OFF', false));
  }
  if (changes.punch !== undefined) {
    const p = changes.punch;
    // Ricoh's PUNCH is an edge; PUNCHHOLE (the hole pattern) is left alone when punching is off.
    if (ricoh) {
      out.push(set('PUNCH', p === 'none' ? 'OFF' : 'LEFTPORT', true));
      if (p !== 'none') out.push(set('PUNCHHOLE', ricohPunchHole(p), true));
    } else if (p === 'none') {
      out.push(set('PUNCH', 'OFF', false));
    }
  }
  const processing =
    hp && (changes.staple !== undefined || changes.punch !== undefined)
      ? {
          stapling: changes.staple === undefined ? null : hpProcessingStaple(changes.staple),
          punch: changes.punch === undefined ? null : hpProcessingPunch(changes.punch),
        }
      : null;
  return { settings: out, processing };
}
