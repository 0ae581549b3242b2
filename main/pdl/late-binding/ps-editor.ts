// PostScript late binding (PROTOCOLS.md §5 rule 5, §6). Only DSC comment lines are read;
// code is never searched (a regex over code took `/NumCopies 4 -1 roll put` for 4):
// - a driver feature block `%%BeginFeature: *Duplex …` or `%%BeginFeature: *NumCopies n`
//   / `%%BeginNonPPDFeature: NumCopies n` … `%%EndFeature` gets its comment and its code
//   replaced (held up to FEATURE_CAP bytes; a longer or unterminated block is left alone);
// - guarded requests `[{ <<…>> setpagedevice } stopped cleartomark` are injected just
//   before `%%EndSetup`, else before the first `%%Page:` (at nesting depth 0). They come
//   after every setup-section feature, so they win whatever code the driver used. A file
//   whose first line is `%!` without `PS-Adobe-` has no DSC: the requests go after it.
// After the injection the rest of the section passes through untouched, chunk by chunk.
// `%%BeginData`/`%%BeginBinary` spans are skipped by count and `%%BeginDocument`
// (embedded EPS) raises the depth, as in main/pdl/postscript.ts.
import type { PdlEditor, ProblemSink } from './pdl-editor.js';
import { COPIES_REQUEST, duplexOption, duplexRequest, injection } from './ps-code.js';
import { SliceEmitter } from './slice-emitter.js';
import type { SidesChoice } from './types.js';

/** Longest DSC line held; a longer `%%` line is passed through unread. */
export const PS_LINE_CAP = 4096;
/** Longest driver feature block held for a rewrite. */
export const FEATURE_CAP = 16 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const PCT = 0x25;
const BANG = 0x21;

export interface PostScriptEdits {
  readonly sides: SidesChoice | null;
  readonly copiesToOne: boolean;
}

interface Feature {
  readonly kind: 'duplex' | 'copies';
  readonly start: number;
  /** The rewritten `%%BeginFeature:` comment, without line ending. */
  readonly begin: string;
}

type LineState = 'start' | 'pct' | 'dsc' | 'other';

export class PostScriptEditor implements PdlEditor {
  private readonly em = new SliceEmitter();
  private done = false;
  private line: LineState = 'start';
  private lineAt = 0;
  private readonly text = Buffer.alloc(PS_LINE_CAP);
  private textLen = 0;
  private afterCR = false;
  private armedSkip = 0;
  private skipBytes = 0;
  private skipLines = 0;
  private depth = 0;
  private firstLine = true;
  private injected = false;
  /** Inject at the start of the next line (after a first line without DSC, once its ending is known). */
  private injectNext = false;
  /** The document's line ending, from the last line seen (for the lines we write). */
  private eol = '\n';
  private feature: Feature | null = null;

  constructor(
    private readonly edits: PostScriptEdits,
    private readonly problem: ProblemSink,
  ) {}

  buffered(): number {
    return this.em.held;
  }

  write(chunk: Buffer, out: Buffer[]): void {
    const em = this.em;
    em.begin(chunk, out);
    if (!this.done) this.scan(chunk, em.chunkStart);
    let holdFrom = em.chunkEnd;
    if (this.feature) {
      if (em.chunkEnd - this.feature.start > FEATURE_CAP) this.dropFeature();
      else holdFrom = this.feature.start;
    } else if (this.line === 'pct' || this.line === 'dsc') {
      holdFrom = this.lineAt;
    }
    em.endChunk(holdFrom);
  }

  end(out: Buffer[]): void {
    this.em.begin(Buffer.alloc(0), out);
    if (!this.done && this.line === 'dsc') this.lineEnd(this.em.chunkEnd);
    if (this.feature) this.dropFeature();
    if (this.injectNext) this.inject(this.em.chunkEnd);
    if (!this.injected) this.problem('PS_NOT_INJECTED');
    this.em.emitTo(this.em.chunkEnd);
    this.done = true;
  }

  private scan(chunk: Buffer, base: number): void {
    const n = chunk.length;
    // The next LF and CR at or after a position, each searched once per chunk pass.
    let lf = -2;
    let cr = -2;
    const eolFrom = (from: number): number => {
      if (lf !== -1 && lf < from) lf = chunk.indexOf(LF, from);
      if (cr !== -1 && cr < from) cr = chunk.indexOf(CR, from);
      if (lf === -1) return cr;
      if (cr === -1) return lf;
      return Math.min(lf, cr);
    };
    let i = 0;
    while (i < n && !this.done) {
      if (this.afterCR) {
        this.afterCR = false;
        const crlf = chunk[i] === LF;
        this.eol = crlf ? '\r\n' : '\r';
        if (crlf) {
          i++;
          continue;
        }
      }
      if (this.armedSkip > 0) {
        this.skipBytes = this.armedSkip;
        this.armedSkip = 0;
      }
      if (this.skipBytes > 0) {
        const take = Math.min(this.skipBytes, n - i);
        this.skipBytes -= take;
        i += take;
        continue;
      }
      const b = chunk[i];
      if (this.line === 'start') {
        if (this.injectNext) {
          this.inject(base + i);
          return;
        }
        if (b === 0x04) {
          i++; // Ctrl-D framing
        } else if (b === PCT && this.skipLines === 0) {
          this.line = 'pct';
          this.lineAt = base + i;
          i++;
        } else {
          this.line = 'other';
        }
        continue;
      }
      if (this.line === 'pct') {
        if (b === PCT || (b === BANG && this.firstLine)) {
          this.line = 'dsc';
          this.text[0] = PCT;
          this.text[1] = b;
          this.textLen = 2;
          i++;
        } else {
          this.line = 'other';
        }
        continue;
      }
      // 'dsc' or 'other': on to the end of the line.
      const e = eolFrom(i);
      const end = e < 0 ? n : e;
      if (this.line === 'dsc') {
        if (this.textLen + (end - i) > PS_LINE_CAP) this.line = 'other'; // too long to be ours
        else {
          chunk.copy(this.text, this.textLen, i, end);
          this.textLen += end - i;
        }
      }
      if (e < 0) return;
      // A CR's line ending is known at the next byte (CR LF or CR alone); until then the
      // lines we write follow the previous line's.
      this.afterCR = chunk[e] === CR;
      if (!this.afterCR) this.eol = '\n';
      i = e + 1;
      this.lineEnd(base + i);
    }
  }

