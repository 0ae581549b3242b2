// The job after its first PJL block: UEL framing over the raw stream, as the inspector
// (main/pdl/inspector.ts) and printers do. Each PDL section goes to a SectionRewriter;
// PJL lines between sections (a later block, the closing `@PJL EOJ`) pass through
// unchanged (§5 rule 1: only the first block is edited) and are read only for their
// ENTER LANGUAGE. Holds at most a UEL prefix, an `@PJ` prefix and one ENTER line's start.
import { languageKind } from '../sniff.js';
import type { PdlKind } from '../types.js';
import { UEL } from './pjl-header.js';
import type { ProblemSink } from './pdl-editor.js';
import type { JobIndexPort } from './job-index.js';
import { SectionRewriter } from './section-rewriter.js';
import type { LateBindingChanges } from './types.js';

const PJL = Buffer.from('@PJL', 'latin1');
/** Bytes of a PJL line kept to read an ENTER LANGUAGE name from it. */
const LINE_KEEP = 128;
const ENTER = /^@PJL[ \t]+ENTER[ \t]+LANGUAGE[ \t]*=[ \t]*([A-Za-z0-9_]+)/i;

/**
 * The next complete UEL at or after `from`, or -1: Node's native multi-byte search, the only
 * work done on bytes that pass through untouched.
 */
export function findUel(buf: Buffer, from: number): number {
  return buf.indexOf(UEL, from);
}

/** How long the tail of `buf` (from `from`) that could begin a UEL is. */
function uelTail(buf: Buffer, from: number): number {
  for (let s = Math.max(from, buf.length - (UEL.length - 1)); s < buf.length; s++) {
    if (buf[s] !== 0x1b) continue;
    let k = 1;
    while (s + k < buf.length && buf[s + k] === UEL[k]) k++;
    if (s + k === buf.length) return buf.length - s;
  }
  return 0;
}

export class BodyFramer {
  private held: Buffer | null = null;
  private section: SectionRewriter | null;
  private prefixLen = 0;
  private inLine = false;
  private line = '';

  /** Sections started so far (the job index numbers them the same way). */
  private sections = 1;
  /** Body offset of the next chunk's first byte. */
  private pos = 0;
  /** UEL offsets from the job index, while they match the bytes; then null (search). */
  private uels: Float64Array | null;
  private nextUel = 0;

  constructor(
    firstHint: PdlKind | null,
    private readonly changes: LateBindingChanges,
    private readonly problem: ProblemSink,
    private readonly jobIndex: JobIndexPort | null = null,
  ) {
    this.section = new SectionRewriter(firstHint, changes, problem, jobIndex, 0);
    this.uels = jobIndex?.use?.uels ?? null;
  }

  buffered(): number {
    return (this.held?.length ?? 0) + this.prefixLen + this.line.length + (this.section?.buffered() ?? 0);
  }

  write(chunk: Buffer, out: Buffer[]): void {
    let data = chunk;
    let dataAt = this.pos;
    if (this.held) {
      data = Buffer.concat([this.held, chunk]);
      dataAt -= this.held.length;
      this.held = null;
    }
    this.pos += chunk.length;
    let i = this.uels ? this.knownUels(this.uels, data, dataAt, out) : 0;
    if (i < 0) return;
    for (;;) {
      const u = findUel(data, i);
      if (u < 0) break;
      this.jobIndex?.record?.uel(dataAt + u);
      this.deliver(data.subarray(i, u), out);
      this.uel(out);
      i = u + UEL.length;
    }
    const tail = uelTail(data, i);
    this.deliver(data.subarray(i, data.length - tail), out);
    if (tail > 0) this.held = Buffer.from(data.subarray(data.length - tail));
  }

