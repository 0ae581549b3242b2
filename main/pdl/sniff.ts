// Which page-description language a PDL section holds, from its first bytes
// (PROTOCOLS.md §1, the PDL rows). The protocol sniffing (LPD/HTTP/RAW) is elsewhere;
// UEL and PJL are the orchestrator's framing and never reach this point.
import type { PdlKind } from './types.js';

export type SniffResult = PdlKind | 'tbcp';

interface Signature {
  readonly bytes: Buffer;
  readonly kind: SniffResult;
}

const ESC = 0x1b;

const SIGNATURES: readonly Signature[] = [
  { bytes: Buffer.from('%!', 'latin1'), kind: 'postscript' },
  { bytes: Buffer.from([0xc5, 0xd0, 0xd3, 0xc6]), kind: 'postscript' }, // DOS EPS binary header
  { bytes: Buffer.from('%PDF-', 'latin1'), kind: 'pdf' },
  // PCL XL stream header; the binding byte is `)` little-endian, `(` big-endian, `'` ASCII.
  { bytes: Buffer.from(') HP-PCL XL;', 'latin1'), kind: 'pclxl' },
  { bytes: Buffer.from('( HP-PCL XL;', 'latin1'), kind: 'pclxl' },
  { bytes: Buffer.from("' HP-PCL XL;", 'latin1'), kind: 'pclxl' },
  // TBCP: ^A M, then PostScript or PCL (CUPS monitor/tbcp.c).
  { bytes: Buffer.from([0x01, 0x4d, 0x25, 0x21]), kind: 'tbcp' },
  { bytes: Buffer.from([0x01, 0x4d, ESC]), kind: 'tbcp' },
];

/** The longest signature: the most bytes a sniffer ever holds. */
export const SNIFF_MAX = Math.max(...SIGNATURES.map((s) => s.bytes.length));

/**
 * Bytes skipped before a PDL starts: Ctrl-D framing, NUL padding and whitespace. Not
 * form feed: in PCL a leading FF still ejects a page.
 */
export function isLeadingFiller(b: number): boolean {
  return b === 0x04 || b === 0x00 || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * Classifies a prefix. Returns the kind when the prefix decides it, 'unknown' when no
 * signature can match any more, or null when more bytes could still change the answer.
 * `complete` says no more bytes will come (section end), so null is never returned then.
 */
export function sniffPdl(prefix: Uint8Array, complete: boolean): SniffResult | null {
  if (prefix.length === 0) return complete ? 'unknown' : null;
  // PCL5: ESC + a parameterised character (0x21–0x2F) or ESC E (reset).
  if (prefix[0] === ESC) {
    if (prefix.length < 2) return complete ? 'unknown' : null;
    const c = prefix[1];
    if (c === 0x45 || (c >= 0x21 && c <= 0x2f)) return 'pcl5';
    return 'unknown';
  }
  let pending = false;
  for (const sig of SIGNATURES) {
    const n = Math.min(prefix.length, sig.bytes.length);
    let same = true;
    for (let i = 0; i < n; i++) {
      if (prefix[i] !== sig.bytes[i]) {
        same = false;
        break;
      }
    }
    if (!same) continue;
    if (n === sig.bytes.length) return sig.kind;
    pending = true;
  }
  return pending && !complete ? null : 'unknown';
}

/** The PDL an `@PJL ENTER LANGUAGE=` name selects. */
export function languageKind(name: string | null): PdlKind | null {
  if (name === null) return null;
  switch (name.toUpperCase()) {
    case 'PCL':
      return 'pcl5';
    case 'PCLXL':
    case 'PCL6':
    case 'PCLXL2':
      return 'pclxl';
    case 'POSTSCRIPT':
    case 'PS':
      return 'postscript';
    case 'PDF':
      return 'pdf';
    default:
      return 'unknown';
  }
}
