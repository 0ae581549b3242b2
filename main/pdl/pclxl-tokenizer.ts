// A streaming PCL XL (PCL 6) tokenizer: the stream header line, then binary tokens
// (PROTOCOLS.md §8). It reports each operator with the attributes collected since the
// previous one. Bytes are consumed one token at a time, so any chunking gives the same
// events; embedded data (FA/FB) is skipped by count without being buffered. Malformed
// input stops the tokenizer (status 'malformed'); it never throws.

/** Element types of data tags C0–C5 (and their array/xy/box forms). */
const ELEM_SIZE = [1, 2, 4, 2, 4, 4] as const;

/** Arrays longer than this are skipped, not stored (palettes are at most 256 × 3). */
export const PCLXL_ARRAY_CAP = 1024;
/** Attributes kept per operator; extra ones are dropped (real operators carry < 20). */
export const PCLXL_ATTR_CAP = 32;
/** The stream header line is short; a longer "line" means this is not PCL XL. */
export const PCLXL_HEADER_CAP = 512;
/** Leading whitespace tolerated before the binding byte. */
const LEADING_WS_CAP = 64;

export interface PclXlValue {
  /** 0 ubyte, 1 uint16, 2 uint32, 3 sint16, 4 sint32, 5 real32. */
  readonly type: number;
  readonly count: number;
  /** The decoded elements, or null when the array was longer than PCLXL_ARRAY_CAP. */
  readonly nums: readonly number[] | null;
}

export interface PclXlAttr {
  readonly id: number;
  readonly value: PclXlValue | null;
}

export type PclXlStatus = 'start' | 'header' | 'binary' | 'ascii' | 'ended' | 'malformed';

export type PclXlOperatorHandler = (op: number, attrs: readonly PclXlAttr[]) => void;

const enum S {
  Start,
  Header,
  Token,
  Elems,
  ArrayLenTag,
  ArrayLen,
  Skip,
  AttrId,
  EmbedLen,
  Stop,
}

function isWhitespace(b: number): boolean {
  return b === 0x00 || (b >= 0x09 && b <= 0x0d) || b === 0x20;
}

export class PclXlTokenizer {
  private state = S.Start;
  private statusValue: PclXlStatus = 'start';
  private bigEndian = false;
  private leadingWs = 0;
  private headerOk = false;
  private readonly header: number[] = [];

  // Bytes of the number being read (one element, a length, an attribute id or an embedded length).
  private readonly acc = Buffer.alloc(4);
  private accLen = 0;
  private accNeed = 0;

  // The value being read.
  private elemType = 0;
  private elemsLeft = 0;
  private elemCount = 0;
  private nums: number[] | null = null;
  private skipLeft = 0;
  /** Element type of an array's length token. */
  private lenType = 0;
  /** True when the bytes being skipped are an unstored array (a value), false for embedded data. */
  private pendingSkipIsValue = false;

  private lastValue: PclXlValue | null = null;
  private attrs: PclXlAttr[] = [];
  private bytesSeen = 0;

  constructor(private readonly onOperator: PclXlOperatorHandler) {}

  /** True once a valid stream header line was read. */
  get headerRead(): boolean {
    return this.headerOk;
  }

  get status(): PclXlStatus {
    return this.statusValue;
  }

  /** Total bytes fed so far (for diagnostics). */
  get offset(): number {
    return this.bytesSeen;
  }

  /** Attributes currently buffered (never more than PCLXL_ATTR_CAP). */
  get bufferedAttributes(): number {
    return this.attrs.length;
  }

  write(chunk: Buffer): void {
    try {
      this.consume(chunk);
    } catch {
      // A handler bug must not escape the inspector boundary.
      this.fail();
    }
  }

  /** End of input: an unfinished token means the stream was truncated. */
  end(): void {
    if (this.state === S.Stop) return;
    if (this.state === S.Token || this.state === S.Start) {
      this.state = S.Stop;
      if (this.statusValue === 'binary') this.statusValue = 'ended';
      return;
    }
    this.fail();
  }

  private fail(): void {
    this.state = S.Stop;
    this.statusValue = 'malformed';
    this.attrs = [];
    this.nums = null;
    this.lastValue = null;
  }