  /**
   * With a job index: the UELs it recorded, checked where they should be, instead of a
   * search. Returns -1 when `data` is done, or where the search must take over (the
   * index did not match these bytes).
   */
  private knownUels(uels: Float64Array, data: Buffer, dataAt: number, out: Buffer[]): number {
    let i = 0;
    const end = dataAt + data.length;
    while (this.nextUel < uels.length && uels[this.nextUel] < end) {
      const u = uels[this.nextUel] - dataAt;
      if (u + UEL.length > data.length) {
        // Cut by the chunk's end: hold it until the next chunk completes it.
        this.deliver(data.subarray(i, u), out);
        this.held = Buffer.from(data.subarray(u));
        return -1;
      }
      if (u < i || !data.subarray(u, u + UEL.length).equals(UEL)) {
        this.uels = null;
        return i;
      }
      this.nextUel++;
      this.deliver(data.subarray(i, u), out);
      this.uel(out);
      i = u + UEL.length;
    }
    this.deliver(data.subarray(i), out);
    return -1;
  }

  end(out: Buffer[]): void {
    if (this.held) {
      const h = this.held;
      this.held = null;
      this.deliver(h, out);
    }
    this.endSegment(out);
  }

  private uel(out: Buffer[]): void {
    this.endSegment(out);
    out.push(UEL);
  }

  /** Ends whatever is open: a section, or a cut `@PJ` prefix (which was PDL after all). */
  private endSegment(out: Buffer[]): void {
    if (this.prefixLen > 0) {
      const p = this.prefixLen;
      this.prefixLen = 0;
      this.startSection(null).write(PJL.subarray(0, p), out);
    }
    this.inLine = false;
    this.line = '';
    const s = this.section;
    this.section = null;
    s?.end(out);
  }

  private startSection(hint: PdlKind | null): SectionRewriter {
    const s = new SectionRewriter(hint, this.changes, this.problem, this.jobIndex, this.sections++);
    this.section = s;
    return s;
  }

  private deliver(buf: Buffer, out: Buffer[]): void {
    let i = 0;
    while (i < buf.length) {
      if (this.section) {
        this.section.write(i === 0 ? buf : buf.subarray(i), out);
        return;
      }
      i = this.between(buf, i, out);
    }
  }

  /** Between sections: blank space and PJL lines pass; the first other byte starts a section. */
  private between(buf: Buffer, from: number, out: Buffer[]): number {
    let i = from;
    if (this.inLine) {
      const lf = buf.indexOf(0x0a, i);
      const end = lf < 0 ? buf.length : lf + 1;
      if (this.line.length < LINE_KEEP) this.line += buf.toString('latin1', i, Math.min(end, i + LINE_KEEP - this.line.length));
      out.push(buf.subarray(i, end));
      if (lf >= 0) {
        const m = ENTER.exec(this.line);
        this.inLine = false;
        this.line = '';
        if (m) this.startSection(languageKind(m[1]));
      }
      return end;
    }
    const start = i;
    /** Prefix bytes held from earlier buffers (not yet written); the rest of the prefix is in buf. */
    const heldBefore = this.prefixLen;
    while (i < buf.length) {
      const b = buf[i];
      if (this.prefixLen === 0 && (b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a || b === 0x00)) {
        i++;
        continue;
      }
      if (b === PJL[this.prefixLen]) {
        this.prefixLen++;
        i++;
        if (this.prefixLen === PJL.length) {
          this.prefixLen = 0;
          if (heldBefore > 0) out.push(PJL.subarray(0, heldBefore));
          out.push(buf.subarray(start, i));
          this.inLine = true;
          this.line = '@PJL';
          return i;
        }
        continue;
      }
      // Not PJL: the prefix (held and in buf) and what follows are PDL.
      const p = this.prefixLen;
      const inBuf = p - heldBefore;
      if (i - inBuf > start) out.push(buf.subarray(start, i - inBuf));
      this.prefixLen = 0;
      const s = this.startSection(null);
      if (p > 0) s.write(PJL.subarray(0, p), out);
      return i;
    }
    // Blank space goes now; a partial `@PJ` stays held until the next bytes decide.
    const inBuf = this.prefixLen - heldBefore;
    if (i - inBuf > start) out.push(buf.subarray(start, i - inBuf));
    return i;
  }
}
