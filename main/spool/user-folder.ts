// Owner name → user folder name, an injective encoding that is safe on every file system
// we run on, including case-insensitive ones (NTFS, APFS by default):
//
// - ASCII `a-z 0-9 _ - @ +` stay as they are, and `.` except first or last;
// - every other byte of the owner's UTF-8 (upper-case letters included) becomes `%XX`
//   with upper-case hex, and `%` itself is always escaped;
// - a Windows device name (`con`, `nul`, `com1`...) has its first letter escaped.
// Literal characters are all lower case and escapes are decoded case-insensitively, so
// two owners that differ only in case ("Alice", "alice") land in different folders
// even where the file system folds case ("%41lice" vs "alice").
// Owners whose encoding would be empty or longer than MAX_FOLDER_BYTES, or that are not
// well-formed UTF-16, become `<readable prefix>~<sha256 of the UTF-16 code units>`: `~`
// never appears in the plain encoding, so the two forms cannot meet.

import { createHash } from 'node:crypto';

const MAX_FOLDER_BYTES = 120;
const HASHED_PREFIX_BYTES = 48;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CANONICAL = /^(?:[a-z0-9_\-@+.]|%[0-9A-F]{2})+$/;

function isLiteral(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x5f || byte === 0x2d || byte === 0x40 || byte === 0x2b;
}

function escape(byte: number): string {
  return '%' + byte.toString(16).toUpperCase().padStart(2, '0');
}

function percentEncode(owner: string): string {
  const bytes = Buffer.from(owner, 'utf8');
  const parts: string[] = [];
  bytes.forEach((b, i) => {
    const dotInside = b === 0x2e && i > 0 && i < bytes.length - 1;
    parts.push(isLiteral(b) || dotInside ? String.fromCharCode(b) : escape(b));
  });
  const dot = parts.indexOf('.');
  const base = (dot < 0 ? parts : parts.slice(0, dot)).join('');
  if (WINDOWS_DEVICE.test(base)) parts[0] = escape(parts[0].charCodeAt(0));
  return parts.join('');
}

export function userFolderName(owner: string): string {
  const plain = LONE_SURROGATE.test(owner) ? '' : percentEncode(owner);
  if (plain.length > 0 && plain.length <= MAX_FOLDER_BYTES) return plain;
  let prefix = plain.slice(0, HASHED_PREFIX_BYTES);
  // Never cut an escape in half.
  const cut = prefix.lastIndexOf('%');
  if (cut >= 0 && cut > prefix.length - 3) prefix = prefix.slice(0, cut);
  const hash = createHash('sha256').update(Buffer.from(owner, 'utf16le')).digest('hex');
  return `${prefix}~${hash}`;
}

/** The owner a plain (not hashed) folder name stands for, or null if it is not one of ours. */
export function ownerFromFolderName(name: string): string | null {
  if (!CANONICAL.test(name)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '%') {
      bytes.push(parseInt(name.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(name.charCodeAt(i));
    }
  }
  let owner: string;
  try {
    owner = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.from(bytes));
  } catch {
    return null;
  }
  return userFolderName(owner) === name ? owner : null;
}
