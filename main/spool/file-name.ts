// The stored document's file name, from the mode's PrintJobFileNameFormat (SPEC §3):
//   %d  time the job was printed, UTC, `YYYYMMDD-HHMMSS` (sorts as text, safe everywhere)
//   %i  the cycle counter (the job's seq), decimal
//   %u  the user (the job's owner)
//   %pd the driver (ProtocolMeta.driver, else the queue name)
//   %pq the queue (ProtocolMeta.queue, else the mode's queue name)
//   %%  a literal %
// Any other `%` sequence is kept as written. Substituted values come from print jobs and
// the network, so every one is cleaned (sanitizeValue), then the whole name again
// (finalizeName): no path separators, no `..`, no control or invisible format
// characters, no Windows-reserved characters or device names, no leading dot (names
// starting with `.` are the spool's own: temporary files, the records folder), no
// trailing dot or space, at most MAX_NAME_BYTES bytes of UTF-8. resolveInside() then
// proves the result names a file directly inside the user folder.

import { resolve, sep, dirname } from 'node:path';

export const MAX_NAME_BYTES = 200;
export const MAX_VALUE_BYTES = 64;
const MAX_EXTENSION_BYTES = 16;

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Cc: C0/C1 controls (NUL...); Cf: bidi overrides, zero-width characters; Zl/Zp: line breaks.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const WINDOWS_RESERVED_CHARS = /[/\\:*?"<>|]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

export interface FileNameValues {
  date: Date;
  seq: number;
  user: string;
  driver: string | null | undefined;
  queue: string | null | undefined;
  /** The mode's queue name, used when the protocol names no queue or driver. */
  modeQueue: string;
}

/** `%d`: UTC `YYYYMMDD-HHMMSS`. */
export function formatTimestamp(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-` +
    `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

/** Cuts a string to at most maxBytes of UTF-8 without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** Cleans one substituted value: never a separator, `..`, control character or reserved character. */
export function sanitizeValue(value: string, maxBytes = MAX_VALUE_BYTES): string {
  const clean = value
    .replace(LONE_SURROGATES, '_')
    .normalize('NFC')
    .replace(INVISIBLE, '_')
    .replace(WINDOWS_RESERVED_CHARS, '_')
    .replace(/\.{2,}/g, '_')
    .trim();
  return truncateUtf8(clean, maxBytes);
}

/** Expands the format with cleaned values; the result still goes through finalizeName. */
export function expandFormat(format: string, v: FileNameValues): string {
  const queue = v.queue?.trim() ? v.queue : v.modeQueue;
  const driver = v.driver?.trim() ? v.driver : queue;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const next = format[i + 1];
    const two = format.slice(i + 1, i + 3);
    if (next === '%') { out += '%'; i += 1; }
    else if (next === 'd') { out += formatTimestamp(v.date); i += 1; }
    else if (next === 'i') { out += String(v.seq); i += 1; }
    else if (next === 'u') { out += sanitizeValue(v.user); i += 1; }
    else if (two === 'pd') { out += sanitizeValue(driver); i += 2; }
    else if (two === 'pq') { out += sanitizeValue(queue); i += 2; }
    else out += c;
  }
  return out;
}

function splitExtension(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || Buffer.byteLength(name.slice(dot), 'utf8') > MAX_EXTENSION_BYTES) return { base: name, ext: '' };
  return { base: name.slice(0, dot), ext: name.slice(dot) };
}

/** Cleans a whole expanded name and caps it at MAX_NAME_BYTES, keeping a short extension. */
export function finalizeName(expanded: string): string {
  let name = sanitizeValue(expanded, Number.MAX_SAFE_INTEGER);
  name = name.replace(/^[.\s]+/, '_').replace(/[.\s]+$/, '');
  if (name === '') name = 'job';
  const firstDot = name.indexOf('.');
  const device = (firstDot < 0 ? name : name.slice(0, firstDot)).trim();
  if (WINDOWS_DEVICE.test(device)) name = `_${name}`;
  return capName(name, '');
}

/** The name with a collision suffix (`base~2.ext`), still within MAX_NAME_BYTES. */
export function withSuffix(name: string, n: number): string {
  return capName(name, `~${n}`);
}

function capName(name: string, suffix: string): string {
  const { base, ext } = splitExtension(name);
  const room = MAX_NAME_BYTES - Buffer.byteLength(ext + suffix, 'utf8');
  // Trimming may expose a trailing dot or space again; Windows would drop it silently.
  const cut = truncateUtf8(base, room).replace(/[.\s]+$/, '') || 'job';
  return `${cut}${suffix}${ext}`;
}

/**
 * The absolute path of `name` in `dir`, proven to be a direct child of dir: throws if
 * resolving it would leave the folder, whatever the name holds.
 */
export function resolveInside(dir: string, name: string): string {
  const root = resolve(dir);
  const full = resolve(root, name);
  if (!full.startsWith(root + sep) || dirname(full) !== root || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new Error(`file name escapes its folder: ${JSON.stringify(name)}`);
  }
  return full;
}
