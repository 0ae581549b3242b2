// The whole-job inspector: follows UEL/PJL framing over the job's bytes as they arrive
// and hands each PDL section to a section inspector (PROTOCOLS.md §5). One pass, and
// memory bounded whatever the job size: a UEL prefix (8 bytes), one PJL line
// (MAX_PJL_LINE), the section's sniff prefix and its inspector's own buffers, and at
// most MAX_SECTIONS section records.
//
// Framing:
// - A UEL always ends the current PJL line or PDL section. It is recognised anywhere in
//   the raw stream, as printers do at the I/O level (and TBCP does not escape it).
// - After a UEL (and at the start of the job) come PJL lines (`@PJL`, upper case) or
//   the PDL. Whitespace and NUL between PJL lines is skipped. The line after
//   `@PJL ENTER LANGUAGE=…` starts the PDL; without ENTER the first byte that does not
//   start `@PJL` does (auto-switch).
// - Job spanning: between `@PJL JOB` and `@PJL EOJ` an inner UEL only resets the
//   language, so a job may hold several sections (a PCL banner then PostScript). Every
//   section of the stream gets its own inspector and their pages add up; the stream is
//   one captured job whether or not JOB/EOJ frame it.
//
// Never throws: an internal failure is reported as INSPECTOR_FAILURE and the stream is
// no longer inspected; malformed input yields unknown facts and a problem code.
import type { InspectProblem } from './diagnostics.js';
import { mergeFacts } from './merge-facts.js';
import { readPdfFacts } from './pdf.js';
import { createPjlCollector } from './pjl.js';
import { PdlSection, type SectionRecord } from './section.js';
import { languageKind } from './sniff.js';
import type { JobInspector, PdlFacts, PdlKind, SectionFacts } from './types.js';

const UEL = Buffer.from('\x1b%-12345X', 'latin1');
const PJL_PREFIX = Buffer.from('@PJL', 'latin1');
/** Longest PJL line interpreted; a longer one is skipped as MALFORMED_PJL. */
export const MAX_PJL_LINE = 4096;
/** Section records kept; further sections still count pages and bytes. */
export const MAX_SECTIONS = 64;
/**
 * PDF sections read after the stream; later ones keep unknown facts. A PDF read may
 * fall back to pdfinfo (seconds), and finish() runs before the job is announced.
 */
export const MAX_PDF_READS = 16;

type Mode = 'segment' | 'pjl' | 'section';

/** The inspector with its buffer meter, for tests. */
export interface MeteredJobInspector extends JobInspector {
  /** Bytes held in buffers now, summed over the framing and the current section. */
  bufferedBytes(): number;
}

export function createJobInspector(): JobInspector {
  return createMeteredJobInspector();
}

export function createMeteredJobInspector(): MeteredJobInspector {
  return new StreamingJobInspector();
}

class StreamingJobInspector implements MeteredJobInspector {
  /** Offset in the stored file of the next byte handed to the framing. */
  private pos = 0;
  /** Bytes of a possible UEL held back at the end of the last chunk. */
  private uelHeld = 0;
  private mode: Mode = 'segment';
  private prefixLen = 0;
  private prefixAt = 0;
  private readonly pjlLine = Buffer.alloc(MAX_PJL_LINE);
  private pjlLen = 0;
  private pjlOverflow = false;
  private readonly pjl = createPjlCollector();
  private section: PdlSection | null = null;
  private readonly records: SectionRecord[] = [];
  private readonly bytesByKind = new Map<PdlKind, number>();
  private overflowSections = 0;
  private overflowPages: number | null = 0;
  private readonly problemSet = new Set<string>();
  private failed = false;
  private done: Promise<PdlFacts> | null = null;

  push(chunk: Buffer): void {
    if (this.failed || this.done) return;
    try {
      this.scan(chunk);
    } catch {
      this.fail();
    }
  }

  finish(storedFile: string): Promise<PdlFacts> {
    this.done ??= this.conclude(storedFile).catch(() => {
      this.fail();
      return mergeFacts({
        records: [],
        facts: [],
        bytesByKind: new Map(),
        overflowPages: null,
        overflowSections: 0,
        pjl: null,
        problems: [...this.problemSet],
        failed: true,
      });
    });
    return this.done;
  }

  bufferedBytes(): number {
    return this.uelHeld + this.prefixLen + this.pjlLen + (this.section?.bufferedBytes() ?? 0);
  }

