// Collects the job's first PJL block (§5 rule 1): everything up to and including the
// first `@PJL ENTER LANGUAGE` line, or up to the first byte that is neither PJL, a UEL
// nor blank space between lines (the PDL then starts by auto-switch). Only this block is
// buffered, at most PJL_HEADER_CAP bytes; its parse is incremental, so feeding it one
// byte at a time stays linear.
//
// A job with no PJL at all has an empty block; for the wrapper it needs, the first PDL
// bytes are sniffed (at most SNIFF_MAX more bytes are held).
import { PullPrintError } from '../../util/errors.js';
import { createPjlCollector } from '../pjl.js';
import { isLeadingFiller, languageKind, SNIFF_MAX, sniffPdl, type SniffResult } from '../sniff.js';
import type { PdlKind } from '../types.js';

export const PJL_HEADER_CAP = 64 * 1024;
/** Padding skipped after a block without ENTER while looking for the PDL's first bytes. */
const SNIFF_FILLER_CAP = 4096;

export const UEL = Buffer.from('\x1b%-12345X', 'latin1');
const PJL = Buffer.from('@PJL', 'latin1');

export type HeaderItem =
  | { readonly kind: 'uel' }
  /** Blank bytes between PJL lines (SP, HT, CR, LF, NUL). */
  | { readonly kind: 'blank'; readonly bytes: Buffer }
  /** One `@PJL` line; `text` is latin1 without its line ending, `eol` the ending ('' at EOF). */
  | { readonly kind: 'line'; readonly bytes: Buffer; readonly text: string; readonly eol: string };

export interface PjlHeader {
  /** Ctrl-D, NUL and blanks before the first UEL, `@PJL` or PDL byte. */
  readonly lead: Buffer;
  /** The block opened with a UEL. */
  readonly hasUel: boolean;
  readonly items: readonly HeaderItem[];
  /** Index in `items` of the ENTER LANGUAGE line, or -1. */
  readonly enterIndex: number;
  /** The PDL the ENTER line names (null without one). */
  readonly enterKind: PdlKind | null;
  /** Sniffed kind of the first PDL bytes, when the block has no UEL and no ENTER line. */
  readonly sniffed: SniffResult | null;
  /** Bytes after the block: the PDL (and anything after it) seen so far. */
  readonly rest: Buffer;
}

function tooLarge(): PullPrintError {
  return new PullPrintError('PJL_HEADER_TOO_LARGE', `the job's PJL header does not end within ${PJL_HEADER_CAP} bytes`);
}

function startsWithPartial(buf: Buffer, at: number, token: Buffer): 'yes' | 'partial' | 'no' {
  const n = Math.min(buf.length - at, token.length);
  for (let i = 0; i < n; i++) if (buf[at + i] !== token[i]) return 'no';
  return n === token.length ? 'yes' : 'partial';
}

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a || b === 0x00;
}

export class PjlHeaderScanner {
  /** The bytes so far: a view of `store`, which grows by doubling (linear for 1-byte chunks). */
  private buf: Buffer = Buffer.alloc(0);
  private store: Buffer | null = null;
  private pos = 0;
  private state: 'lead' | 'block' | 'sniff' | 'done' = 'lead';
  private leadEnd = 0;
  private hasUel = false;
  private readonly items: HeaderItem[] = [];
  private enterIndex = -1;
  private enterKind: PdlKind | null = null;
  private blockEnd = 0;
  private sniffed: SniffResult | null = null;
  private readonly collector = createPjlCollector();
  private waitFloor = 0;

  /** Bytes held now. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Feeds bytes; returns the header once the block is complete, else null. */
  push(chunk: Buffer): PjlHeader | null {
    this.append(chunk);
    const h = this.scan(false);
    // One rule, whole or in pieces: the block may not end past the cap. While waiting, the
    // block is known to end at or after `waitFloor`, so a hopeless wait stops early.
    if ((h !== null ? this.blockEnd : this.waitFloor) > PJL_HEADER_CAP) throw tooLarge();
    return h;
  }

  private append(chunk: Buffer): void {
    if (this.buf.length === 0) {
      this.buf = chunk; // no copy until a second chunk arrives
      this.store = null;
      return;
    }
    const len = this.buf.length + chunk.length;
    if (this.store === null || this.store.length < len) {
      // Items keep views of the old storage; those bytes never change, so they stay valid.
      const next = Buffer.allocUnsafeSlow(Math.max(len, 2 * this.buf.length, 1024));
      this.buf.copy(next, 0);
      this.store = next;
    }
    chunk.copy(this.store, this.buf.length);
    this.buf = this.store.subarray(0, len);
  }