  /** A line ended; `end` is the offset after its CR or LF. */
  private lineEnd(end: number): void {
    // The same test as at chunk ends, so the result never depends on how bytes were cut.
    if (this.feature && end - this.feature.start > FEATURE_CAP) this.dropFeature();
    const first = this.firstLine;
    this.firstLine = false;
    const state = this.line;
    this.line = 'start';
    if (state !== 'dsc') {
      if (state === 'other' && this.skipLines > 0) this.skipLines--;
      return;
    }
    const text = this.text.toString('latin1', 0, this.textLen).replace(/[\r\n]+$/, '');
    this.dsc(text, this.lineAt, end, first);
  }

  private dsc(text: string, start: number, end: number, first: boolean): void {
    if (first) {
      if (!text.startsWith('%!PS-Adobe-')) this.injectNext = true; // no DSC: right after the first line
      return;
    }
    const colon = text.indexOf(':');
    const key = (colon >= 0 ? text.slice(0, colon) : text).trimEnd();
    const value = colon >= 0 ? text.slice(colon + 1).trim() : '';
    if (this.feature) {
      if (key === '%%EndFeature' || key === '%%EndNonPPDFeature') {
        this.finishFeature(start, end);
        return;
      }
      if (key !== '%%EndSetup' && key !== '%%Page') return;
      this.dropFeature(); // unterminated block: leave it as it was
    }
    switch (key) {
      case '%%BeginDocument':
        this.depth++;
        return;
      case '%%EndDocument':
        if (this.depth > 0) this.depth--;
        return;
      case '%%BeginData':
      case '%%BeginBinary':
        this.beginData(key, value);
        return;
      default:
        break;
    }
    if (this.depth > 0) return;
    switch (key) {
      case '%%EndSetup':
      case '%%Page':
        this.inject(start);
        return;
      case '%%BeginFeature':
      case '%%BeginNonPPDFeature':
        this.beginFeature(key, value, start);
        return;
      case '%%IncludeFeature':
        this.includeFeature(key, value, start, end);
        return;
      default:
        return;
    }
  }

  private beginData(key: string, value: string): void {
    const parts = value.split(/\s+/);
    if (!/^\d+$/.test(parts[0] ?? '')) return;
    const n = Math.min(Number(parts[0]), Number.MAX_SAFE_INTEGER);
    if (key === '%%BeginData' && (parts[2] ?? '').toLowerCase() === 'lines') this.skipLines = n;
    else this.armedSkip = n;
  }

  /** The rewritten option of a `*Duplex` / `*NumCopies` feature, or null when it is not ours. */
  private featureValue(value: string): { kind: Feature['kind']; text: string } | null {
    const rawKey = value.split(/\s+/)[0] ?? '';
    const name = rawKey.replace(/^\*/, '');
    if (name === 'Duplex' && this.edits.sides !== null) return { kind: 'duplex', text: `${rawKey} ${duplexOption(this.edits.sides)}` };
    if (name === 'NumCopies' && this.edits.copiesToOne) return { kind: 'copies', text: `${rawKey} 1` };
    return null;
  }

  private beginFeature(key: string, value: string, start: number): void {
    const f = this.featureValue(value);
    if (f) this.feature = { kind: f.kind, start, begin: `${key}: ${f.text}` };
  }

  private finishFeature(endStart: number, end: number): void {
    const f = this.feature;
    this.feature = null;
    if (!f) return;
    const em = this.em;
    const code = f.kind === 'duplex' && this.edits.sides !== null ? duplexRequest(this.edits.sides) : COPIES_REQUEST;
    const endLine = em.bytes(endStart, end);
    em.emitTo(f.start);
    em.push(Buffer.from(f.begin + this.eol + code + this.eol, 'latin1'));
    em.push(endLine);
    em.skipTo(end);
  }

  private dropFeature(): void {
    this.feature = null;
    this.problem('PS_FEATURE_NOT_EDITED');
  }

  /** `%%IncludeFeature: *Duplex X` asks a spooler for the code: keep it consistent. */
  private includeFeature(key: string, value: string, start: number, end: number): void {
    const f = this.featureValue(value);
    if (!f) return;
    const em = this.em;
    const terminator = em.bytes(start + this.textLen, end); // '' at the end of the job
    em.emitTo(start);
    em.push(Buffer.from(`${key}: ${f.text}`, 'latin1'));
    em.push(terminator);
    em.skipTo(end);
  }

  /** Writes the guarded requests at `at`; the rest of the section then passes through. */
  private inject(at: number): void {
    this.em.emitTo(at);
    this.em.push(injection(this.edits.sides, this.edits.copiesToOne, this.eol));
    this.injected = true;
    this.injectNext = false;
    this.done = true;
  }
}
