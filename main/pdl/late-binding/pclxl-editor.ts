// PCL XL late binding (PROTOCOLS.md §8): every BeginPage and EndPage attribute list is
// re-emitted and every other byte is copied verbatim (PCL XL has no absolute offsets, so
// lengths may change).
// - Duplex: SimplexPageMode/DuplexPageMode/DuplexPageSide go, then `C0 mm F8 35 C0 ss F8 36`
//   (mm 1 = long edge, 0 = short edge; ss alternates 0/1 page by page) or `C0 00 F8 34`
//   for simplex, where the first removed attribute stood (else just before the operator).
//   This is what gs writes for -dDuplex.
// - Copies: PageCopies goes and `C1 01 00 F8 31` (uint16 1) is written, since QTY in PJL
//   carries the copies (§5 rule 4).
// - Colour is PJL-only (RENDERMODE): no binary edit.
//
// main/pdl/pclxl-tokenizer.ts reports operators but not the byte offsets of their
// attributes, which an edit needs, so this file has its own position-keeping scanner. It
// never holds more than the current attribute list (ATTR_LIST_CAP) plus one token, skips
// arrays and embedded data by count, and on anything malformed stops editing and passes
// the rest through.
//
// With a job index (job-index.ts) the editor does not tokenize: it jumps to each
// recorded attribute list, checks the operator byte, scans the list's few bytes and
// rewrites them. Given a recorder instead, it tokenizes as usual and records every page
// operator for such an index.
import type { PdlEditor, ProblemSink } from './pdl-editor.js';
import type { PclXlSectionIndex, PclXlSectionPort, PclXlSectionRecorder } from './job-index.js';
import { SliceEmitter } from './slice-emitter.js';

/** An attribute list longer than this is passed through (page lists are ~20 bytes). */
export const ATTR_LIST_CAP = 16 * 1024;
const ATTR_COUNT_CAP = 64;
/** Size of the buffer rewritten lists are written into (a page's lists take a few dozen bytes). */
const ARENA_BYTES = 16 * 1024;
const HEADER_CAP = 512;

const ELEM_SIZE = [1, 2, 4, 2, 4, 4];
const OP_BEGIN_PAGE = 0x43;
const OP_END_PAGE = 0x44;
const ATTR_PAGE_COPIES = 0x31;
const ATTR_SIMPLEX = 0x34;
const ATTR_DUPLEX_MODE = 0x35;
const ATTR_DUPLEX_SIDE = 0x36;

export interface PclXlEdits {
  /** null: leave BeginPage alone. */
  readonly sides: 'simplex' | 'duplex-long' | 'duplex-short' | null;
  /** Force PageCopies to 1 on every EndPage. */
  readonly copiesToOne: boolean;
}

function isWhitespace(b: number): boolean {
  return b === 0x00 || (b >= 0x09 && b <= 0x0d) || b === 0x20;
}

/** Length of the token at b[i] without array elements or embedded data; -1 needs more bytes; -2 invalid. */
function tokenLength(b: Buffer, i: number, n: number): number {
  const t = b[i];
  let len: number;
  if (t >= 0x41 && t <= 0xbf) return 1;
  if (isWhitespace(t) || t === 0x1b) return 1;
  if (t >= 0xc0 && t <= 0xc5) len = 1 + ELEM_SIZE[t - 0xc0];
  else if (t >= 0xd0 && t <= 0xd5) len = 1 + 2 * ELEM_SIZE[t - 0xd0];
  else if (t >= 0xe0 && t <= 0xe5) len = 1 + 4 * ELEM_SIZE[t - 0xe0];
  else if (t >= 0xc8 && t <= 0xcd) {
    if (i + 1 >= n) return -1;
    const lt = b[i + 1];
    if (lt < 0xc0 || lt > 0xc2) return -2;
    len = 2 + ELEM_SIZE[lt - 0xc0];
  } else if (t === 0xf8) len = 2;
  else if (t === 0xf9) len = 3;
  else if (t === 0xfa) len = 5;
  else if (t === 0xfb) len = 2;
  else return -2;
  return i + len <= n ? len : -1;
}

