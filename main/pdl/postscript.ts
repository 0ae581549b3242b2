// Streaming DSC reader for PostScript (PROTOCOLS.md §6). It looks only at lines that
// start with `%%` (held up to MAX_LINE bytes) and skips everything else with indexOf,
// so gigabyte jobs cost one pass and a 4 KiB buffer.
//
// - Title, For (user) and Pages are read in the header (up to %%EndComments or the first
//   line that is not a comment) and after %%Trailer, at nesting depth 0; `(atend)` is
//   ignored and the last occurrence wins.
// - Pages: `%%Page:` lines at depth 0 (depth rises at %%BeginDocument, falls at
//   %%EndDocument), with the spans of `%%BeginData: n [type] [Bytes|Lines]` and
//   `%%BeginBinary: n` skipped; `%%Pages:` only when there is no `%%Page:` line.
// - Copies, duplex, colour come from driver feature blocks (`%%BeginFeature: *NumCopies`,
//   `%%BeginNonPPDFeature: NumCopies`, `*Duplex`, `*ColorModel`), then from DSC hints
//   (`%%DocumentProcessColors`, `%%Requirements: color|duplex|numcopies(n)`). Nothing is
//   guessed from PostScript code: a regex over code is unreliable (§6).
// - Ctrl-D (04) at a line start is framing and ignored. A DOS EPS binary header
//   (C5 D0 D3 C6) is followed to its PostScript part.
import type { DiagnosedInspector } from './diagnostics.js';
import type { SectionFacts } from './types.js';
import { colourModelKeyword, dscText, duplexKeyword, processColours } from './dsc-values.js';
import { parseBoundedInt } from './job-text.js';

/** Longest DSC comment line kept; the rest of a longer line is dropped. */
export const MAX_DSC_LINE = 4096;
const EPS_HEADER = 12; // magic + PS offset + PS length; the rest of the 30-byte header is skipped
const MAX_PAGES = 10_000_000;
const MAX_COPIES = 99_999;

const LF = 0x0a;
const CR = 0x0d;
const PCT = 0x25;

type LineMode = 'start' | 'pct' | 'capture' | 'skip';
type EpsMode = 'probe' | 'plain' | 'eps' | 'done';