  private problem(code: InspectProblem): void {
    this.problemSet.add(code);
  }

  private fail(): void {
    this.failed = true;
    this.problem('INSPECTOR_FAILURE');
  }

  // --- UEL scanning over the raw stream ---

  private scan(chunk: Buffer): void {
    let runStart = 0;
    let i = 0;
    if (this.uelHeld > 0) {
      let k = this.uelHeld;
      while (i < chunk.length && k < UEL.length && chunk[i] === UEL[k]) {
        i++;
        k++;
      }
      if (k === UEL.length) {
        this.uelHeld = 0;
        this.uel();
        runStart = i;
      } else if (i === chunk.length) {
        this.uelHeld = k;
        return;
      } else {
        // Not a UEL after all: the held bytes are data.
        const held = this.uelHeld;
        this.uelHeld = 0;
        this.deliver(UEL.subarray(0, held));
        i = 0;
      }
    }
    while (i < chunk.length) {
      const esc = chunk.indexOf(0x1b, i);
      if (esc < 0) break;
      let k = 0;
      while (k < UEL.length && esc + k < chunk.length && chunk[esc + k] === UEL[k]) k++;
      if (k === UEL.length) {
        if (esc > runStart) this.deliver(chunk.subarray(runStart, esc));
        this.uel();
        runStart = i = esc + UEL.length;
      } else if (esc + k === chunk.length) {
        if (esc > runStart) this.deliver(chunk.subarray(runStart, esc));
        this.uelHeld = k;
        return;
      } else {
        i = esc + 1;
      }
    }
    if (runStart < chunk.length) this.deliver(chunk.subarray(runStart));
  }

  private uel(): void {
    this.endSegment();
    this.pos += UEL.length;
  }

  /** Ends whatever the framing is in (a PJL line, a partial `@PJL`, a section). */
  private endSegment(): void {
    if (this.mode === 'pjl') this.pjlLineDone();
    if (this.mode === 'segment' && this.prefixLen > 0) {
      // `@PJ…` cut short: auto-switch would have made it PDL.
      const held = Buffer.from(PJL_PREFIX.subarray(0, this.prefixLen));
      const at = this.prefixAt;
      this.prefixLen = 0;
      this.startSection(null);
      this.section?.write(held, at);
    }
    if (this.mode === 'section') this.endSection();
    this.mode = 'segment';
  }

  // --- Framing modes; each consumes a prefix of buf ---

  private deliver(buf: Buffer): void {
    let b = buf;
    while (b.length > 0) {
      let n: number;
      switch (this.mode) {
        case 'segment':
          n = this.segmentBytes(b);
          break;
        case 'pjl':
          n = this.pjlBytes(b);
          break;
        case 'section':
          this.section?.write(b, this.pos);
          n = b.length;
          break;
      }
      this.pos += n;
      b = b.subarray(n);
    }
  }

  /** Between PJL lines: skips blanks, recognises `@PJL`, else starts the PDL. */
  private segmentBytes(buf: Buffer): number {
    let i = 0;
    while (i < buf.length) {
      const b = buf[i];
      if (this.prefixLen === 0) {
        if (b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a || b === 0x00) {
          i++;
          continue;
        }
        if (b !== 0x40) {
          this.startSection(null);
          return i;
        }
        this.prefixAt = this.pos + i;
      }
      if (b !== PJL_PREFIX[this.prefixLen]) {
        // Not PJL: the held prefix and what follows are PDL.
        const held = Buffer.from(PJL_PREFIX.subarray(0, this.prefixLen));
        const at = this.prefixAt;
        this.prefixLen = 0;
        this.startSection(null);
        this.section?.write(held, at);
        return i;
      }
      this.prefixLen++;
      i++;
      if (this.prefixLen === PJL_PREFIX.length) {
        this.prefixLen = 0;
        PJL_PREFIX.copy(this.pjlLine, 0);
        this.pjlLen = PJL_PREFIX.length;
        this.pjlOverflow = false;
        this.mode = 'pjl';
        return i;
      }
    }
    return i;
  }

  /** Inside a PJL line: collects it up to its LF. */
  private pjlBytes(buf: Buffer): number {
    const lf = buf.indexOf(0x0a);
    const end = lf < 0 ? buf.length : lf + 1;
    if (!this.pjlOverflow) {
      const n = Math.min(end, MAX_PJL_LINE - this.pjlLen);
      buf.copy(this.pjlLine, this.pjlLen, 0, n);
      this.pjlLen += n;
      if (n < end) this.pjlOverflow = true;
    }
    if (lf >= 0) this.pjlLineDone();
    return end;
  }