export class PclXlEditor implements PdlEditor {
  private readonly em = new SliceEmitter();
  private phase: 'header' | 'tokens' | 'done' = 'header';
  private headerLen = 0;
  private bigEndian = false;
  /** A token cut by a chunk boundary (the longest, a real32 box, is 17 bytes). */
  private readonly partial = Buffer.alloc(32);
  private partialLen = 0;
  private partialAt = 0;
  private skipLeft = 0;
  /** Start of the current attribute list (may lie ahead, past embedded data). */
  private listStart = 0;
  private listOk = true;
  // Attributes of the current list (id, start of its value token or of the id when it has
  // none, end of the id), in typed arrays: no allocation per attribute on the hot path.
  private readonly attrId = new Int32Array(ATTR_COUNT_CAP);
  private readonly attrStart = new Float64Array(ATTR_COUNT_CAP);
  private readonly attrEnd = new Float64Array(ATTR_COUNT_CAP);
  private attrCount = 0;
  private valueStart = -1;
  private pages = 0;
  private readonly index: PclXlSectionIndex | null;
  private readonly recorder: PclXlSectionRecorder | null;
  /** The next index entry to visit. */
  private next = 0;
  private readonly problem: ProblemSink;
  /**
   * Rewritten lists are written into this buffer one after the other and leave as views
   * of it: one allocation for many pages. A region once handed out is never written again.
   */
  private arena: Buffer = Buffer.alloc(0);
  private arenaUsed = 0;
  /** Replacement bytes not yet written: pending[pendingFrom, pendingTo) (see replace()). */
  private pending: Buffer | null = null;
  private pendingFrom = 0;
  private pendingTo = 0;

  constructor(
    private readonly edits: PclXlEdits,
    problem: ProblemSink,
    port: PclXlSectionPort | null = null,
  ) {
    this.index = port?.use ?? null;
    this.recorder = port?.record ?? null;
    const recorder = this.recorder;
    this.problem = recorder
      ? (code) => {
          recorder.problem(code);
          problem(code);
        }
      : problem;
  }

  buffered(): number {
    return this.em.held + this.partialLen;
  }

  write(chunk: Buffer, out: Buffer[]): void {
    if (this.index) {
      this.writeIndexed(this.index, chunk, out);
      return;
    }
    const em = this.em;
    em.begin(chunk, out);
    const at = em.chunkStart;
    const n = chunk.length;
    let i = 0;
    if (this.phase === 'header') i = this.header(chunk);
    if (this.phase === 'tokens' && this.partialLen > 0) i = this.completePartial(chunk, i);
    while (i < n && this.phase === 'tokens') {
      if (this.skipLeft > 0) {
        const take = Math.min(this.skipLeft, n - i);
        this.skipLeft -= take;
        i += take;
        continue;
      }
      // The frequent tokens inline: scalar values, ubyte attribute ids, plain operators.
      const t = chunk[i];
      if (t >= 0xc0 && t <= 0xc5) {
        const len = 1 + ELEM_SIZE[t - 0xc0];
        if (i + len <= n) {
          this.valueStart = at + i;
          i += len;
          continue;
        }
      } else if (t === 0xf8) {
        if (i + 2 <= n) {
          this.attribute(chunk[i + 1], at + i, at + i + 2);
          i += 2;
          continue;
        }
      } else if (t >= 0x41 && t <= 0xbf && t !== OP_BEGIN_PAGE && t !== OP_END_PAGE) {
        i++;
        this.newList(at + i);
        continue;
      }
      const len = tokenLength(chunk, i, n);
      if (len === -1) {
        chunk.copy(this.partial, 0, i, n);
        this.partialLen = n - i;
        this.partialAt = at + i;
        i = n;
        break;
      }
      if (len === -2) {
        this.malformed();
        break;
      }
      this.token(chunk, i, len, at + i);
      i += len;
    }
    let holdFrom = em.chunkEnd;
    if (this.phase === 'tokens' && this.listOk) {
      if (em.chunkEnd - this.listStart > ATTR_LIST_CAP) this.listOk = false; // too long to be a page list
      else holdFrom = this.listStart;
    }
    this.flushNew();
    em.endChunk(holdFrom);
  }

