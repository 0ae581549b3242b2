// PDF object syntax (ISO 32000 §7.2–7.3) parsed from an in-memory window of the file.
// The parser is synchronous and bounded: nesting depth, stored array/dict entries and
// string lengths are capped, so a hostile object cannot make it hold more than a few MiB.
// Running off the end of the window throws NeedMoreData so the caller can retry with a
// larger window (see pdf-file.ts).

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}

export class PdfString {
  constructor(readonly bytes: Buffer) {}
}

/** A bare keyword token where a value was expected (obj, endobj, stream, R, …). */
export class PdfKeyword {
  constructor(readonly word: string) {}
}

export type PdfDict = Map<string, PdfValue>;
export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfValue[] | PdfDict;

/** The window ended inside a token or structure; a larger window may parse. */
export class NeedMoreData extends Error {
  constructor() {
    super('need more data');
    this.name = 'NeedMoreData';
  }
}

/** The bytes are not valid PDF syntax. */
export class PdfSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfSyntaxError';
  }
}

export const MAX_NESTING = 32;
/** Array elements kept; the rest are parsed and dropped (a /Kids array can list 100 000 pages). */
export const MAX_ARRAY_KEPT = 4096;
export const MAX_DICT_KEYS = 4096;
/** String bytes kept; longer strings are truncated. */
export const MAX_STRING_KEPT = 64 * 1024;
const MAX_TOKEN = 4096;

export function isPdfWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
}

function isDelimiter(b: number): boolean {
  return (
    b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25
  );
}