  private pjlLineDone(): void {
    const overflow = this.pjlOverflow;
    const line = this.pjlLine.subarray(0, this.pjlLen);
    this.pjlLen = 0;
    this.pjlOverflow = false;
    this.mode = 'segment';
    if (overflow) {
      this.problem('MALFORMED_PJL');
      return;
    }
    const language = this.pjl.line(line);
    if (language !== null) this.startSection(languageKind(language));
  }

  // --- Sections ---

  private startSection(hint: PdlKind | null): void {
    this.section = new PdlSection(hint);
    this.mode = 'section';
  }

  private endSection(): void {
    const s = this.section;
    this.section = null;
    if (!s) return;
    const r = s.end(this.pos);
    if (!r) return;
    for (const p of r.problems) this.problemSet.add(p);
    this.bytesByKind.set(r.kind, (this.bytesByKind.get(r.kind) ?? 0) + r.bytes);
    if (this.records.length < MAX_SECTIONS) {
      this.records.push(r);
      return;
    }
    this.problem('TOO_MANY_SECTIONS');
    this.overflowSections++;
    const pages = r.facts?.pages;
    // PDF sections past the cap are not read: their pages stay unknown.
    this.overflowPages = this.overflowPages !== null && typeof pages === 'number' ? this.overflowPages + pages : null;
  }

  // --- End of stream ---

  private async conclude(storedFile: string): Promise<PdlFacts> {
    if (!this.failed) {
      try {
        if (this.uelHeld > 0) {
          const held = this.uelHeld;
          this.uelHeld = 0;
          this.deliver(UEL.subarray(0, held));
        }
        this.endSegment();
      } catch {
        this.fail();
      }
    }
    const facts: SectionFacts[] = [];
    let pdfReads = 0;
    for (const r of this.records) {
      if (r.facts !== null) facts.push(r.facts);
      else if (r.pdf && pdfReads < MAX_PDF_READS) {
        pdfReads++;
        facts.push(await this.concatenatedPdfFacts(storedFile, r.pdf, () => pdfReads++ < MAX_PDF_READS));
      } else {
        if (r.pdf) this.problem('TOO_MANY_SECTIONS');
        facts.push({});
      }
    }
    for (const p of this.pjl.problems()) this.problemSet.add(p);
    return mergeFacts({
      records: this.records,
      facts,
      bytesByKind: this.bytesByKind,
      overflowPages: this.overflowPages,
      overflowSections: this.overflowSections,
      pjl: this.pjl.seen() ? this.pjl.facts() : null,
      problems: [...this.problemSet],
      failed: this.failed,
    });
  }

  /**
   * One PDF, or several whole documents one after another. Identical lengths mean the same
   * document N times (CUPS sends N copies so): one copy's facts with copies × N. Otherwise
   * the pages of every document are added up (each read costs one more PDF read).
   */
  private async concatenatedPdfFacts(
    file: string,
    pdf: { start: number; end: number; more: readonly number[]; moreCount: number },
    mayRead: () => boolean,
  ): Promise<SectionFacts> {
    if (pdf.moreCount === 0) return this.pdfFacts(file, pdf.start, pdf.end);
    const starts = [pdf.start, ...pdf.more];
    const ends = [...pdf.more, pdf.end];
    const lengths = starts.map((s, i) => ends[i] - s);
    const first = await this.pdfFacts(file, starts[0], ends[0]);
    const complete = pdf.more.length === pdf.moreCount;
    if (complete && lengths.every((l) => l === lengths[0])) {
      return { ...first, copies: (first.copies ?? 1) * starts.length };
    }
    let pages = first.pages ?? null;
    for (let i = 1; i < starts.length && pages !== null; i++) {
      if (!mayRead()) {
        this.problem('TOO_MANY_SECTIONS');
        pages = null;
        break;
      }
      const f = await this.pdfFacts(file, starts[i], ends[i]);
      pages = f.pages === null || f.pages === undefined ? null : pages + f.pages;
    }
    return { ...first, pages: complete ? pages : null };
  }

  private async pdfFacts(file: string, start: number, end: number): Promise<SectionFacts> {
    try {
      return await readPdfFacts(file, start, end);
    } catch {
      this.problem('INSPECTOR_FAILURE');
      return {};
    }
  }
}