export function createPostScriptInspector(): DiagnosedInspector {
  const problems = new Set<string>();

  // DOS EPS framing.
  let eps: EpsMode = 'probe';
  const epsHead = Buffer.alloc(EPS_HEADER);
  let epsLen = 0;
  let epsSkip = 0;
  let epsRemaining = 0;

  // Line state.
  let mode: LineMode = 'start';
  const line = Buffer.alloc(MAX_DSC_LINE);
  let lineLen = 0;
  let afterCR = false;
  let armedSkip = 0;
  let skipBytes = 0;
  let skipLines = 0;

  // Document structure.
  let depth = 0;
  let inHeader = true;
  let inTrailer = false;

  // Facts.
  let title: string | null = null;
  let user: string | null = null;
  let pagesComment: number | null = null;
  let pageLines = 0;
  let featureCopies: number | null = null;
  let hintCopies: number | null = null;
  let featureDuplex: boolean | null = null;
  let hintDuplex: boolean | null = null;
  let featureColour: boolean | null = null;
  let processColour: boolean | null = null;
  let hintColour: boolean | null = null;

  function comment(text: string): void {
    const colon = text.indexOf(':');
    const key = (colon >= 0 ? text.slice(0, colon) : text).trimEnd();
    const value = colon >= 0 ? text.slice(colon + 1).trim() : '';
    switch (key) {
      case '%%BeginDocument':
        depth++;
        return;
      case '%%EndDocument':
        if (depth > 0) depth--;
        return;
      case '%%BeginData':
      case '%%BeginBinary':
        beginData(key, value);
        return;
      default:
        break;
    }
    if (depth > 0) return;
    const inHeaderOrTrailer = inHeader || inTrailer;
    switch (key) {
      case '%%EndComments':
      case '%%BeginProlog':
      case '%%BeginSetup':
        inHeader = false;
        return;
      case '%%Trailer':
        inHeader = false;
        inTrailer = true;
        return;
      case '%%Page':
        inHeader = false;
        if (pageLines < MAX_PAGES) pageLines++;
        return;
      case '%%Title':
        if (inHeaderOrTrailer && value !== '(atend)') title = dscText(value) ?? title;
        return;
      case '%%For':
        if (inHeaderOrTrailer && value !== '(atend)') user = dscText(value) ?? user;
        return;
      case '%%Pages': {
        if (!inHeaderOrTrailer || value === '(atend)') return;
        const n = parseBoundedInt(value.split(/\s+/)[0], 0, MAX_PAGES);
        if (n === null) problems.add('MALFORMED_DSC');
        else pagesComment = n;
        return;
      }
      case '%%DocumentProcessColors':
        if (inHeaderOrTrailer) processColour = processColours(value) ?? processColour;
        return;
      case '%%Requirements':
        if (inHeaderOrTrailer) requirements(value);
        return;
      case '%%BeginFeature':
      case '%%IncludeFeature':
      case '%%BeginNonPPDFeature':
        feature(value);
        return;
      default:
        return;
    }
  }

  function beginData(key: string, value: string): void {
    const parts = value.split(/\s+/);
    // A count beyond any real file still means "skip to the end": clamp, do not reject.
    const n = /^\d+$/.test(parts[0] ?? '') ? Math.min(Number(parts[0]), Number.MAX_SAFE_INTEGER) : null;
    if (n === null) {
      problems.add('MALFORMED_DSC');
      return;
    }
    if (key === '%%BeginData' && (parts[2] ?? '').toLowerCase() === 'lines') skipLines = n;
    else armedSkip = n;
  }

  // `*NumCopies 2`, `NumCopies 2`, `*Duplex DuplexNoTumble`, `*ColorModel Gray`, `*ColorMode FalseM`.
  function feature(value: string): void {
    const [rawKey, arg = ''] = value.split(/\s+/);
    const key = (rawKey ?? '').replace(/^\*/, '');
    if (key === 'NumCopies') {
      const n = parseBoundedInt(arg, 1, MAX_COPIES);
      if (n === null) problems.add('MALFORMED_DSC');
      else featureCopies = n;
    } else if (key === 'Duplex') {
      featureDuplex = duplexKeyword(arg) ?? featureDuplex;
    } else if (key === 'ColorModel' || key === 'ColorMode') {
      featureColour = colourModelKeyword(arg) ?? featureColour;
    }
  }

  // %%Requirements: color duplex(tumble) numcopies(2) collate …: hints only (§6).
  function requirements(value: string): void {
    for (const word of value.toLowerCase().split(/\s+/)) {
      if (word === 'color') hintColour = true;
      else if (word === 'duplex' || word.startsWith('duplex(')) hintDuplex = true;
      else {
        const m = /^numcopies\((\d+)\)$/.exec(word);
        if (m) hintCopies = parseBoundedInt(m[1], 1, MAX_COPIES) ?? hintCopies;
      }
    }
  }

  function endLine(): void {
    if (mode === 'capture') comment(line.toString('latin1', 0, lineLen));
    else if (skipLines > 0) skipLines--;
    lineLen = 0;
    mode = 'start';
  }

  function dsc(buf: Buffer): void {
    let lf = -2;
    let cr = -2;
    const eolFrom = (from: number): number => {
      if (lf !== -1 && lf < from) lf = buf.indexOf(LF, from);
      if (cr !== -1 && cr < from) cr = buf.indexOf(CR, from);
      if (lf === -1) return cr;
      if (cr === -1) return lf;
      return Math.min(lf, cr);
    };
    let i = 0;
    while (i < buf.length) {
      if (afterCR) {
        afterCR = false;
        if (buf[i] === LF) {
          i++;
          continue;
        }
      }
      if (armedSkip > 0) {
        skipBytes = armedSkip;
        armedSkip = 0;
      }
      if (skipBytes > 0) {
        const n = Math.min(skipBytes, buf.length - i);
        skipBytes -= n;
        i += n;
        continue;
      }
      const b = buf[i];
      if (mode === 'start') {
        if (b === 0x04) {
          i++; // Ctrl-D framing
          continue;
        }
        if (b === PCT && skipLines === 0) {
          mode = 'pct';
          i++;
          continue;
        }
        if (b !== LF && b !== CR && b !== 0x20 && b !== 0x09) {
          // Code, not a comment: the header is over (blank lines do not end it).
          inHeader = false;
        }
        mode = 'skip';
        continue;
      }
      if (mode === 'pct') {
        if (b === PCT) {
          mode = 'capture';
          line[0] = PCT;
          line[1] = PCT;
          lineLen = 2;
          i++;
        } else {
          mode = 'skip'; // `%!…` or a plain `%` comment
        }
        continue;
      }
      const e = eolFrom(i);
      const end = e === -1 ? buf.length : e;
      if (mode === 'capture' && lineLen < MAX_DSC_LINE) {
        const n = Math.min(end - i, MAX_DSC_LINE - lineLen);
        buf.copy(line, lineLen, i, i + n);
        lineLen += n;
      }
      if (e === -1) return;
      afterCR = buf[e] === CR;
      i = e + 1;
      endLine();
    }
  }

  function write(chunk: Buffer): void {
    let buf = chunk;
    if (eps === 'probe') {
      const magic = [0xc5, 0xd0, 0xd3, 0xc6];
      let i = 0;
      while (i < buf.length && epsLen < EPS_HEADER) {
        if (epsLen < 4 && buf[i] !== magic[epsLen]) break;
        epsHead[epsLen++] = buf[i++];
      }
      if (epsLen < EPS_HEADER && i < buf.length) {
        // Not a DOS EPS header: what was held is ordinary PostScript.
        eps = 'plain';
        const held = Buffer.from(epsHead.subarray(0, epsLen));
        epsLen = 0;
        dsc(held);
        dsc(buf.subarray(i));
        return;
      }
      if (epsLen < EPS_HEADER) return;
      const psOffset = epsHead.readUInt32LE(4);
      epsRemaining = epsHead.readUInt32LE(8);
      epsLen = 0;
      if (psOffset < EPS_HEADER) {
        problems.add('MALFORMED_DSC');
        eps = 'done';
        return;
      }
      eps = 'eps';
      epsSkip = psOffset - EPS_HEADER;
      buf = buf.subarray(i);
    }
    if (eps === 'plain') {
      dsc(buf);
      return;
    }
    if (eps === 'eps') {
      const skip = Math.min(epsSkip, buf.length);
      epsSkip -= skip;
      buf = buf.subarray(skip);
      const take = Math.min(epsRemaining, buf.length);
      epsRemaining -= take;
      if (take > 0) dsc(buf.subarray(0, take));
      // Bytes past the PostScript part (a WMF or TIFF preview) are ignored.
    }
  }

  function end(): void {
    if (eps === 'probe' && epsLen > 0) {
      eps = 'plain';
      const held = Buffer.from(epsHead.subarray(0, epsLen));
      epsLen = 0;
      dsc(held);
    }
    if (mode === 'capture') endLine();
    if (skipBytes > 0 || armedSkip > 0 || skipLines > 0) problems.add('MALFORMED_DSC');
    if (eps === 'eps' && (epsSkip > 0 || epsRemaining > 0)) problems.add('TRUNCATED_PDL');
  }

  function result(): SectionFacts {
    return {
      title,
      user,
      pages: pageLines > 0 ? pageLines : pagesComment,
      copies: featureCopies ?? hintCopies,
      duplex: featureDuplex ?? hintDuplex,
      color: featureColour ?? processColour ?? hintColour,
    };
  }

  return {
    write,
    end,
    result,
    problems: () => [...problems],
    bufferedBytes: () => lineLen + epsLen,
  };
}
