// One PDL section: the bytes between the end of a PJL block (or a UEL) and the next UEL.
// It skips leading filler, sniffs the language from at most SNIFF_MAX bytes, then hands
// every byte to that language's inspector. PDF is only located here (its offsets in the
// stored file); it is read after the stream ends, with random access.
//
// The language: the bytes' own signature when they have one (a mismatch with
// `ENTER LANGUAGE` is reported as PDL_LANGUAGE_MISMATCH), else the ENTER name, else unknown.
import { hasDiagnostics, problemsOf } from './diagnostics.js';
import { createPcl5Inspector } from './pcl5.js';
import { createPclXlInspector } from './pclxl.js';
import { createPostScriptInspector } from './postscript.js';
import { PdfConcatScanner } from './pdf-concat.js';
import { isLeadingFiller, SNIFF_MAX, sniffPdl } from './sniff.js';
import { createTbcpDecoder, type TbcpDecoder } from './tbcp.js';
import type { PdlKind, SectionFacts, SectionInspector } from './types.js';

export interface SectionRecord {
  readonly kind: PdlKind;
  /** Bytes from the first PDL byte to the section end (raw, as stored). */
  readonly bytes: number;
  /** Facts of a streamed section; null for PDF, read later from `pdf`. */
  readonly facts: SectionFacts | null;
  /**
   * PDF only: [start of `%PDF-`, end of section) in the stored file, when known, and where
   * each further whole document begins when several follow one another (N copies sent as
   * N documents).
   */
  readonly pdf: { readonly start: number; readonly end: number; readonly more: readonly number[]; readonly moreCount: number } | null;
  readonly problems: readonly string[];
}

function inspectorFor(kind: PdlKind): SectionInspector | null {
  switch (kind) {
    case 'postscript':
      return createPostScriptInspector();
    case 'pcl5':
      return createPcl5Inspector();
    case 'pclxl':
      return createPclXlInspector();
    case 'pdf':
    case 'unknown':
      return null;
  }
}

export class PdlSection {
  private readonly sniffBuf = Buffer.alloc(SNIFF_MAX);
  private sniffLen = 0;
  /** Absolute offset of the first sniffed byte; null inside TBCP (decoded bytes). */
  private startAt: number | null = null;
  private started = false;
  private kindValue: PdlKind | null = null;
  private inspector: SectionInspector | null = null;
  private tbcp: TbcpDecoder | null = null;
  private inner: PdlSection | null = null;
  private byteCount = 0;
  private readonly problemSet = new Set<string>();
  private concat: PdfConcatScanner | null = null;
  /** Absolute offset of the next byte fed (raw sections only). */
  private feedAt = 0;

  /**
   * @param hint the language `@PJL ENTER LANGUAGE` named, if any
   * @param raw whether offsets refer to the stored file (false for TBCP-decoded bytes)
   */
  constructor(
    private readonly hint: PdlKind | null,
    private readonly raw = true,
  ) {}

  /** True once a byte other than leading filler arrived: only then is this a section. */
  get materialized(): boolean {
    return this.started;
  }

  /** `abs` is the offset of buf[0] in the stored file. */
  write(buf: Buffer, abs: number): void {
    let i = 0;
    if (!this.started) {
      while (i < buf.length && isLeadingFiller(buf[i])) i++;
      if (i === buf.length) return;
      this.started = true;
      this.startAt = abs + i;
    }
    this.byteCount += buf.length - i;
    if (this.kindValue === null) {
      while (i < buf.length && this.sniffLen < SNIFF_MAX) {
        this.sniffBuf[this.sniffLen++] = buf[i++];
        const r = sniffPdl(this.sniffBuf.subarray(0, this.sniffLen), false);
        if (r !== null) {
          this.decide(r);
          break;
        }
      }
      if (this.kindValue === null) {
        if (this.sniffLen < SNIFF_MAX) return;
        this.decide(sniffPdl(this.sniffBuf, true) ?? 'unknown');
      }
    }
    if (i < buf.length) this.feed(buf.subarray(i));
  }

