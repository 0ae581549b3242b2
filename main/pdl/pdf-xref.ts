// Cross-reference loading (ISO 32000 §7.5.4–7.5.8): classic tables with their trailer,
// XRef streams (/W, /Index, predictors), hybrid files (/XRefStm) and /Prev chains. Entries
// are looked up lazily per object number, newest section first, so a file with a million
// objects costs a few small reads, not a million-entry map. Classic entries are read from
// the file on demand; XRef stream data is kept decoded, under a total cap.
import { PdfParser, PdfSyntaxError, isDict, isInt, isName, type PdfDict } from './pdf-objects.js';
import { PdfStream, readIndirectAt, readStreamRaw, type PdfSource } from './pdf-file.js';
import { decodeStream } from './pdf-stream.js';

export type XrefEntry =
  | { readonly type: 0 }
  | { readonly type: 1; readonly offset: number; readonly gen: number }
  | { readonly type: 2; readonly stream: number; readonly index: number };

const FREE: XrefEntry = { type: 0 };

/** Sections followed through /Prev before giving up (guards loops and absurd chains). */
export const MAX_XREF_SECTIONS = 256;
/** Decoded XRef stream bytes kept across the whole chain. */
export const MAX_XREF_STREAM_TOTAL = 64 * 1024 * 1024;
const MAX_SUBSECTIONS = 65536;

/** What an xref answers: the entry for an object number, or null (absent or free). */
export interface XrefLookup {
  lookup(num: number): Promise<XrefEntry | null>;
}

interface Section {
  /** undefined: this section says nothing about num. */
  lookup(num: number): Promise<XrefEntry | undefined>;
}

interface Subsection {
  readonly first: number;
  readonly count: number;
  /** Classic: file offset of the first entry; stream: row index of the first entry. */
  readonly at: number;
  readonly width: number;
}

function findSub(subs: readonly Subsection[], num: number): Subsection | undefined {
  // Later subsections win over earlier ones for the same number (rare, but seen).
  for (let i = subs.length - 1; i >= 0; i--) {
    const s = subs[i];
    if (num >= s.first && num < s.first + s.count) return s;
  }
  return undefined;
}

const ENTRY_RE = /^\s*(\d{1,10})\s+(\d{1,5})\s+([nf])/;

class ClassicSection implements Section {
  constructor(
    private readonly src: PdfSource,
    private readonly subs: readonly Subsection[],
  ) {}

  async lookup(num: number): Promise<XrefEntry | undefined> {
    const s = findSub(this.subs, num);
    if (!s) return undefined;
    const buf = await this.src.read(s.at + (num - s.first) * s.width, 24);
    const m = ENTRY_RE.exec(buf.toString('latin1'));
    if (!m) return undefined;
    if (m[3] === 'f') return FREE;
    const offset = Number(m[1]);
    // `0000000000 00000 n` is a broken entry, not an object at offset 0: look further back.
    if (offset === 0) return undefined;
    return { type: 1, offset, gen: Number(m[2]) };
  }
}

class StreamSection implements Section {
  private readonly rowLen: number;

  constructor(
    private readonly data: Buffer,
    private readonly w: readonly [number, number, number],
    private readonly subs: readonly Subsection[],
  ) {
    this.rowLen = w[0] + w[1] + w[2];
  }

  private field(at: number, width: number): number {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + this.data[at + i];
    return v;
  }

  async lookup(num: number): Promise<XrefEntry | undefined> {
    const s = findSub(this.subs, num);
    if (!s) return undefined;
    const row = (s.at + (num - s.first)) * this.rowLen;
    if (row + this.rowLen > this.data.length) return undefined;
    const [w0, w1, w2] = this.w;
    const type = w0 === 0 ? 1 : this.field(row, w0);
    const f2 = this.field(row + w0, w1);
    const f3 = this.field(row + w0 + w1, w2);
    if (type === 1) return f2 === 0 ? undefined : { type: 1, offset: f2, gen: f3 };
    if (type === 2) return { type: 2, stream: f2, index: f3 };
    // Type 0 is free; unknown types are references to the null object.
    return FREE;
  }
}