  /** Index mode: only the recorded attribute lists are looked at. */
  private writeIndexed(ix: PclXlSectionIndex, chunk: Buffer, out: Buffer[]): void {
    const em = this.em;
    em.begin(chunk, out);
    const end = em.chunkEnd;
    if (this.phase === 'header') this.header(chunk);
    const count = ix.opAt.length;
    while (this.phase === 'tokens' && this.next < count && ix.opAt[this.next] < end) {
      const k = this.next++;
      const op = ix.ops[k];
      const at = ix.opAt[k];
      if (at < em.chunkStart || chunk[at - em.chunkStart] !== op) {
        // Not the bytes the index was built from: edit nothing more.
        this.problem('PCLXL_NOT_EDITED');
        this.phase = 'done';
        break;
      }
      const edit = (op === OP_BEGIN_PAGE && this.edits.sides !== null) || (op === OP_END_PAGE && this.edits.copiesToOne);
      if (edit) {
        const start = ix.listStart[k];
        const list = start >= 0 && start >= em.emitted && start <= at ? em.view(start, at) : null;
        if (list && this.scanList(list, start)) {
          this.listStart = start;
          this.rewrite(op, at, list);
        } else {
          this.problem('PCLXL_NOT_EDITED');
        }
      }
      if (op === OP_BEGIN_PAGE) this.pages++;
    }
    // Hold back the next list if it starts in this chunk (its operator comes later).
    let holdFrom = end;
    if (this.phase === 'tokens' && this.next < count) {
      const s = ix.listStart[this.next];
      if (s >= 0 && s < end) holdFrom = s;
    }
    this.flushNew();
    em.endChunk(holdFrom);
  }

  /** Index mode: the attributes of one list (`list` starts at offset `base`); false if it does not scan cleanly. */
  private scanList(list: Buffer, base: number): boolean {
    this.attrCount = 0;
    this.valueStart = -1;
    this.listOk = true;
    const n = list.length;
    let i = 0;
    while (i < n) {
      const len = tokenLength(list, i, n);
      if (len < 0) return false;
      const t = list[i];
      // An operator, embedded data or a UEL inside a list: not what the index said.
      if ((t >= 0x41 && t <= 0xbf) || t === 0x1b || t === 0xfa || t === 0xfb) return false;
      if (t >= 0xc8 && t <= 0xcd) {
        const lt = list[i + 1] - 0xc0;
        const cnt = lt === 0 ? list[i + 2] : lt === 1 ? this.u16(list, i + 2) : this.u32(list, i + 2);
        this.valueStart = base + i;
        i += len + cnt * ELEM_SIZE[t - 0xc8];
        continue;
      }
      if (t === 0xf8 || t === 0xf9) this.attribute(t === 0xf8 ? list[i + 1] : this.u16(list, i + 1), base + i, base + i + len);
      else if (!isWhitespace(t)) this.valueStart = base + i;
      i += len;
    }
    return i === n && this.listOk;
  }

  end(out: Buffer[]): void {
    if (this.index) for (const code of this.index.problems) this.problem(code);
    this.em.begin(Buffer.alloc(0), out);
    this.flushNew();
    if (!this.index && this.phase === 'tokens' && (this.partialLen > 0 || this.skipLeft > 0)) this.problem('MALFORMED_PCLXL');
    this.em.emitTo(this.em.chunkEnd);
    this.phase = 'done';
  }

  /** The stream header line `) HP-PCL XL;…` (gs ends it with NUL LF); returns the index after it. */
  private header(chunk: Buffer): number {
    if (this.headerLen === 0 && chunk.length > 0) {
      const binding = chunk[0];
      if (binding === 0x29 || binding === 0x28) this.bigEndian = binding === 0x28;
      else {
        // ASCII binding (0x27) or not PCL XL at all: nothing we can edit.
        this.problem('MALFORMED_PCLXL');
        this.phase = 'done';
        return chunk.length;
      }
    }
    const lf = chunk.indexOf(0x0a);
    if (lf < 0 || this.headerLen + lf + 1 > HEADER_CAP) {
      this.headerLen += chunk.length;
      if (this.headerLen >= HEADER_CAP) {
        this.problem('MALFORMED_PCLXL');
        this.phase = 'done';
      }
      return chunk.length;
    }
    this.phase = 'tokens';
    this.listStart = this.em.chunkStart + lf + 1;
    return lf + 1;
  }

