// One PDL section of the job (between the PJL block or a UEL and the next UEL): skips
// leading filler, sniffs the language from at most SNIFF_MAX bytes (main/pdl/sniff.ts,
// as the inspector does), then hands the bytes to that language's editor, or passes
// them through when there is nothing to edit there (PDF, unknown, TBCP, DOS EPS, or no
// copies/sides change).
import { isLeadingFiller, SNIFF_MAX, sniffPdl } from '../sniff.js';
import type { PdlKind } from '../types.js';
import { Pcl5Editor } from './pcl5-editor.js';
import { PclXlEditor } from './pclxl-editor.js';
import { sectionPort, type JobIndexPort, type PclXlSectionPort } from './job-index.js';
import type { PdlEditor, ProblemSink } from './pdl-editor.js';
import { PostScriptEditor } from './ps-editor.js';
import type { LateBindingChanges } from './types.js';

const DOS_EPS = [0xc5, 0xd0, 0xd3, 0xc6];

function editorFor(kind: PdlKind, changes: LateBindingChanges, problem: ProblemSink, pclxl: () => PclXlSectionPort | null): PdlEditor | null {
  const sides = changes.sides ?? null;
  const copiesToOne = changes.copies !== undefined;
  if (sides === null && !copiesToOne) return null; // colour and finishing are PJL-only
  switch (kind) {
    case 'postscript':
      return new PostScriptEditor({ sides, copiesToOne }, problem);
    case 'pclxl':
      return new PclXlEditor({ sides, copiesToOne }, problem, pclxl());
    case 'pcl5':
      return new Pcl5Editor({ sides: sides === null ? null : sides === 'simplex' ? 0 : sides === 'duplex-long' ? 1 : 2, copiesToOne }, problem);
    case 'pdf':
    case 'unknown':
      return null; // PDF: PJL only (docs/late-binding.md)
  }
}

export class SectionRewriter {
  private state: 'filler' | 'sniff' | 'edit' = 'filler';
  private readonly sniffBuf = Buffer.alloc(SNIFF_MAX);
  private sniffLen = 0;
  private editor: PdlEditor | null = null;
  private kindValue: PdlKind | 'tbcp' | null = null;

  /** @param hint the language ENTER LANGUAGE named (or the stored job's), used when the bytes do not say */
  constructor(
    private readonly hint: PdlKind | null,
    private readonly changes: LateBindingChanges,
    private readonly problem: ProblemSink,
    private readonly jobIndex: JobIndexPort | null = null,
    /** This section's number in the job (0 = the first), for the job index. */
    private readonly ordinal = 0,
  ) {}

  /** The language chosen, once sniffed. */
  get kind(): PdlKind | 'tbcp' | null {
    return this.kindValue;
  }

  buffered(): number {
    return this.sniffLen + (this.editor?.buffered() ?? 0);
  }

  write(buf: Buffer, out: Buffer[]): void {
    let i = 0;
    if (this.state === 'filler') {
      while (i < buf.length && isLeadingFiller(buf[i])) i++;
      if (i > 0) out.push(buf.subarray(0, i));
      if (i === buf.length) return;
      this.state = 'sniff';
    }
    if (this.state === 'sniff') {
      while (i < buf.length && this.sniffLen < SNIFF_MAX) {
        this.sniffBuf[this.sniffLen++] = buf[i++];
        if (sniffPdl(this.sniffBuf.subarray(0, this.sniffLen), false) !== null) break;
      }
      const r = sniffPdl(this.sniffBuf.subarray(0, this.sniffLen), this.sniffLen >= SNIFF_MAX);
      if (r === null) return;
      this.decide(r, out);
    }
    if (i < buf.length) this.feed(buf.subarray(i), out);
  }

  end(out: Buffer[]): void {
    if (this.state === 'sniff') this.decide(sniffPdl(this.sniffBuf.subarray(0, this.sniffLen), true) ?? 'unknown', out);
    this.editor?.end(out);
  }

  private decide(sniffed: PdlKind | 'tbcp', out: Buffer[]): void {
    const held = Buffer.from(this.sniffBuf.subarray(0, this.sniffLen));
    this.sniffLen = 0;
    this.state = 'edit';
    let kind: PdlKind | 'tbcp' = sniffed === 'unknown' && this.hint !== null ? this.hint : sniffed;
    // DOS EPS: a binary header and a preview around the PostScript; sent as it is.
    if (kind === 'postscript' && DOS_EPS.every((b, k) => held[k] === b)) kind = 'unknown';
    this.kindValue = kind;
    // TBCP escapes control bytes, so byte counts in it are not the interpreter's: not edited.
    this.editor = kind === 'tbcp' ? null : editorFor(kind, this.changes, this.problem, () => sectionPort(this.jobIndex, this.ordinal));
    this.feed(held, out);
  }

  private feed(buf: Buffer, out: Buffer[]): void {
    if (buf.length === 0) return;
    if (this.editor) this.editor.write(buf, out);
    else out.push(buf);
  }
}
