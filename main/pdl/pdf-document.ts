// Object resolution over an xref: direct objects by offset, compressed ones from object
// streams (/Type/ObjStm, /N, /First). Recursion (a /Length that is itself a reference, an
// object stream found through the xref) is depth-limited, and decoded object streams are
// cached two at a time.
import { PdfParser, PdfRef, isDict, isInt, type PdfDict } from './pdf-objects.js';
import { PdfStream, readIndirectAt, readStreamRaw, type PdfObject, type PdfSource } from './pdf-file.js';
import { MAX_DECODED_BYTES, decodeStream } from './pdf-stream.js';
import type { XrefLookup } from './pdf-xref.js';

const MAX_DEPTH = 8;
const OBJSTM_CACHE = 2;
const MAX_OBJSTM_OBJECTS = 1_000_000;

interface ObjectStream {
  readonly data: Buffer;
  readonly first: number;
  /** Object numbers and offsets (relative to first), interleaved. */
  readonly pairs: readonly number[];
}

export class PdfDocument {
  private readonly objStms = new Map<number, ObjectStream>();

  constructor(
    readonly src: PdfSource,
    private readonly xref: XrefLookup,
    /** Strings and streams are encrypted: object streams cannot be read. */
    readonly encrypted: boolean,
  ) {}

  /** The object numbered num, or undefined when it cannot be found or read. */
  async getObject(num: number, depth = 0): Promise<PdfObject | undefined> {
    if (depth > MAX_DEPTH) return undefined;
    const entry = await this.xref.lookup(num);
    if (!entry) return undefined;
    if (entry.type === 1) {
      try {
        return (await readIndirectAt(this.src, entry.offset, num)).value;
      } catch {
        return undefined;
      }
    }
    if (entry.type === 2) {
      if (this.encrypted) return undefined;
      const stm = await this.objectStream(entry.stream, depth + 1);
      if (!stm) return undefined;
      return objectFromStream(stm, num, entry.index);
    }
    return undefined;
  }

  /** Follows references (a chain of them, too) to a value. */
  async resolve(v: PdfObject | undefined, depth = 0): Promise<PdfObject | undefined> {
    let cur = v;
    for (let hops = 0; cur instanceof PdfRef; hops++) {
      if (hops > MAX_DEPTH) return undefined;
      cur = await this.getObject(cur.num, depth);
    }
    return cur;
  }

  async resolveDict(v: PdfObject | undefined): Promise<PdfDict | undefined> {
    const r = await this.resolve(v);
    if (isDict(r)) return r;
    if (r instanceof PdfStream) return r.dict;
    return undefined;
  }

  /** A stream's decoded data (null when unreadable, encrypted or over the cap). */
  async streamData(stream: PdfStream, maxOut = MAX_DECODED_BYTES, depth = 0): Promise<Buffer | null> {
    if (this.encrypted) return null;
    const lv = await this.resolve(stream.dict.get('Length'), depth + 1);
    const raw = await readStreamRaw(this.src, stream, isInt(lv) ? lv : null);
    if (!raw) return null;
    return decodeStream(stream.dict, raw, maxOut);
  }

  private async objectStream(num: number, depth: number): Promise<ObjectStream | undefined> {
    const cached = this.objStms.get(num);
    if (cached) return cached;
    const entry = await this.xref.lookup(num);
    // An object stream is never itself inside an object stream.
    if (!entry || entry.type !== 1) return undefined;
    let obj: PdfObject;
    try {
      obj = (await readIndirectAt(this.src, entry.offset, num)).value;
    } catch {
      return undefined;
    }
    if (!(obj instanceof PdfStream)) return undefined;
    const n = obj.dict.get('N');
    const first = obj.dict.get('First');
    if (!isInt(n) || !isInt(first) || n < 0 || first < 0 || n > MAX_OBJSTM_OBJECTS) return undefined;
    const data = await this.streamData(obj, MAX_DECODED_BYTES, depth);
    if (!data || first > data.length) return undefined;
    const pairs: number[] = [];
    try {
      const p = new PdfParser(data.subarray(0, first), 0, true);
      for (let i = 0; i < n; i++) {
        const a = p.parseValue();
        const b = p.parseValue();
        if (!isInt(a) || !isInt(b)) break;
        pairs.push(a, b);
      }
    } catch {
      // Keep the pairs read before the damage.
    }
    const stm: ObjectStream = { data, first, pairs };
    if (this.objStms.size >= OBJSTM_CACHE) {
      const oldest = this.objStms.keys().next().value as number;
      this.objStms.delete(oldest);
    }
    this.objStms.set(num, stm);
    return stm;
  }
}

function objectFromStream(stm: ObjectStream, num: number, index: number): PdfObject | undefined {
  let k = -1;
  if (index >= 0 && 2 * index + 1 < stm.pairs.length && stm.pairs[2 * index] === num) k = index;
  else {
    // The index is a hint; the header's object numbers are authoritative.
    for (let i = 0; 2 * i + 1 < stm.pairs.length; i++) {
      if (stm.pairs[2 * i] === num) {
        k = i;
        break;
      }
    }
  }
  if (k < 0) return undefined;
  const at = stm.first + stm.pairs[2 * k + 1];
  if (at >= stm.data.length) return undefined;
  try {
    return new PdfParser(stm.data, at, true).parseValue();
  } catch {
    return undefined;
  }
}
