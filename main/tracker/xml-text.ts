// Text in and out of the report XML. Job titles come from print jobs and may hold any
// character; XML 1.0 cannot carry C0 controls (other than tab, LF, CR), U+FFFE/U+FFFF or
// unpaired surrogates even as character references, so those become U+FFFD when a
// record is made. CR is written as &#13; because parsers turn a literal CR into LF.

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces every character XML 1.0 cannot carry with U+FFFD. */
export function xmlSafe(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

/** Escapes text for element content (the input must already be xmlSafe). */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&apos;';
      default: return '&#13;';
    }
  });
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and character references; anything else (an
 * undeclared entity, a reference to a character XML forbids) makes the text invalid.
 */
export function decodeXmlText(raw: string): { ok: true; text: string } | { ok: false; error: string } {
  let error: string | null = null;
  const text = raw.replace(/&([^;&\s]{0,10});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) {
      error ??= 'a bare "&" (write &amp;)';
      return whole;
    }
    if (Object.hasOwn(NAMED, name)) return NAMED[name];
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (!m) {
      error ??= `unknown entity &${name};`;
      return whole;
    }
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
    const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) {
      error ??= `character reference &${name}; names a character XML does not allow`;
      return whole;
    }
    return String.fromCodePoint(cp);
  });
  if (error !== null) return { ok: false, error };
  if (xmlSafe(text) !== text) return { ok: false, error: 'a character XML does not allow' };
  return { ok: true, text };
}