  /** Completes a token cut by the previous chunk; returns the index in `chunk` after it. */
  private completePartial(chunk: Buffer, from: number): number {
    let i = from;
    for (;;) {
      const len = tokenLength(this.partial, 0, this.partialLen);
      if (len === -2) {
        this.malformed();
        return chunk.length;
      }
      if (len > 0) {
        const at = this.partialAt;
        this.partialLen = 0;
        this.token(this.partial, 0, len, at);
        return i;
      }
      if (i >= chunk.length) return i;
      this.partial[this.partialLen++] = chunk[i++];
    }
  }

  private malformed(): void {
    this.problem('MALFORMED_PCLXL');
    this.phase = 'done';
    this.partialLen = 0;
    this.skipLeft = 0;
  }

  private u16(b: Buffer, i: number): number {
    return this.bigEndian ? (b[i] << 8) | b[i + 1] : b[i] | (b[i + 1] << 8);
  }

  private u32(b: Buffer, i: number): number {
    return this.bigEndian ? b.readUInt32BE(i) : b.readUInt32LE(i);
  }

  /** One token of `len` bytes at b[i]; `at` is its absolute offset. */
  private token(b: Buffer, i: number, len: number, at: number): void {
    const t = b[i];
    if (t >= 0x41 && t <= 0xbf) {
      this.operator(t, at);
    } else if (t === 0x1b) {
      this.phase = 'done'; // the UEL ending the stream is the framing's; anything after passes
    } else if (t >= 0xc8 && t <= 0xcd) {
      const lt = b[i + 1] - 0xc0;
      const count = lt === 0 ? b[i + 2] : lt === 1 ? this.u16(b, i + 2) : this.u32(b, i + 2);
      this.valueStart = at;
      this.skipLeft = count * ELEM_SIZE[t - 0xc8];
    } else if (t === 0xf8 || t === 0xf9) {
      this.attribute(t === 0xf8 ? b[i + 1] : this.u16(b, i + 1), at, at + len);
    } else if (t === 0xfa || t === 0xfb) {
      // Embedded data belongs to the operator before it: the next list starts after it.
      const size = t === 0xfa ? this.u32(b, i + 1) : b[i + 1];
      this.skipLeft = size;
      this.newList(at + len + size);
    } else if (!isWhitespace(t)) {
      this.valueStart = at; // a scalar, xy or box value
    }
  }

  /** An attribute id token [at, end): the value before it (if any) belongs to it. */
  private attribute(id: number, at: number, end: number): void {
    const k = this.attrCount;
    if (k < ATTR_COUNT_CAP) {
      this.attrId[k] = id;
      this.attrStart[k] = this.valueStart >= 0 ? this.valueStart : at;
      this.attrEnd[k] = end;
      this.attrCount = k + 1;
    } else {
      this.listOk = false;
    }
    this.valueStart = -1;
  }

  private newList(start: number): void {
    this.listStart = start;
    this.listOk = true;
    this.attrCount = 0;
    this.valueStart = -1;
  }

  private operator(op: number, at: number): void {
    if (this.recorder && (op === OP_BEGIN_PAGE || op === OP_END_PAGE)) {
      const editable = this.listOk && this.listStart <= at && at - this.listStart <= ATTR_LIST_CAP;
      this.recorder.add(op, at, editable ? this.listStart : -1);
    }
    const edit = (op === OP_BEGIN_PAGE && this.edits.sides !== null) || (op === OP_END_PAGE && this.edits.copiesToOne);
    if (edit) {
      const ok = this.listOk && this.listStart <= at && at - this.listStart <= ATTR_LIST_CAP && this.listStart >= this.em.emitted;
      if (ok) this.rewrite(op, at);
      else this.problem('PCLXL_NOT_EDITED');
    }
    if (op === OP_BEGIN_PAGE) this.pages++;
    this.newList(at + 1);
  }

