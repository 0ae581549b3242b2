// Streaming PCL 5 reader (PROTOCOLS.md §8): follows the escape grammar, skips binary
// payloads by their length (raster, fonts, patterns…) across chunk boundaries, and counts
// pages. Holds no buffer: the state is a handful of numbers.
//
// Pages = form feeds outside payloads + `ESC&l0H` ejects of a page with marks + 1 if marks
// are pending at `ESC E` or at the end. "Marks" are printable text bytes, raster rows
// with data, transparent data and rectangle fills. Limits: implicit ejects (text that
// runs past the bottom margin, a page-size or orientation change on a marked page) and
// HP-GL/2 `PG` are not seen; a form feed on a blank page counts (printers eject it).
// Ghostscript's ljet4d ends a duplex job with `FF ESC&l0H`: the eject of an empty page
// is not a page, hence the marks condition on `ESC&l0H`.
//
// Copies (`ESC&l#X`) and duplex (`ESC&l#S`) are those in effect when the first page
// was ejected (drivers set them once, in the job setup), else the last ones seen.
// Colour: `ESC*r#U` with 3 or -3 (RGB / CMY planes) or a CID (`ESC*v#W`) makes the job a
// colour candidate; `ESC*r1U` (K only) alone says monochrome; nothing says unknown.
import type { DiagnosedInspector } from './diagnostics.js';
import type { SectionFacts } from './types.js';

const ESC = 0x1b;
const FF = 0x0c;
const MAX_COPIES = 99_999;
/** Digits kept from a value; longer numbers saturate (a payload that long runs to the end anyway). */
const MAX_DIGITS = 15;

type State = 'text' | 'esc' | 'group' | 'value' | 'payload';

/** param char + group char + upper-case terminator of the commands followed by `value` data bytes. */
const PAYLOAD = new Set([
  '*bW', '*bV', // raster rows / planes
  '(sW', ')sW', '(fW', // character data, font header, symbol set
  '*cW', // user-defined pattern
  '&pX', // transparent print data
  '*vW', // configure image data (CID)
  '*lW', // colour lookup tables
  '&nW', // alphanumeric id
  '*oW', // driver configuration
  '*mW', // download dither matrix
  '*iW', // viewing illuminant
  '&bW', // AppleTalk configuration
  '*gW', // configure raster data (PCL3)
]);

export function createPcl5Inspector(): DiagnosedInspector {
  const problems = new Set<string>();
  let state: State = 'text';
  let param = 0;
  let group = 0;
  // Current value: sign, integer part, digits seen, whether anything was seen.
  let neg = false;
  let intVal = 0;
  let digits = 0;
  let dot = false;
  let started = false;
  let payloadLeft = 0;
  let payloadMarks = false;
  let afterPayload: State = 'text';

  let pages = 0;
  let marks = false;
  let copies: number | null = null;
  let duplex: boolean | null = null;
  let firstCopies: number | null = null;
  let firstDuplex: boolean | null = null;
  let colourCandidate = false;
  let monoSeen = false;

  function pageDone(): void {
    pages++;
    marks = false;
    if (pages === 1) {
      firstCopies = copies;
      firstDuplex = duplex;
    }
  }

  function resetValue(): void {
    neg = false;
    intVal = 0;
    digits = 0;
    dot = false;
    started = false;
  }

  /** Runs one parameter of an escape sequence; returns the payload length that follows it. */
  function command(term: number): number {
    const key = String.fromCharCode(param, group, term);
    const v = neg ? -intVal : intVal;
    if (PAYLOAD.has(key)) {
      const n = Math.max(0, v);
      payloadMarks = n > 0 && (key === '*bW' || key === '*bV' || key === '&pX');
      if (key === '*vW') colourCandidate = true;
      return n;
    }
    switch (key) {
      case '&lX':
        if (v >= 1 && v <= MAX_COPIES) copies = v;
        break;
      case '&lS':
        if (v === 0) duplex = false;
        else if (v === 1 || v === 2) duplex = true;
        break;
      case '&lH':
        if (v === 0 && marks) pageDone();
        break;
      case '*rU':
        if (v === 3 || v === -3) colourCandidate = true;
        else if (v === 1) monoSeen = true;
        break;
      case '*cP':
        marks = true; // rectangle fill
        break;
      default:
        break;
    }
    return 0;
  }

  function write(buf: Buffer): void {
    let i = 0;
    const len = buf.length;
    while (i < len) {
      switch (state) {
        case 'payload': {
          const n = Math.min(payloadLeft, len - i);
          payloadLeft -= n;
          i += n;
          if (payloadLeft === 0) {
            if (payloadMarks) marks = true;
            state = afterPayload;
          }
          break;
        }
        case 'text': {
          const b = buf[i++];
          if (b === ESC) state = 'esc';
          else if (b === FF) pageDone();
          else if (b > 0x20 && b !== 0x7f) marks = true;
          break;
        }
        case 'esc': {
          const b = buf[i];
          if (b >= 0x21 && b <= 0x2f) {
            param = b;
            state = 'group';
            i++;
          } else if (b === 0x45) {
            if (marks) pageDone(); // ESC E prints a partial page
            state = 'text';
            i++;
          } else if (b >= 0x30 && b <= 0x7e) {
            state = 'text'; // a two-character escape (ESC 9, ESC =, ESC Y…)
            i++;
          } else {
            problems.add('MALFORMED_PCL');
            state = 'text'; // the byte is read again as text
          }
          break;
        }
        case 'group': {
          const b = buf[i];
          resetValue();
          if (b >= 0x60 && b <= 0x7e) {
            group = b;
            i++;
          } else {
            group = 0x20; // e.g. ESC ( 8 U, ESC % 0 B: no group character
          }
          state = 'value';
          break;
        }
        case 'value': {
          const b = buf[i];
          if (b >= 0x30 && b <= 0x39) {
            if (!dot && digits < MAX_DIGITS) {
              intVal = intVal * 10 + (b - 0x30);
              digits++;
            }
            started = true;
            i++;
          } else if ((b === 0x2b || b === 0x2d) && !started) {
            neg = b === 0x2d;
            started = true;
            i++;
          } else if (b === 0x2e && !dot) {
            dot = true;
            started = true;
            i++;
          } else if (b >= 0x40 && b <= 0x5e) {
            i++;
            payloadLeft = command(b);
            state = payloadLeft > 0 ? 'payload' : 'text';
            afterPayload = 'text';
          } else if (b >= 0x60 && b <= 0x7e) {
            i++;
            payloadLeft = command(b - 0x20); // lower case chains another parameter
            resetValue();
            state = payloadLeft > 0 ? 'payload' : 'value';
            afterPayload = 'value';
          } else {
            problems.add('MALFORMED_PCL');
            state = 'text'; // the byte is read again as text
          }
          break;
        }
      }
    }
  }

  function end(): void {
    if (state === 'payload') problems.add('TRUNCATED_PDL');
    else if (state !== 'text') problems.add('MALFORMED_PCL');
    state = 'text';
    payloadLeft = 0;
    if (marks) pageDone();
  }

  function result(): SectionFacts {
    return {
      pages,
      copies: pages > 0 ? firstCopies ?? copies : copies,
      duplex: pages > 0 ? firstDuplex ?? duplex : duplex,
      color: colourCandidate ? true : monoSeen ? false : null,
    };
  }

  return { write, end, result, problems: () => [...problems], bufferedBytes: () => 0 };
}