  private decide(sniffed: 'tbcp' | PdlKind): void {
    const held = Buffer.from(this.sniffBuf.subarray(0, this.sniffLen));
    this.sniffLen = 0;
    if (sniffed === 'tbcp' && this.raw) {
      const inner = new PdlSection(this.hint, false);
      this.inner = inner;
      this.tbcp = createTbcpDecoder((decoded) => inner.write(decoded, 0));
      this.kindValue = 'unknown'; // until the decoded bytes are sniffed
      this.feed(held);
      return;
    }
    let kind: PdlKind = sniffed === 'tbcp' ? 'unknown' : sniffed;
    if (kind === 'unknown' && this.hint !== null) kind = this.hint;
    else if (kind !== 'unknown' && this.hint !== null && this.hint !== 'unknown' && this.hint !== kind) {
      this.problemSet.add('PDL_LANGUAGE_MISMATCH');
    }
    this.kindValue = kind;
    this.inspector = inspectorFor(kind);
    if (kind === 'pdf' && this.raw && this.startAt !== null) {
      this.concat = new PdfConcatScanner();
      this.feedAt = this.startAt;
    }
    this.feed(held);
  }

  private feed(buf: Buffer): void {
    if (buf.length === 0) return;
    if (this.concat) {
      this.concat.write(buf, this.feedAt);
      this.feedAt += buf.length;
      return;
    }
    if (this.tbcp) {
      this.tbcp.write(buf);
      return;
    }
    if (!this.inspector) return;
    try {
      this.inspector.write(buf);
    } catch {
      this.fail();
    }
  }

  /** A section inspector that throws is dropped; its facts become unknown. */
  private fail(): void {
    this.problemSet.add('INSPECTOR_FAILURE');
    this.inspector = null;
  }

  /** Ends the section at absolute offset `endAt`; returns its record, or null when it held no PDL byte. */
  end(endAt: number): SectionRecord | null {
    if (!this.started) return null;
    if (this.kindValue === null) this.decide(sniffPdl(this.sniffBuf.subarray(0, this.sniffLen), true) ?? 'unknown');
    if (this.inner) {
      if (this.tbcp?.malformed()) this.problemSet.add('MALFORMED_TBCP');
      const r = this.inner.end(0);
      for (const p of r?.problems ?? []) this.problemSet.add(p);
      const kind = r?.kind ?? 'unknown';
      // A TBCP-wrapped PDF has no usable offsets in the stored file: its facts stay unknown.
      return { kind, bytes: this.byteCount, facts: r?.facts ?? {}, pdf: null, problems: [...this.problemSet] };
    }
    let facts: SectionFacts | null = {};
    if (this.inspector) {
      try {
        this.inspector.end();
        facts = this.inspector.result();
        for (const p of problemsOf(this.inspector)) this.problemSet.add(p);
      } catch {
        this.fail();
        facts = {};
      }
    }
    const kind = this.kindValue ?? 'unknown';
    let pdf: SectionRecord['pdf'] = null;
    if (kind === 'pdf') {
      facts = this.raw && this.startAt !== null ? null : {};
      if (this.raw && this.startAt !== null) {
        pdf = { start: this.startAt, end: endAt, more: this.concat ? [...this.concat.starts] : [], moreCount: this.concat?.extraDocuments ?? 0 };
      }
    }
    return { kind, bytes: this.byteCount, facts, pdf, problems: [...this.problemSet] };
  }

  /** Bytes held in buffers now (sniff prefix plus the inspector's own). */
  bufferedBytes(): number {
    let n = this.sniffLen;
    if (this.inner) n += this.inner.bufferedBytes();
    if (this.inspector && hasDiagnostics(this.inspector)) {
      try {
        n += this.inspector.bufferedBytes();
      } catch {
        // diagnostics only
      }
    }
    return n;
  }
}
