// Classifies a connection from its first bytes (PROTOCOLS §1). Pure: the listener calls it
// again with a longer prefix on every chunk until the answer is not 'need-more', and maps
// a 'need-more' that outlived the sniff timeout or met EOF to RAW itself.
//
// Never waits for more than one line: LPD and HTTP clients stop and wait for our answer
// after their first line, so a complete line is always enough to decide.

import { SNIFF_HTTP_MAX, SNIFF_LPD_MAX } from './limits.js';

export type SniffClass = 'http' | 'tls' | 'lpd' | 'raw' | 'need-more';

/** LPD daemon commands (RFC 1179 §5): 1 print waiting, 2 receive job, 3/4 queue state, 5 remove. */
export type LpdDaemonCode = 1 | 2 | 3 | 4 | 5;

export interface SniffResult {
  readonly kind: SniffClass;
  /** Set when kind is 'lpd'. */
  readonly lpdCommand?: LpdDaemonCode;
  /** Why, for debug logs. */
  readonly reason: string;
}

const LF = 0x0a;
const CR = 0x0d;
const HT = 0x09;
const SP = 0x20;
const ESC = 0x1b;

function result(kind: SniffClass, reason: string, lpdCommand?: LpdDaemonCode): SniffResult {
  return lpdCommand === undefined ? { kind, reason } : { kind, reason, lpdCommand };
}

export function sniff(prefix: Buffer): SniffResult {
  if (prefix.length === 0) return result('need-more', 'no bytes yet');
  const b0 = prefix[0];
  if (b0 === 0x16) return sniffTls(prefix);
  if (b0 >= 0x01 && b0 <= 0x05) return sniffLpd(prefix, b0 as LpdDaemonCode);
  if (b0 >= 0x41 && b0 <= 0x5a) return sniffHttp(prefix);
  return result('raw', 'first byte is not LPD, HTTP or TLS');
}

/** TLS record header: content type 22 (handshake), version 3.0..3.4. */
function sniffTls(p: Buffer): SniffResult {
  if (p.length < 2) return result('need-more', 'tls?');
  if (p[1] !== 0x03) return result('raw', '0x16 not followed by a TLS version');
  if (p.length < 3) return result('need-more', 'tls?');
  if (p[2] <= 0x04) return result('tls', 'TLS ClientHello record header');
  return result('raw', '0x16 0x03 with an unknown minor version');
}

/** PROTOCOLS §1 rule 2, with the overrides that keep TBCP and Ctrl-D PostScript RAW. */
function sniffLpd(p: Buffer, code: LpdDaemonCode): SniffResult {
  if (p.length < 2) return result('need-more', 'lpd?');
  const b1 = p[1];
  if (b1 === ESC) return result('raw', 'byte 1 is ESC');
  if (code === 0x04 && b1 === 0x25) return result('raw', 'Ctrl-D before %! (PostScript)');
  if (code === 0x01 && b1 === 0x4d) {
    // ^A M starts a TBCP stream when followed by %! or ESC; a queue may also start with M.
    if (p.length < 3) return result('need-more', 'tbcp?');
    if (p[2] === ESC) return result('raw', 'TBCP (^A M ESC)');
    if (p[2] === 0x25) {
      if (p.length < 4) return result('need-more', 'tbcp?');
      if (p[3] === 0x21) return result('raw', 'TBCP (^A M %!)');
    }
  }
  const end = Math.min(p.length, SNIFF_LPD_MAX);
  for (let i = 1; i < end; i++) {
    const c = p[i];
    if (c === LF) return result('lpd', `LPD command ${code}`, code);
    if (c !== HT && (c < SP || c > 0x7e)) return result('raw', `byte ${i} is not printable before the first LF`);
  }
  if (p.length >= SNIFF_LPD_MAX) return result('raw', 'no LF within 1 KiB');
  return result('need-more', 'lpd?');
}

const HTTP_VERSION = Buffer.from('HTTP/1.', 'latin1');

/** `^[A-Z]+ \S+ HTTP/1\.[01]\r?\n`, matched incrementally so a prefix of it is 'need-more'. */
function sniffHttp(p: Buffer): SniffResult {
  const end = Math.min(p.length, SNIFF_HTTP_MAX);
  let i = 0;
  while (i < end && p[i] >= 0x41 && p[i] <= 0x5a) i++;
  if (i === end) return httpNeedMore(p);
  if (p[i] !== SP) return result('raw', 'method not followed by SP');
  i++;
  const targetStart = i;
  while (i < end && p[i] > SP && p[i] !== 0x7f) i++;
  if (i === end) return httpNeedMore(p);
  if (i === targetStart || p[i] !== SP) return result('raw', 'no request target');
  i++;
  for (let k = 0; k < HTTP_VERSION.length; k++, i++) {
    if (i === end) return httpNeedMore(p);
    if (p[i] !== HTTP_VERSION[k]) return result('raw', 'no HTTP/1.x version');
  }
  if (i === end) return httpNeedMore(p);
  if (p[i] !== 0x30 && p[i] !== 0x31) return result('raw', 'HTTP version is not 1.0 or 1.1');
  i++;
  if (i === end) return httpNeedMore(p);
  if (p[i] === CR) {
    i++;
    if (i === end) return httpNeedMore(p);
  }
  if (p[i] === LF) return result('http', 'HTTP/1.x request line');
  return result('raw', 'request line does not end after the version');
}

function httpNeedMore(p: Buffer): SniffResult {
  if (p.length >= SNIFF_HTTP_MAX) return result('raw', 'no HTTP request line within 8 KiB');
  return result('need-more', 'http?');
}
