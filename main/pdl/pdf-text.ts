// PDF text strings (ISO 32000-2 §7.9.2.2): UTF-16BE with BOM FE FF, UTF-8 with BOM
// EF BB BF (PDF 2.0), otherwise PDFDocEncoding. Also the XMP dc:title fallback.

/** PDFDocEncoding where it differs from Latin-1: 0x18–0x1F and 0x80–0xA0. */
const PDFDOC_18 = [0x02d8, 0x02c7, 0x02c6, 0x02d9, 0x02dd, 0x02db, 0x02da, 0x02dc];
const PDFDOC_80 = [
  0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203a, 0x2212, 0x2030, 0x201e, 0x201c, 0x201d, 0x2018,
  0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141, 0x0152, 0x0160, 0x0178, 0x017d, 0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0xfffd,
  0x20ac,
];

/** Titles longer than this are cut (a title is for a job list, not a document). */
export const MAX_TITLE_CHARS = 1024;

function pdfDocDecode(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c >= 0x18 && c <= 0x1f) s += String.fromCharCode(PDFDOC_18[c - 0x18]);
    else if (c >= 0x80 && c <= 0xa0) s += String.fromCharCode(PDFDOC_80[c - 0x80]);
    else s += String.fromCharCode(c);
  }
  return s;
}

/** Decodes a PDF text string's bytes to a JS string. */
export function decodeTextString(b: Buffer): string {
  let s: string;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const body = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    s = body.swap16().toString('utf16le');
    // Language tags: ESC xx [yy] ESC inside UTF-16 text are not part of the text.
    // eslint-disable-next-line no-control-regex
    s = s.replace(/\u001b[^\u001b]{0,8}\u001b/g, '');
  } else if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) {
    // Little-endian with BOM is not in the standard but some producers write it.
    s = b.subarray(2, 2 + ((b.length - 2) & ~1)).toString('utf16le');
  } else if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    s = b.subarray(3).toString('utf8');
  } else {
    s = pdfDocDecode(b);
  }
  return s;
}

/** A title as reported: control characters dropped, trimmed, capped; null when empty. */
export function cleanTitle(s: string): string | null {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[\r\n\t]+/g, ' ').trim();
  if (t.length === 0) return null;
  return t.length > MAX_TITLE_CHARS ? t.slice(0, MAX_TITLE_CHARS) : t;
}

function xmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

/** dc:title from an XMP packet: the x-default alternative, else the first one. */
export function xmpTitle(xmp: Buffer): string | null {
  let text: string;
  if (xmp.length >= 2 && xmp[0] === 0xfe && xmp[1] === 0xff) text = Buffer.from(xmp.subarray(2, 2 + ((xmp.length - 2) & ~1))).swap16().toString('utf16le');
  else if (xmp.length >= 2 && xmp[0] === 0xff && xmp[1] === 0xfe) text = xmp.subarray(2).toString('utf16le');
  else text = xmp.toString('utf8');
  const block = /<dc:title\b[^>]*>([\s\S]*?)<\/dc:title>/.exec(text);
  if (!block) {
    const attr = /\bdc:title\s*=\s*"([^"]*)"/.exec(text);
    return attr ? cleanTitle(xmlUnescape(attr[1])) : null;
  }
  const items = [...block[1].matchAll(/<rdf:li\b([^>]*)>([\s\S]*?)<\/rdf:li>/g)];
  if (items.length === 0) return cleanTitle(xmlUnescape(block[1].replace(/<[^>]*>/g, '')));
  const preferred = items.find((m) => /xml:lang\s*=\s*["']x-default["']/.test(m[1])) ?? items[0];
  return cleanTitle(xmlUnescape(preferred[2].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')));
}