/** One update's entries: a classic table and, in hybrid files, its /XRefStm. */
interface Group {
  readonly primary: Section;
  readonly hidden: Section | null;
}

export interface LoadedXref extends XrefLookup {
  /** Trailer keys merged newest-first (Root, Info, Encrypt, Size, ID). */
  readonly trailer: PdfDict;
  readonly sections: number;
}

class ChainXref implements LoadedXref {
  constructor(
    private readonly groups: readonly Group[],
    readonly trailer: PdfDict,
  ) {}

  get sections(): number {
    return this.groups.length;
  }

  async lookup(num: number): Promise<XrefEntry | null> {
    if (!Number.isSafeInteger(num) || num <= 0) return null;
    for (const g of this.groups) {
      const a = await g.primary.lookup(num);
      if (a && a.type !== 0) return a;
      // In a hybrid file the table lists objects in object streams as free or not at all;
      // the /XRefStm holds them.
      const b = g.hidden ? await g.hidden.lookup(num) : undefined;
      if (b && b.type !== 0) return b;
      if (a || b) return null;
    }
    return null;
  }
}

const TRAILER_KEYS = ['Root', 'Info', 'Encrypt', 'Size', 'ID'];

interface SectionRead {
  section: Section;
  trailer: PdfDict;
  decodedBytes: number;
}

async function readClassic(src: PdfSource, offset: number): Promise<SectionRead> {
  let pos = offset + 4; // after `xref`
  const subs: Subsection[] = [];
  for (;;) {
    if (subs.length > MAX_SUBSECTIONS) throw new PdfSyntaxError('too many xref subsections');
    const head = await src.read(pos, 256);
    const p = new PdfParser(head, 0, true);
    p.skipWhitespace();
    const text = head.toString('latin1', p.pos, p.pos + 7);
    if (text === 'trailer') {
      const trailerPos = pos + p.pos + 7;
      const trailer = await src.parseAt(trailerPos, (q) => q.parseValue());
      if (!isDict(trailer)) throw new PdfSyntaxError('trailer is not a dictionary');
      return { section: new ClassicSection(src, subs), trailer, decodedBytes: 0 };
    }
    const m = /^(\d{1,10})[ \t]+(\d{1,10})[ \t]*(\r\n|\r|\n)?/.exec(head.toString('latin1', p.pos));
    if (!m) throw new PdfSyntaxError('bad xref subsection header');
    const first = Number(m[1]);
    const count = Number(m[2]);
    let at = pos + p.pos + m[0].length;
    if (count === 0) {
      pos = at;
      continue;
    }
    // Entries are meant to be exactly 20 bytes; producers also write 19 (LF only) or 21.
    const e = await src.read(at, 64);
    let k = 0;
    while (k < e.length && (e[k] === 0x20 || e[k] === 0x0d || e[k] === 0x0a)) k++;
    at += k;
    const em = /^\d{10} \d{5} [nf]([ \r\n]{0,3})/.exec(e.toString('latin1', k));
    if (!em) throw new PdfSyntaxError('irregular xref entries');
    const width = 18 + em[1].length;
    if (width < 19 && count > 1) throw new PdfSyntaxError('xref entries without line ends');
    subs.push({ first, count, at, width });
    pos = at + count * width;
    // The table must continue with another subsection or the trailer right here.
    const next = await src.read(pos, 64);
    const np = new PdfParser(next, 0, true);
    np.skipWhitespace();
    const c = next[np.pos];
    if (!(c >= 0x30 && c <= 0x39) && next.toString('latin1', np.pos, np.pos + 7) !== 'trailer') {
      throw new PdfSyntaxError('xref table length does not match its entries');
    }
  }
}

