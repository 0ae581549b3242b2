// Checks a late-binding request before anything is rewritten. The release API passes
// request bodies straight in, so every field is untrusted: unknown keys, wrong types,
// out-of-range copies and unknown enum values are refused with one message naming
// every problem, never silently dropped (a dropped "mono" would print in colour).
import { PullPrintError } from '../../util/errors.js';
import type { PdlKind } from '../types.js';
import {
  COLOR_CHOICES,
  COPIES_MAX,
  COPIES_MIN,
  FINISHING_DIALECTS,
  PUNCH_CHOICES,
  SIDES_CHOICES,
  STAPLE_CHOICES,
  type LateBindingChanges,
  type RewriteOptions,
} from './types.js';

const KEYS: readonly string[] = ['copies', 'color', 'sides', 'staple', 'punch'];
const PDL_KINDS: readonly PdlKind[] = ['postscript', 'pdf', 'pclxl', 'pcl5', 'unknown'];

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[], errors: string[]): T | undefined {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  errors.push(`${field} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describe(v)})`);
  return undefined;
}

function bad(errors: readonly string[]): PullPrintError {
  return new PullPrintError('BAD_LATE_BINDING', `invalid late-binding changes: ${errors.join('; ')}`);
}

/**
 * The changes in `input`, checked. A key that is absent (or undefined) is not changed;
 * `null` is refused like any other bad value. Throws PullPrintError('BAD_LATE_BINDING').
 */
export function validateChanges(input: unknown): LateBindingChanges {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw bad([`expected an object, got ${describe(input)}`]);
  }
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) throw bad(['expected a plain object']);
  const errors: string[] = [];
  const src = input as Record<string, unknown>;
  const unknown = Object.keys(src).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40)));
    errors.push(`unknown key${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${unknown.length > 5 ? ', …' : ''} (allowed: ${KEYS.join(', ')})`);
  }
  const out: LateBindingChanges = {};
  if (src.copies !== undefined) {
    const c = src.copies;
    if (typeof c === 'number' && Number.isInteger(c) && c >= COPIES_MIN && c <= COPIES_MAX) out.copies = c;
    else errors.push(`copies must be an integer from ${COPIES_MIN} to ${COPIES_MAX} (got ${describe(c)})`);
  }
  if (src.color !== undefined) {
    const v = oneOf('color', src.color, COLOR_CHOICES, errors);
    if (v) out.color = v;
  }
  if (src.sides !== undefined) {
    const v = oneOf('sides', src.sides, SIDES_CHOICES, errors);
    if (v) out.sides = v;
  }
  if (src.staple !== undefined) {
    const v = oneOf('staple', src.staple, STAPLE_CHOICES, errors);
    if (v) out.staple = v;
  }
  if (src.punch !== undefined) {
    const v = oneOf('punch', src.punch, PUNCH_CHOICES, errors);
    if (v) out.punch = v;
  }
  if (errors.length > 0) throw bad(errors);
  return out;
}

/** The options with their changes checked; throws PullPrintError('BAD_LATE_BINDING'). */
export function validateRewriteOptions(opts: RewriteOptions): Required<Omit<RewriteOptions, 'jobName' | 'jobIndex'>> & { jobName: string | null } {
  if (typeof opts !== 'object' || opts === null) throw bad([`expected options, got ${describe(opts)}`]);
  const changes = validateChanges(opts.changes);
  const errors: string[] = [];
  const pdl = oneOf('pdl', opts.pdl, PDL_KINDS, errors);
  const dialect = opts.finishingDialect === undefined ? 'generic' : oneOf('finishingDialect', opts.finishingDialect, FINISHING_DIALECTS, errors);
  const jobName = opts.jobName ?? null;
  if (jobName !== null && typeof jobName !== 'string') errors.push(`jobName must be a string or null (got ${describe(jobName)})`);
  if (errors.length > 0 || !pdl || !dialect) throw bad(errors);
  return { changes, pdl, finishingDialect: dialect, jobName };
}