function isRegular(b: number): boolean {
  return !isPdfWhitespace(b) && !isDelimiter(b);
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

export function isDict(v: unknown): v is PdfDict {
  return v instanceof Map;
}

export function isName(v: unknown, name?: string): v is PdfName {
  return v instanceof PdfName && (name === undefined || v.name === name);
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

type Token = PdfValue | PdfKeyword | typeof DICT_START | typeof DICT_END | typeof ARRAY_START | typeof ARRAY_END;
const DICT_START = Symbol('<<');
const DICT_END = Symbol('>>');
const ARRAY_START = Symbol('[');
const ARRAY_END = Symbol(']');

export class PdfParser {
  pos: number;

  /**
   * @param buf the window
   * @param atEof true when the window ends where the PDF ends (running off it is then a
   *   syntax error rather than a request for more data)
   */
  constructor(
    readonly buf: Buffer,
    pos = 0,
    readonly atEof = false,
  ) {
    this.pos = pos;
  }

  private more(): never {
    if (this.atEof) throw new PdfSyntaxError('unexpected end of data');
    throw new NeedMoreData();
  }

  skipWhitespace(): void {
    const buf = this.buf;
    for (;;) {
      while (this.pos < buf.length && isPdfWhitespace(buf[this.pos])) this.pos++;
      if (this.pos < buf.length && buf[this.pos] === 0x25) {
        while (this.pos < buf.length && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x0d) this.pos++;
        continue;
      }
      return;
    }
  }

  /** Parses one complete value (an `n g R` reference counts as one). */
  parseValue(depth = 0): PdfValue {
    const t = this.nextToken();
    return this.valueFrom(t, depth);
  }

  /** Next token, or a keyword; used to check for `obj`, `stream`, `endobj`. */
  peekKeyword(): string | null {
    const save = this.pos;
    try {
      this.skipWhitespace();
      if (this.pos >= this.buf.length) return null;
      if (!isRegular(this.buf[this.pos])) return null;
      const start = this.pos;
      while (this.pos < this.buf.length && isRegular(this.buf[this.pos]) && this.pos - start < 32) this.pos++;
      return this.buf.toString('latin1', start, this.pos);
    } finally {
      this.pos = save;
    }
  }

  /** Reads `num gen obj`; returns null when the bytes here are not an object header. */
  parseObjectHeader(): { num: number; gen: number } | null {
    const a = this.nextToken();
    const b = this.nextToken();
    const c = this.nextToken();
    if (isInt(a) && isInt(b) && c instanceof PdfKeyword && c.word === 'obj' && a >= 0 && b >= 0) return { num: a, gen: b };
    return null;
  }

  private valueFrom(t: Token, depth: number): PdfValue {
    if (depth > MAX_NESTING) throw new PdfSyntaxError('nesting too deep');
    if (t === DICT_START) return this.parseDict(depth + 1);
    if (t === ARRAY_START) return this.parseArray(depth + 1);
    if (t === DICT_END || t === ARRAY_END) throw new PdfSyntaxError('unexpected closing delimiter');
    if (t instanceof PdfKeyword) throw new PdfSyntaxError(`unexpected keyword ${t.word}`);
    if (isInt(t) && t >= 0) {
      // `n g R`: look ahead two tokens, and rewind when they are not a reference.
      const save = this.pos;
      try {
        const g = this.nextToken();
        if (isInt(g) && g >= 0) {
          const r = this.nextToken();
          if (r instanceof PdfKeyword && r.word === 'R') return new PdfRef(t, g);
        }
      } catch (e) {
        // At the very end of the window the lookahead may need more data even though the
        // number itself is complete; that must still ask for more.
        if (!(e instanceof PdfSyntaxError)) throw e;
      }
      this.pos = save;
    }
    return t;
  }

  private parseDict(depth: number): PdfDict {
    const dict: PdfDict = new Map();
    for (;;) {
      const k = this.nextToken();
      if (k === DICT_END) return dict;
      if (!(k instanceof PdfName)) throw new PdfSyntaxError('dictionary key is not a name');
      const vt = this.nextToken();
      if (vt === DICT_END) {
        // A key without a value: tolerated as null (seen in broken producers).
        dict.set(k.name, null);
        return dict;
      }
      const v = this.valueFrom(vt, depth);
      if (dict.size < MAX_DICT_KEYS || dict.has(k.name)) dict.set(k.name, v);
    }
  }

  private parseArray(depth: number): PdfValue[] {
    const arr: PdfValue[] = [];
    for (;;) {
      const t = this.nextToken();
      if (t === ARRAY_END) return arr;
      const v = this.valueFrom(t, depth);
      if (arr.length < MAX_ARRAY_KEPT) arr.push(v);
    }
  }

  private nextToken(): Token {
    this.skipWhitespace();
    const buf = this.buf;
    if (this.pos >= buf.length) this.more();
    const b = buf[this.pos];
    switch (b) {
      case 0x2f: // '/'
        return this.parseName();
      case 0x28: // '('
        return this.parseLiteralString();
      case 0x3c: // '<'
        if (this.pos + 1 >= buf.length) this.more();
        if (buf[this.pos + 1] === 0x3c) {
          this.pos += 2;
          return DICT_START;
        }
        return this.parseHexString();
      case 0x3e: // '>'
        if (this.pos + 1 >= buf.length) this.more();
        if (buf[this.pos + 1] === 0x3e) {
          this.pos += 2;
          return DICT_END;
        }
        throw new PdfSyntaxError('stray >');
      case 0x5b:
        this.pos++;
        return ARRAY_START;
      case 0x5d:
        this.pos++;
        return ARRAY_END;
      case 0x29:
      case 0x7b:
      case 0x7d:
        throw new PdfSyntaxError(`unexpected delimiter ${String.fromCharCode(b)}`);
      default:
        return this.parseRegular();
    }
  }

  private regularEnd(start: number): number {
    const buf = this.buf;
    let p = start;
    while (p < buf.length && isRegular(buf[p])) {
      p++;
      if (p - start > MAX_TOKEN) throw new PdfSyntaxError('token too long');
    }
    // A token touching the window's end may continue past it.
    if (p >= buf.length && !this.atEof) throw new NeedMoreData();
    return p;
  }

  private parseName(): PdfName {
    const start = this.pos + 1;
    const end = this.regularEnd(start);
    this.pos = end;
    const raw = this.buf.subarray(start, end);
    if (!raw.includes(0x23)) return new PdfName(raw.toString('latin1'));
    const out: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === 0x23 && i + 2 < raw.length && hexValue(raw[i + 1]) >= 0 && hexValue(raw[i + 2]) >= 0) {
        out.push(hexValue(raw[i + 1]) * 16 + hexValue(raw[i + 2]));
        i += 2;
      } else {
        out.push(raw[i]);
      }
    }
    return new PdfName(Buffer.from(out).toString('latin1'));
  }

  private parseRegular(): PdfValue | PdfKeyword {
    const start = this.pos;
    const end = this.regularEnd(start);
    this.pos = end;
    const word = this.buf.toString('latin1', start, end);
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) return Number(word);
    // Some producers write doubled signs ("--5"); tolerated as the number.
    if (/^[+-]{2,}\d+(\.\d*)?$/.test(word)) return Number(word.replace(/^[+-]+/, (s) => (s.includes('-') ? '-' : '')));
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return new PdfKeyword(word);
  }

  private parseLiteralString(): PdfString {
    const buf = this.buf;
    let p = this.pos + 1;
    let depth = 1;
    const out: number[] = [];
    const keep = (c: number): void => {
      if (out.length < MAX_STRING_KEPT) out.push(c);
    };
    for (;;) {
      if (p >= buf.length) this.more();
      const c = buf[p++];
      if (c === 0x5c) {
        if (p >= buf.length) this.more();
        const e = buf[p++];
        switch (e) {
          case 0x6e: keep(0x0a); break; // n
          case 0x72: keep(0x0d); break; // r
          case 0x74: keep(0x09); break; // t
          case 0x62: keep(0x08); break; // b
          case 0x66: keep(0x0c); break; // f
          case 0x0d: // line continuation: backslash + EOL is nothing
            if (p >= buf.length) this.more();
            if (buf[p] === 0x0a) p++;
            break;
          case 0x0a:
            break;
          default:
            if (e >= 0x30 && e <= 0x37) {
              let v = e - 0x30;
              for (let k = 0; k < 2; k++) {
                if (p >= buf.length) this.more();
                if (buf[p] >= 0x30 && buf[p] <= 0x37) v = v * 8 + (buf[p++] - 0x30);
                else break;
              }
              keep(v & 0xff);
            } else {
              // \( \) \\ and unknown escapes: the character itself.
              keep(e);
            }
        }
      } else if (c === 0x28) {
        depth++;
        keep(c);
      } else if (c === 0x29) {
        if (--depth === 0) break;
        keep(c);
      } else if (c === 0x0d) {
        // An unescaped EOL in a string reads as a single LF.
        if (p >= buf.length) this.more();
        if (buf[p] === 0x0a) p++;
        keep(0x0a);
      } else {
        keep(c);
      }
    }
    this.pos = p;
    return new PdfString(Buffer.from(out));
  }

  private parseHexString(): PdfString {
    const buf = this.buf;
    let p = this.pos + 1;
    const out: number[] = [];
    let hi = -1;
    for (;;) {
      if (p >= buf.length) this.more();
      const c = buf[p++];
      if (c === 0x3e) break;
      if (isPdfWhitespace(c)) continue;
      const v = hexValue(c);
      if (v < 0) throw new PdfSyntaxError('bad hex string');
      if (hi < 0) {
        hi = v;
      } else {
        if (out.length < MAX_STRING_KEPT) out.push(hi * 16 + v);
        hi = -1;
      }
    }
    // An odd final digit is followed by an implied 0.
    if (hi >= 0 && out.length < MAX_STRING_KEPT) out.push(hi * 16);
    this.pos = p;
    return new PdfString(Buffer.from(out));
  }
}