  /** End of the job: the header is whatever was seen. */
  finish(): PjlHeader {
    const h = this.scan(true) ?? this.result();
    if (this.blockEnd > PJL_HEADER_CAP) throw tooLarge();
    return h;
  }

  /** Returns null (wait for more bytes), noting that the block cannot end before `floor`. */
  private wait(floor: number): null {
    this.waitFloor = floor;
    return null;
  }

  private result(): PjlHeader {
    this.state = 'done';
    return {
      lead: this.buf.subarray(0, this.leadEnd),
      hasUel: this.hasUel,
      items: this.items,
      enterIndex: this.enterIndex,
      enterKind: this.enterKind,
      sniffed: this.sniffed,
      rest: this.buf.subarray(this.blockEnd),
    };
  }

  private scan(final: boolean): PjlHeader | null {
    const buf = this.buf;
    while (this.state !== 'done') {
      if (this.state === 'lead') {
        while (this.pos < buf.length && isLeadingFiller(buf[this.pos])) this.pos++;
        if (this.pos === buf.length && !final) return this.wait(buf.length);
        this.leadEnd = this.pos;
        this.blockEnd = this.pos;
        const uel = startsWithPartial(buf, this.pos, UEL);
        const pjl = startsWithPartial(buf, this.pos, PJL);
        if ((uel === 'partial' || pjl === 'partial') && !final) return this.wait(this.pos);
        this.hasUel = uel === 'yes';
        this.state = uel === 'yes' || pjl === 'yes' ? 'block' : 'sniff';
        continue;
      }
      if (this.state === 'sniff') {
        return this.sniff(final);
      }
      // 'block': one item at a time.
      if (this.pos >= buf.length) {
        if (!final) return this.wait(buf.length);
        return this.result();
      }
      const b = buf[this.pos];
      if (isBlank(b)) {
        let e = this.pos;
        while (e < buf.length && isBlank(buf[e])) e++;
        if (e === buf.length && !final) return this.wait(buf.length); // more blank may follow: one item
        this.items.push({ kind: 'blank', bytes: buf.subarray(this.pos, e) });
        this.pos = e;
        continue;
      }
      const uel = startsWithPartial(buf, this.pos, UEL);
      const pjl = startsWithPartial(buf, this.pos, PJL);
      if ((uel === 'partial' || pjl === 'partial') && !final) return this.wait(this.pos);
      if (uel === 'yes') {
        this.items.push({ kind: 'uel' });
        this.pos += UEL.length;
        this.blockEnd = this.pos;
        continue;
      }
      if (pjl !== 'yes') {
        // The PDL starts here (auto-switch); trailing blank items stay in the header.
        this.blockEnd = this.pos;
        return this.afterBlock(final);
      }
      const lf = buf.indexOf(0x0a, this.pos);
      if (lf < 0 && !final) return this.wait(buf.length);
      const end = lf < 0 ? buf.length : lf + 1;
      const bytes = buf.subarray(this.pos, end);
      let textEnd = end;
      if (lf >= 0) textEnd = lf > this.pos && buf[lf - 1] === 0x0d ? lf - 1 : lf;
      const text = buf.toString('latin1', this.pos, textEnd);
      const eol = buf.toString('latin1', textEnd, end);
      this.items.push({ kind: 'line', bytes, text, eol });
      this.pos = end;
      this.blockEnd = end;
      const lang = this.collector.line(bytes);
      if (lang !== null) {
        this.enterIndex = this.items.length - 1;
        this.enterKind = languageKind(lang);
        return this.result();
      }
    }
    return null;
  }

  /** After a block without ENTER: a job without UEL needs the PDL sniffed for its wrapper. */
  private afterBlock(final: boolean): PjlHeader | null {
    if (this.hasUel) return this.result();
    this.state = 'sniff';
    return this.sniff(final);
  }

  private sniff(final: boolean): PjlHeader | null {
    let at = this.blockEnd;
    while (at < this.buf.length && isLeadingFiller(this.buf[at])) at++;
    if (at - this.blockEnd > SNIFF_FILLER_CAP) {
      this.sniffed = 'unknown'; // endless padding: give up looking, as printers' auto-switch would
      return this.result();
    }
    const prefix = this.buf.subarray(at, at + SNIFF_MAX);
    const r = sniffPdl(prefix, final || prefix.length >= SNIFF_MAX);
    if (r === null) return this.wait(this.blockEnd);
    this.sniffed = r === 'tbcp' ? tbcpInner(prefix) : r;
    return this.result();
  }
}

/** TBCP (`01 4D`) carries PostScript or PCL; its first escaped-free bytes say which. */
function tbcpInner(prefix: Buffer): SniffResult {
  return prefix[2] === 0x25 ? 'postscript' : 'pcl5';
}