  private consume(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    this.bytesSeen += n;
    while (i < n) {
      switch (this.state) {
        case S.Stop:
          return;
        case S.Start: {
          const b = chunk[i++];
          if (isWhitespace(b) && this.leadingWs < LEADING_WS_CAP) {
            this.leadingWs++;
          } else if (b === 0x29 || b === 0x28 || b === 0x27) {
            this.bigEndian = b === 0x28;
            this.header.push(b);
            this.state = S.Header;
            this.statusValue = 'header';
          } else {
            this.fail();
          }
          break;
        }
        case S.Header: {
          const b = chunk[i++];
          if (b === 0x0a) {
            this.endHeader();
          } else if (this.header.length >= PCLXL_HEADER_CAP) {
            this.fail();
          } else {
            this.header.push(b);
          }
          break;
        }
        case S.Token:
          i = this.token(chunk, i);
          break;
        case S.Elems: {
          this.acc[this.accLen++] = chunk[i++];
          if (this.accLen === this.accNeed) {
            const v = this.readNumber(this.elemType);
            if (this.nums) this.nums.push(v);
            this.accLen = 0;
            if (--this.elemsLeft === 0) this.finishValue();
          }
          break;
        }
        case S.ArrayLenTag: {
          const b = chunk[i++];
          // The array length is a ubyte or uint16 token (uint32 tolerated).
          if (b === 0xc0 || b === 0xc1 || b === 0xc2) {
            this.accNeed = ELEM_SIZE[b - 0xc0];
            this.accLen = 0;
            this.lenType = b - 0xc0;
            this.state = S.ArrayLen;
          } else {
            this.fail();
          }
          break;
        }
        case S.ArrayLen: {
          this.acc[this.accLen++] = chunk[i++];
          if (this.accLen === this.accNeed) {
            const count = this.readNumber(this.lenType);
            this.accLen = 0;
            this.beginElems(count, count <= PCLXL_ARRAY_CAP);
          }
          break;
        }
        case S.Skip: {
          const take = Math.min(this.skipLeft, n - i);
          i += take;
          this.skipLeft -= take;
          if (this.skipLeft === 0) this.afterSkip();
          break;
        }
        case S.AttrId: {
          this.acc[this.accLen++] = chunk[i++];
          if (this.accLen === this.accNeed) {
            const id = this.accNeed === 1 ? this.acc[0] : this.readNumber(1);
            this.accLen = 0;
            if (this.attrs.length < PCLXL_ATTR_CAP) this.attrs.push({ id, value: this.lastValue });
            this.lastValue = null;
            this.state = S.Token;
          }
          break;
        }
        case S.EmbedLen: {
          this.acc[this.accLen++] = chunk[i++];
          if (this.accLen === this.accNeed) {
            const len = this.accNeed === 1 ? this.acc[0] : this.readNumber(2);
            this.accLen = 0;
            this.skipLeft = len;
            this.pendingSkipIsValue = false;
            this.state = len > 0 ? S.Skip : S.Token;
          }
          break;
        }
      }
    }
  }

  private endHeader(): void {
    const text = Buffer.from(this.header).toString('latin1');
    this.header.length = 0;
    if (!text.includes('HP-PCL XL')) {
      this.fail();
      return;
    }
    this.headerOk = true;
    if (text.charCodeAt(0) === 0x27) {
      // ASCII binding: a readable token language this tokenizer does not parse.
      this.state = S.Stop;
      this.statusValue = 'ascii';
      return;
    }
    this.state = S.Token;
    this.statusValue = 'binary';
  }

  /** Reads one tag byte; returns the next index. */
  private token(chunk: Buffer, i: number): number {
    const b = chunk[i++];
    if (isWhitespace(b)) return i;
    if (b >= 0x41 && b <= 0xbf) {
      const attrs = this.attrs;
      this.attrs = [];
      this.lastValue = null;
      this.onOperator(b, attrs);
      return i;
    }
    if (b >= 0xc0 && b <= 0xc5) {
      this.elemType = b - 0xc0;
      this.beginElems(1, true);
    } else if (b >= 0xc8 && b <= 0xcd) {
      this.elemType = b - 0xc8;
      this.state = S.ArrayLenTag;
    } else if (b >= 0xd0 && b <= 0xd5) {
      this.elemType = b - 0xd0;
      this.beginElems(2, true);
    } else if (b >= 0xe0 && b <= 0xe5) {
      this.elemType = b - 0xe0;
      this.beginElems(4, true);
    } else if (b === 0xf8 || b === 0xf9) {
      this.accNeed = b === 0xf8 ? 1 : 2;
      this.accLen = 0;
      this.state = S.AttrId;
    } else if (b === 0xfa || b === 0xfb) {
      this.accNeed = b === 0xfa ? 4 : 1;
      this.accLen = 0;
      this.state = S.EmbedLen;
    } else if (b === 0x1b) {
      // ESC: the UEL that ends the XL stream (PJL may follow; it is not ours).
      this.state = S.Stop;
      this.statusValue = 'ended';
    } else {
      this.fail();
    }
    return i;
  }

  private beginElems(count: number, store: boolean): void {
    this.elemCount = count;
    if (count === 0) {
      this.nums = [];
      this.finishValue();
      return;
    }
    if (store) {
      this.nums = [];
      this.elemsLeft = count;
      this.accNeed = ELEM_SIZE[this.elemType];
      this.accLen = 0;
      this.state = S.Elems;
    } else {
      this.nums = null;
      this.skipLeft = count * ELEM_SIZE[this.elemType];
      this.pendingSkipIsValue = true;
      this.state = S.Skip;
    }
  }

  private afterSkip(): void {
    if (this.pendingSkipIsValue) {
      this.pendingSkipIsValue = false;
      this.finishValue();
    } else {
      this.state = S.Token;
    }
  }

  private finishValue(): void {
    this.lastValue = { type: this.elemType, count: this.elemCount, nums: this.nums };
    this.nums = null;
    this.state = S.Token;
  }

  private readNumber(type: number): number {
    const a = this.acc;
    const be = this.bigEndian;
    switch (type) {
      case 0:
        return a[0];
      case 1:
        return be ? a.readUInt16BE(0) : a.readUInt16LE(0);
      case 2:
        return be ? a.readUInt32BE(0) : a.readUInt32LE(0);
      case 3:
        return be ? a.readInt16BE(0) : a.readInt16LE(0);
      case 4:
        return be ? a.readInt32BE(0) : a.readInt32LE(0);
      default:
        return be ? a.readFloatBE(0) : a.readFloatLE(0);
    }
  }
}