async function readXrefStream(src: PdfSource, offset: number, budget: number): Promise<SectionRead> {
  const obj = await readIndirectAt(src, offset);
  if (!(obj.value instanceof PdfStream)) throw new PdfSyntaxError('xref offset is not a stream');
  const dict = obj.value.dict;
  const type = dict.get('Type');
  if (type !== undefined && !isName(type, 'XRef')) throw new PdfSyntaxError('not an XRef stream');
  const wv = dict.get('W');
  if (!Array.isArray(wv) || wv.length < 3 || !wv.slice(0, 3).every((x) => isInt(x) && x >= 0 && x <= 8)) {
    throw new PdfSyntaxError('bad /W');
  }
  const w: [number, number, number] = [wv[0] as number, wv[1] as number, wv[2] as number];
  const rowLen = w[0] + w[1] + w[2];
  if (rowLen === 0) throw new PdfSyntaxError('empty /W');
  const length = dict.get('Length');
  const raw = await readStreamRaw(src, obj.value, isInt(length) ? length : null);
  if (!raw) throw new PdfSyntaxError('xref stream data unreadable');
  const data = await decodeStream(dict, raw, Math.max(0, budget));
  if (!data) throw new PdfSyntaxError('xref stream data undecodable');
  const size = dict.get('Size');
  const index = dict.get('Index') ?? (isInt(size) ? [0, size] : []);
  if (!Array.isArray(index)) throw new PdfSyntaxError('bad /Index');
  const subs: Subsection[] = [];
  let row = 0;
  for (let i = 0; i + 1 < index.length; i += 2) {
    const first = index[i];
    const count = index[i + 1];
    if (!isInt(first) || !isInt(count) || first < 0 || count < 0) throw new PdfSyntaxError('bad /Index entry');
    subs.push({ first, count, at: row, width: rowLen });
    row += count;
  }
  return { section: new StreamSection(data, w, subs), trailer: dict, decodedBytes: data.length };
}

async function readSectionAt(src: PdfSource, offset: number, budget: number): Promise<SectionRead> {
  const head = await src.read(offset, 64);
  const p = new PdfParser(head, 0, true);
  p.skipWhitespace();
  if (head.toString('latin1', p.pos, p.pos + 4) === 'xref') return readClassic(src, offset + p.pos);
  return readXrefStream(src, offset + p.pos, budget);
}

/** Loads the xref chain starting at `startxref`. Throws when even the newest section is unreadable. */
export async function loadXref(src: PdfSource, startxref: number): Promise<LoadedXref> {
  const groups: Group[] = [];
  const trailer: PdfDict = new Map();
  const seen = new Set<number>();
  const queue: number[] = [startxref];
  let budget = MAX_XREF_STREAM_TOTAL;
  while (queue.length > 0 && groups.length < MAX_XREF_SECTIONS) {
    const offset = queue.shift() as number;
    if (seen.has(offset)) continue; // a /Prev loop
    seen.add(offset);
    let read: SectionRead;
    try {
      if (!Number.isSafeInteger(offset) || offset < 0 || offset >= src.length) throw new PdfSyntaxError('xref offset out of range');
      read = await readSectionAt(src, offset, budget);
    } catch (e) {
      // The newest section must be readable; a broken older one only loses older entries,
      // and an object that then fails to resolve sends the caller to the recovery scan.
      if (groups.length === 0) throw e;
      break;
    }
    budget -= read.decodedBytes;
    let hidden: Section | null = null;
    const stm = read.trailer.get('XRefStm');
    if (isInt(stm) && stm > 0 && stm < src.length && !seen.has(stm)) {
      try {
        const h = await readXrefStream(src, stm, budget);
        budget -= h.decodedBytes;
        hidden = h.section;
      } catch {
        hidden = null;
      }
    }
    groups.push({ primary: read.section, hidden });
    for (const k of TRAILER_KEYS) {
      const v = read.trailer.get(k);
      if (v !== undefined && !trailer.has(k)) trailer.set(k, v);
    }
    const prev = read.trailer.get('Prev');
    if (isInt(prev)) queue.push(prev);
  }
  return new ChainXref(groups, trailer);
}

/** An xref built by the recovery scan. */
export class MapXref implements XrefLookup {
  constructor(readonly entries: Map<number, XrefEntry>) {}

  async lookup(num: number): Promise<XrefEntry | null> {
    const e = this.entries.get(num);
    return e && e.type !== 0 ? e : null;
  }
}