  private rewrite(op: number, at: number, listBytes?: Buffer): void {
    const em = this.em;
    const start = this.listStart;
    const list = listBytes ?? em.bytes(start, at);
    const begin = op === OP_BEGIN_PAGE;
    const added = begin ? this.pageModeAttrs() : this.bigEndian ? COPIES_BE : COPIES_LE;
    // Kept ranges of the list, the new attributes where the first removed one stood.
    const keep: number[] = [];
    let pos = start;
    let placeAt = -1;
    for (let k = 0; k < this.attrCount; k++) {
      const id = this.attrId[k];
      const removed = begin ? id === ATTR_SIMPLEX || id === ATTR_DUPLEX_MODE || id === ATTR_DUPLEX_SIDE : id === ATTR_PAGE_COPIES;
      const aStart = this.attrStart[k];
      if (!removed || aStart < pos) continue;
      keep.push(pos - start, aStart - start);
      if (placeAt < 0) placeAt = keep.length;
      pos = this.attrEnd[k];
    }
    keep.push(pos - start, list.length);
    if (placeAt < 0) placeAt = keep.length;
    let size = added.length + 1;
    for (let k = 0; k < keep.length; k += 2) size += keep[k + 1] - keep[k];
    if (this.arenaUsed + size > this.arena.length) {
      this.arena = Buffer.allocUnsafe(Math.max(ARENA_BYTES, size));
      this.arenaUsed = 0;
    }
    const outBuf = this.arena;
    const from = this.arenaUsed;
    let w = from;
    for (let k = 0; k < keep.length; k += 2) {
      if (k === placeAt) w += added.copy(outBuf, w);
      w += list.copy(outBuf, w, keep[k], keep[k + 1]);
    }
    if (placeAt >= keep.length) w += added.copy(outBuf, w);
    outBuf[w++] = op;
    this.arenaUsed = w;
    this.replace(start, at + 1, outBuf, from, w);
  }

  /**
   * Writes buf[from, to) in place of original [start, end). Back-to-back replacements (an
   * EndPage list, then the next BeginPage list) lie side by side in the arena and leave
   * as one piece: fewer, larger writes downstream. Flushed before any original bytes and
   * at the end of each chunk.
   */
  private replace(start: number, end: number, buf: Buffer, from: number, to: number): void {
    const em = this.em;
    if (this.pending && start > em.emitted) this.flushNew();
    em.emitTo(start);
    if (this.pending === buf && this.pendingTo === from) {
      this.pendingTo = to;
    } else {
      this.flushNew();
      this.pending = buf;
      this.pendingFrom = from;
      this.pendingTo = to;
    }
    em.skipTo(end);
  }

  private flushNew(): void {
    if (!this.pending) return;
    this.em.push(this.pending.subarray(this.pendingFrom, this.pendingTo));
    this.pending = null;
  }

  private pageModeAttrs(): Buffer {
    const sides = this.edits.sides;
    if (sides === 'simplex' || sides === null) return SIMPLEX;
    const front = this.pages % 2 === 0;
    if (sides === 'duplex-long') return front ? DUPLEX_LONG_FRONT : DUPLEX_LONG_BACK;
    return front ? DUPLEX_SHORT_FRONT : DUPLEX_SHORT_BACK;
  }
}

const SIMPLEX = Buffer.from([0xc0, 0x00, 0xf8, ATTR_SIMPLEX]);
const duplexAttrs = (mode: number, side: number): Buffer => Buffer.from([0xc0, mode, 0xf8, ATTR_DUPLEX_MODE, 0xc0, side, 0xf8, ATTR_DUPLEX_SIDE]);
/** DuplexPageMode 1 = vertical binding (long edge), 0 = horizontal (short edge); side 0 front, 1 back. */
const DUPLEX_LONG_FRONT = duplexAttrs(1, 0);
const DUPLEX_LONG_BACK = duplexAttrs(1, 1);
const DUPLEX_SHORT_FRONT = duplexAttrs(0, 0);
const DUPLEX_SHORT_BACK = duplexAttrs(0, 1);
/** PageCopies as uint16 1, in the stream's byte order. */
const COPIES_LE = Buffer.from([0xc1, 0x01, 0x00, 0xf8, ATTR_PAGE_COPIES]);
const COPIES_BE = Buffer.from([0xc1, 0x00, 0x01, 0xf8, ATTR_PAGE_COPIES]);
