// Bounded random access to a PDF inside a stored job file. Offsets are relative to the
// `%PDF-` (a PJL wrapper is added after the PDF was written, so xref offsets count from
// there). Objects are parsed from growing windows, never from the whole file.
import type { FileHandle } from 'node:fs/promises';
import { NeedMoreData, PdfParser, PdfSyntaxError, isDict, isPdfWhitespace, type PdfDict, type PdfValue } from './pdf-objects.js';

/** Largest single object (or trailer) parsed. */
export const MAX_OBJECT_BYTES = 16 * 1024 * 1024;
/** Largest raw (still compressed) stream read. */
export const MAX_RAW_STREAM_BYTES = 16 * 1024 * 1024;
const WINDOWS = [16 * 1024, 256 * 1024, 4 * 1024 * 1024, MAX_OBJECT_BYTES];

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** Offset of the first data byte, relative to the PDF start. */
    readonly dataStart: number,
  ) {}
}

export type PdfObject = PdfValue | PdfStream;

export interface IndirectObject {
  readonly num: number;
  readonly gen: number;
  readonly value: PdfObject;
}

export class PdfSource {
  /** Bytes read so far, for tests that check reads stay bounded. */
  bytesRead = 0;

  constructor(
    private readonly fh: FileHandle,
    /** Absolute file offset of `%PDF-`. */
    readonly base: number,
    /** Bytes from `%PDF-` to the end of the PDF section. */
    readonly length: number,
  ) {}

  /** Reads up to len bytes at pos (clipped to the PDF section). */
  async read(pos: number, len: number): Promise<Buffer> {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos >= this.length || len <= 0) return Buffer.alloc(0);
    const n = Math.min(len, this.length - pos);
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await this.fh.read(buf, got, n - got, this.base + pos + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.bytesRead += got;
    return buf.subarray(0, got);
  }

  /** Runs a parse over windows at pos that grow until the parse completes or the cap is hit. */
  async parseAt<T>(pos: number, parse: (p: PdfParser) => T): Promise<T> {
    for (const w of WINDOWS) {
      const buf = await this.read(pos, w);
      const atEof = pos + buf.length >= this.length;
      try {
        return parse(new PdfParser(buf, 0, atEof));
      } catch (e) {
        if (e instanceof NeedMoreData && !atEof) continue;
        throw e;
      }
    }
    throw new PdfSyntaxError('object larger than the parse cap');
  }

  /** First occurrence of needle at or after pos, searched in chunks up to limit bytes; -1 if none. */
  async indexOf(needle: string, pos: number, limit: number): Promise<number> {
    const pat = Buffer.from(needle, 'latin1');
    const chunk = 1024 * 1024;
    let at = pos;
    while (at < this.length && at - pos < limit) {
      const buf = await this.read(at, chunk + pat.length);
      if (buf.length === 0) break;
      const i = buf.indexOf(pat);
      if (i >= 0) return at + i;
      if (buf.length < chunk + pat.length) break;
      at += chunk;
    }
    return -1;
  }
}

/**
 * Reads `num gen obj <value> [stream]` at offset. When expectNum is given, a header naming a
 * different object is an error (the xref points at the wrong place).
 */
export async function readIndirectAt(src: PdfSource, offset: number, expectNum?: number): Promise<IndirectObject> {
  return src.parseAt(offset, (p) => {
    p.skipWhitespace();
    const header = p.parseObjectHeader();
    if (!header) throw new PdfSyntaxError(`no object header at ${offset}`);
    if (expectNum !== undefined && header.num !== expectNum) {
      throw new PdfSyntaxError(`object ${header.num} found where ${expectNum} was expected`);
    }
    const value = p.parseValue();
    if (!isDict(value)) return { ...header, value };
    p.skipWhitespace();
    const buf = p.buf;
    // `stream` plus its EOL must be inside the window to decide.
    if (p.pos + 8 > buf.length && !p.atEof) throw new NeedMoreData();
    if (buf.toString('latin1', p.pos, p.pos + 6) !== 'stream') return { ...header, value };
    let q = p.pos + 6;
    if (buf[q] === 0x0d) q++;
    if (buf[q] === 0x0a) q++;
    return { ...header, value: new PdfStream(value, offset + q) };
  });
}

/**
 * The raw bytes of a stream. A /Length that does not land on `endstream` (or is missing or
 * indirect and unresolved) falls back to searching for `endstream`.
 */
export async function readStreamRaw(src: PdfSource, stream: PdfStream, length: number | null): Promise<Buffer | null> {
  const start = stream.dataStart;
  if (length !== null && Number.isSafeInteger(length) && length >= 0 && length <= MAX_RAW_STREAM_BYTES) {
    const buf = await src.read(start, length + 64);
    if (buf.length >= length) {
      let q = length;
      while (q < buf.length && isPdfWhitespace(buf[q])) q++;
      if (buf.toString('latin1', q, q + 9) === 'endstream' || (q >= buf.length && start + buf.length >= src.length)) {
        return buf.subarray(0, length);
      }
    }
  }
  const end = await src.indexOf('endstream', start, MAX_RAW_STREAM_BYTES + 16);
  if (end < 0 || end - start > MAX_RAW_STREAM_BYTES) return null;
  const buf = await src.read(start, end - start);
  let n = buf.length;
  // The EOL before `endstream` is not part of the data.
  if (n > 0 && buf[n - 1] === 0x0a) n--;
  if (n > 0 && buf[n - 1] === 0x0d) n--;
  return buf.subarray(0, n);
}
