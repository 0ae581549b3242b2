// Several whole PDF documents one after another in one stream: what CUPS's lpd and socket
// backends send for N copies of a raw PDF queue (manual_copies, the default), and what a
// few drivers do. Finds where each document starts — a `%PDF-` header right after a
// `%%EOF` line — in one streaming pass with a 64-byte window.

const EOF_MARK = Buffer.from('%%EOF', 'latin1');
const PDF_MARK = Buffer.from('%PDF-', 'latin1');
const WINDOW = 64;
/** Beyond this many documents only the count goes on (the starts are not all kept). */
export const MAX_PDF_STARTS = 1024;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
}

export class PdfConcatScanner {
  readonly starts: number[] = [];
  #count = 0;
  #tail: Buffer = Buffer.alloc(0);
  #tailAbs = 0;
  /** Absolute offset below which every `%%EOF` was already decided. */
  #decided = 0;

  /** Documents seen after the first. */
  get extraDocuments(): number {
    return this.#count;
  }

  /** `abs` is the offset of buf[0] in the stored file. */
  write(buf: Buffer, abs: number): void {
    const data = this.#tail.length > 0 ? Buffer.concat([this.#tail, buf]) : buf;
    const base = this.#tail.length > 0 ? this.#tailAbs : abs;
    let from = Math.max(0, this.#decided - base);
    for (;;) {
      const e = data.indexOf(EOF_MARK, from);
      if (e < 0) break;
      let j = e + EOF_MARK.length;
      while (j < data.length && j - e < WINDOW && isSpace(data[j])) j++;
      if (j + PDF_MARK.length > data.length) break; // decided with the next bytes
      if (data.compare(PDF_MARK, 0, PDF_MARK.length, j, j + PDF_MARK.length) === 0) {
        this.#count++;
        if (this.starts.length < MAX_PDF_STARTS) this.starts.push(base + j);
      }
      from = e + EOF_MARK.length;
      this.#decided = base + from;
    }
    const keep = Math.min(WINDOW, data.length);
    this.#tail = Buffer.from(data.subarray(data.length - keep));
    this.#tailAbs = base + data.length - keep;
  }
}
