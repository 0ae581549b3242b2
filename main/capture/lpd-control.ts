// The LPD control file (RFC 1179 §7): one command letter plus an operand per line. Pure
// and total: bad input gives { ok: false }, never an exception. Unknown letters are
// ignored (LPRng and others add their own), over-long values are cut, control characters
// are dropped, so nothing from a client reaches a log or a file name unfiltered.

import { isUtf8 } from 'node:buffer';
import { LPD_VALUE_MAX } from './limits.js';
import type { ProtocolMeta } from './types.js';

/** Print lines: the letter says how the data file is to be printed (l = as-is, CUPS default). */
const PRINT_LETTERS = new Set(['c', 'd', 'f', 'g', 'l', 'n', 'o', 'p', 'r', 't', 'v']);

export interface ControlDataFile {
  /** Number of print lines naming this file: the copies (PROTOCOLS §2). */
  readonly copies: number;
  /** The letter of the first print line (l, f, o, p...). */
  readonly format: string;
  /** The `N` line that belongs to this file, if any. */
  readonly sourceFile: string | null;
}

export interface ControlFile {
  readonly host: string | null;
  readonly user: string | null;
  readonly jobName: string | null;
  readonly title: string | null;
  /** `L`: user name for the banner page. */
  readonly bannerUser: string | null;
  /** `C`: class for the banner page. */
  readonly bannerClass: string | null;
  /** `M`: mail this user when printed. */
  readonly mailTo: string | null;
  /** Data files named by print lines, in order of first mention. */
  readonly files: ReadonlyMap<string, ControlDataFile>;
  /** Files named by `U` (unlink) lines. */
  readonly unlink: readonly string[];
  /** First `N` line, for data files the control file does not name. */
  readonly firstSourceFile: string | null;
  readonly ignoredLines: number;
}

export type ControlParse = { readonly ok: true; readonly control: ControlFile } | { readonly ok: false; readonly reason: string };

function decode(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  const v = value.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '').trim();
  return v.length > LPD_VALUE_MAX ? v.slice(0, LPD_VALUE_MAX) : v;
}

interface MutableFile {
  copies: number;
  format: string;
  sourceFile: string | null;
}

export function parseControlFile(bytes: Buffer): ControlParse {
  if (bytes.includes(0)) return { ok: false, reason: 'control file contains a NUL byte' };
  const single: Record<string, string | null> = { H: null, P: null, J: null, T: null, L: null, C: null, M: null };
  const files = new Map<string, MutableFile>();
  const unlink: string[] = [];
  let firstSource: string | null = null;
  let lastNamed: MutableFile | null = null;
  let pendingSource: string | null = null;
  let ignored = 0;
  for (const raw of decode(bytes).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    const letter = line[0];
    const value = clean(line.slice(1));
    if (letter in single) {
      // The first occurrence wins; a repeated H/P/J is a client bug, not a reason to refuse.
      if (single[letter] === null && value.length > 0) single[letter] = value;
    } else if (PRINT_LETTERS.has(letter)) {
      if (value.length === 0) {
        ignored++;
        continue;
      }
      let f = files.get(value);
      if (!f) {
        f = { copies: 0, format: letter, sourceFile: null };
        files.set(value, f);
      }
      f.copies++;
      if (f.sourceFile === null && pendingSource !== null) {
        f.sourceFile = pendingSource;
        pendingSource = null;
      }
      lastNamed = f;
    } else if (letter === 'N') {
      if (value.length === 0) continue;
      firstSource ??= value;
      // BSD lpr and CUPS write N after the print and U lines of its file; others before.
      if (lastNamed && lastNamed.sourceFile === null) lastNamed.sourceFile = value;
      else pendingSource = value;
    } else if (letter === 'U') {
      if (value.length > 0) unlink.push(value);
      const f = files.get(value);
      if (f) lastNamed = f;
    } else {
      ignored++;
    }
  }
  const control: ControlFile = {
    host: single.H,
    user: single.P,
    jobName: single.J,
    title: single.T,
    bannerUser: single.L,
    bannerClass: single.C,
    mailTo: single.M,
    files: new Map([...files].map(([k, f]) => [k, { copies: f.copies, format: f.format, sourceFile: f.sourceFile }])),
    unlink,
    firstSourceFile: firstSource,
    ignoredLines: ignored,
  };
  return { ok: true, control };
}

/** The ProtocolMeta of one data file; `control` is null when the job sent none. */
export function metaForDataFile(control: ControlFile | null, dataFile: string, queue: string): ProtocolMeta {
  if (!control) return { protocol: 'lpd', queue };
  const f = control.files.get(dataFile);
  return {
    protocol: 'lpd',
    queue,
    user: control.user ?? control.bannerUser,
    host: control.host,
    jobName: control.jobName,
    title: control.title,
    sourceFile: f?.sourceFile ?? control.firstSourceFile,
    copies: f ? f.copies : null,
  };
}
