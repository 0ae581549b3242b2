// Values of DSC comments (PROTOCOLS.md §6): text that may be a PostScript string with
// escapes, and the feature keywords Windows and CUPS drivers write.
import { decodeJobText } from './job-text.js';

/**
 * A DSC <text> value: a PostScript string `(…)` with its escapes and balanced
 * parentheses, else the rest of the line. `line` holds one char per byte (latin1).
 */
export function dscText(value: string): string | null {
  const v = value.trim();
  if (!v.startsWith('(')) return decodeJobText(Buffer.from(v, 'latin1'));
  return decodeJobText(psStringBytes(v));
}

const ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, f: 0x0c };

/** The bytes of a PostScript literal string starting at `s[0] === '('`; an unterminated one keeps what is there. */
export function psStringBytes(s: string): Buffer {
  const out: number[] = [];
  let depth = 1;
  let i = 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) break;
      if (n >= '0' && n <= '7') {
        let j = i + 1;
        let code = 0;
        while (j < s.length && j < i + 4 && s[j] >= '0' && s[j] <= '7') code = code * 8 + (s.charCodeAt(j++) - 0x30);
        out.push(code & 0xff);
        i = j;
        continue;
      }
      if (n in ESCAPES) out.push(ESCAPES[n]);
      else if (n !== '\r' && n !== '\n') out.push(n.charCodeAt(0) & 0xff); // \( \) \\ and unknown escapes keep the char
      i += 2;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) break;
    out.push(c.charCodeAt(0) & 0xff);
    i++;
  }
  return Buffer.from(out);
}

/** `*Duplex DuplexNoTumble` etc. (PPD option keywords as drivers emit them). */
export function duplexKeyword(value: string): boolean | null {
  switch (value.toLowerCase()) {
    case 'duplexnotumble':
    case 'duplextumble':
    case 'true':
    case 'on':
    case 'longedge':
    case 'shortedge':
      return true;
    case 'none':
    case 'simplex':
    case 'false':
    case 'off':
      return false;
    default:
      return null;
  }
}

/** `*ColorModel Gray|CMYK|RGB…`: the PPD's colour-mode choice. */
export function colourModelKeyword(value: string): boolean | null {
  const v = value.toLowerCase();
  // Boolean colour options of printer PPDs (`*ColorMode FalseM` on Lexmark, `*CMAndResolution`…).
  if (/^(false|falsem|off|no)$/.test(v)) return false;
  if (/^(true|truem|on|yes)$/.test(v)) return true;
  if (/^(gray|grey|grayscale|greyscale|mono|monochrome|black|k|kgray)$/.test(v)) return false;
  if (/^(cmyk|cmy|rgb|rgbk|rgbw|color|colour|kcmy|srgb)$/.test(v)) return true;
  return null;
}

/** `%%DocumentProcessColors: Cyan Magenta Yellow Black`: the process inks the document uses. */
export function processColours(value: string): boolean | null {
  const names = value.trim().split(/\s+/).map((s) => s.toLowerCase());
  if (names.length === 0 || names[0] === '' || names[0] === '(atend)') return null;
  if (names.some((n) => n === 'cyan' || n === 'magenta' || n === 'yellow')) return true;
  if (names.every((n) => n === 'black')) return false;
  return null;
}
