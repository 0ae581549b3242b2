// Strings read from job bytes (PJL names, DSC titles): UTF-8 when the bytes are valid
// UTF-8 (PJL STRINGCODESET=UTF8, most modern drivers), else ISO-8859-1, which never
// fails. Control characters go, whitespace is collapsed, and the length is capped so
// a hostile job cannot make us hold or log a huge string.

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Longest string kept from a job (PJL JOB NAME is at most 80 characters by spec). */
export const MAX_TEXT_CHARS = 256;

export function decodeJobText(bytes: Uint8Array): string | null {
  let s: string;
  try {
    s = utf8.decode(bytes);
  } catch {
    s = Buffer.from(bytes).toString('latin1');
  }
  return cleanText(s);
}

/** Controls out, whitespace collapsed, at most MAX_TEXT_CHARS characters; null when empty. */
export function cleanText(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  let s = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (s.length > MAX_TEXT_CHARS) s = Array.from(s).slice(0, MAX_TEXT_CHARS).join('').trim();
  return s.length > 0 ? s : null;
}

/** A decimal integer in [min, max], or null: job values are untrusted. */
export function parseBoundedInt(s: string, min: number, max: number): number | null {
  const m = /^[+]?(\d{1,12})(?:\.0*)?$/.exec(s.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n >= min && n <= max ? n : null;
}
