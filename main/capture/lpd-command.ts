// Parsers for the two kinds of LPD command line (RFC 1179 §5 and §6), pure and total:
// they return a 'malformed' value instead of throwing. The line is given without its LF.

import { LPD_FAKE_COUNT } from './limits.js';

export type DaemonCommand =
  | { readonly kind: 'print-waiting'; readonly queue: string }
  | { readonly kind: 'receive-job'; readonly queue: string }
  | { readonly kind: 'queue-state'; readonly queue: string; readonly long: boolean; readonly list: readonly string[] }
  | { readonly kind: 'remove-jobs'; readonly queue: string; readonly agent: string; readonly list: readonly string[] };

export type Subcommand =
  | { readonly kind: 'abort' }
  | {
      readonly kind: 'control-file' | 'data-file';
      /** Decimal count as sent; MAX_SAFE_INTEGER when it has too many digits to matter. */
      readonly count: number;
      readonly name: string;
    };

export interface Malformed {
  readonly kind: 'malformed';
  readonly reason: string;
}

/** Printable ASCII and HT only, as RFC 1179 operands are. */
function printable(line: Buffer, from: number): boolean {
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c !== 0x09 && (c < 0x20 || c > 0x7e)) return false;
  }
  return true;
}

/** Splits on runs of SP/HT, dropping empty fields. */
function fields(text: string): string[] {
  return text.split(/[ \t]+/).filter((f) => f.length > 0);
}

export function parseDaemonCommand(line: Buffer): DaemonCommand | Malformed {
  if (line.length === 0) return { kind: 'malformed', reason: 'empty command line' };
  const code = line[0];
  if (!printable(line, 1)) return { kind: 'malformed', reason: 'non-printable byte in the operands' };
  const ops = fields(line.toString('latin1', 1));
  const queue = ops[0] ?? '';
  switch (code) {
    case 0x01:
      return { kind: 'print-waiting', queue };
    case 0x02:
      // Anything after the queue name is not part of RFC 1179; ignore it.
      return { kind: 'receive-job', queue };
    case 0x03:
    case 0x04:
      return { kind: 'queue-state', queue, long: code === 0x04, list: ops.slice(1) };
    case 0x05:
      return { kind: 'remove-jobs', queue, agent: ops[1] ?? '', list: ops.slice(2) };
    default:
      return { kind: 'malformed', reason: `unknown daemon command 0x${code.toString(16).padStart(2, '0')}` };
  }
}

const MAX_COUNT_DIGITS = 15;

export function parseSubcommand(line: Buffer): Subcommand | Malformed {
  if (line.length === 0) return { kind: 'malformed', reason: 'empty subcommand line' };
  const code = line[0];
  if (code === 0x01) return { kind: 'abort' };
  if (code !== 0x02 && code !== 0x03) {
    return { kind: 'malformed', reason: `unknown subcommand 0x${code.toString(16).padStart(2, '0')}` };
  }
  // A CR before the LF is not RFC 1179, but costs nothing to accept.
  const end = line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
  const body = line.subarray(0, end);
  if (!printable(body, 1)) return { kind: 'malformed', reason: 'non-printable byte in the subcommand' };
  const text = body.toString('latin1', 1);
  const m = /^([0-9]+)(?:[ \t]+(.*))?$/.exec(text);
  if (!m) return { kind: 'malformed', reason: 'count is not a decimal number' };
  const digits = m[1].replace(/^0+(?=[0-9])/, '');
  const count = digits.length > MAX_COUNT_DIGITS ? Number.MAX_SAFE_INTEGER : Number(digits);
  return { kind: code === 0x02 ? 'control-file' : 'data-file', count, name: (m[2] ?? '').trim() };
}

/**
 * PROTOCOLS §2: a data count of 0 means "length unknown", and a count of 2^31-1 or more
 * (CUPS mode=stream, Windows without byte counting), or one above the job-size limit, is a
 * marker rather than a length. Such a file is read until the client closes.
 */
export function isUntilClose(count: number, maxJobSizeBytes: number): boolean {
  return count === 0 || count >= LPD_FAKE_COUNT || count > maxJobSizeBytes;
}
