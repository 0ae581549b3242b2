// Writing an uploaded document into its temporary file. Bytes are copied into 1 MiB
// blocks; a full block is written at its offset while the next one fills, up to three
// writes at once, so the disk, the network and the hash overlap.
//
// Where the file system allows it (Linux, O_DIRECT) the blocks go to the disk without
// passing through the page cache. An upload is written once and read rarely (by a
// printer-side app, later): caching it would push other data out of memory and cost a
// copy of every byte into freshly allocated cache pages, which is the largest cost of
// receiving a big upload. Direct I/O wants the memory, the offset and the length aligned
// to the device's block size: blocks are carved from WebAssembly memory (page-aligned),
// every offset is a multiple of the block size, and the last, partial block is written
// padded to 4 KiB, the file then truncated to the document's size. A file system that
// refuses O_DIRECT when the file is opened (tmpfs, some network file systems), or any
// direct write, gets ordinary buffered writes from then on; the file is the same.

import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { errnoCode } from '../util/durable-fs.js';

/** Bytes per block: one write. */
export const BLOCK_BYTES = 1024 * 1024;
/** Writes under way at once (positional, each on a thread-pool thread). */
const WRITES_IN_FLIGHT = 3;
/** Direct I/O alignment: covers devices with 512-byte and 4 KiB logical blocks. */
const DEFAULT_DIRECT_ALIGN = 4096;
const WASM_PAGE = 65536;

export interface DocumentWriterOptions {
  /** The size the document should have: small documents get fewer blocks. */
  readonly sizeHint: number;
  /** Try direct I/O (default true; only Linux has O_DIRECT). */
  readonly direct?: boolean;
  /** Alignment of direct writes' lengths (default 4096; tests use 1 to see a refused write). */
  readonly directAlignment?: number;
}

function blocksFor(sizeHint: number): number {
  return Math.max(1, Math.min(WRITES_IN_FLIGHT + 1, Math.ceil(sizeHint / BLOCK_BYTES)));
}

/** `count` page-aligned blocks: WebAssembly memory starts on a page boundary. */
function alignedBlocks(count: number): Buffer[] {
  const pages = (count * BLOCK_BYTES) / WASM_PAGE;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  return Array.from({ length: count }, (_, i) => Buffer.from(memory.buffer, i * BLOCK_BYTES, BLOCK_BYTES));
}

async function writeFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await fh.write(buf, done, length - done, position + done);
    done += bytesWritten;
  }
}

export class DocumentWriter {
  readonly #path: string;
  readonly #fh: FileHandle;
  #direct: boolean;
  #buffered: Promise<FileHandle> | null = null;
  readonly #blocks: Buffer[];
  /** The write under way from each block, if any. */
  readonly #writing: (Promise<void> | null)[];
  #current = 0;
  #fill = 0;
  /** File offset of the current block. */
  #offset = 0;
  /** Highest byte written, padding included. */
  #end = 0;
  #error: unknown = null;
  readonly #align: number;

  private constructor(path: string, fh: FileHandle, direct: boolean, blocks: Buffer[], align: number) {
    this.#path = path;
    this.#align = align;
    this.#fh = fh;
    this.#direct = direct;
    this.#blocks = blocks;
    this.#writing = blocks.map(() => null);
  }

  /** Creates `path` exclusively (mode 0600). */
  static async create(path: string, options: DocumentWriterOptions): Promise<DocumentWriter> {
    const count = blocksFor(options.sizeHint);
    const align = options.directAlignment ?? DEFAULT_DIRECT_ALIGN;
    const O_DIRECT = constants.O_DIRECT;
    if (options.direct !== false && O_DIRECT !== undefined) {
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_DIRECT;
      try {
        const fh = await open(path, flags, 0o600);
        return new DocumentWriter(path, fh, true, alignedBlocks(count), align);
      } catch (err) {
        if (errnoCode(err) !== 'EINVAL') throw err;
        // Refused by the file system, which may have created the file first: it is ours.
        await unlink(path).catch(() => undefined);
      }
    }
    const fh = await open(path, 'wx', 0o600);
    return new DocumentWriter(path, fh, false, Array.from({ length: count }, () => Buffer.allocUnsafeSlow(BLOCK_BYTES)), align);
  }

  /** True while every write so far went around the page cache. */
  get direct(): boolean {
    return this.#direct;
  }

  /** Takes a copy of `chunk`; resolves when there is room for more. Throws an earlier write's failure. */
  async write(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const n = chunk.copy(this.#blocks[this.#current], this.#fill, at);
      at += n;
      this.#fill += n;
      if (this.#fill === BLOCK_BYTES) await this.#emit();
    }
  }

  /** Writes what is left, waits for every write, trims the padding and fsyncs. */
  async finish(): Promise<void> {
    const size = this.#offset + this.#fill;
    if (this.#fill > 0) await this.#emit();
    await this.#settle();
    if (this.#error) throw this.#error;
    if (this.#end > size) await this.#fh.truncate(size);
    await this.#fh.sync();
  }

  /** Waits for writes still under way and closes the file (kept or not: the caller decides). */
  async close(): Promise<void> {
    await this.#settle();
    await this.#fh.close().catch(() => undefined);
    if (this.#buffered) await (await this.#buffered.catch(() => null))?.close().catch(() => undefined);
  }

  async #emit(): Promise<void> {
    const index = this.#current;
    const block = this.#blocks[index];
    const length = this.#fill;
    const position = this.#offset;
    const w: Promise<void> = this.#writeAt(block, length, position).then(
      () => {
        if (this.#writing[index] === w) this.#writing[index] = null;
      },
      (err: unknown) => {
        this.#error ??= err;
        if (this.#writing[index] === w) this.#writing[index] = null;
      },
    );
    this.#writing[index] = w;
    this.#offset += length;
    this.#fill = 0;
    this.#current = (index + 1) % this.#blocks.length;
    // The next block may still be on its way to the disk.
    await this.#writing[this.#current];
    if (this.#error) throw this.#error;
  }

  async #writeAt(block: Buffer, length: number, position: number): Promise<void> {
    if (this.#direct) {
      const padded = Math.ceil(length / this.#align) * this.#align;
      block.fill(0, length, padded);
      try {
        await writeFully(this.#fh, block, padded, position);
        this.#end = Math.max(this.#end, position + padded);
        return;
      } catch (err) {
        if (errnoCode(err) !== 'EINVAL') throw err;
        this.#direct = false;
      }
    }
    this.#buffered ??= open(this.#path, 'r+');
    await writeFully(await this.#buffered, block, length, position);
    this.#end = Math.max(this.#end, position + length);
  }

  async #settle(): Promise<void> {
    await Promise.all(this.#writing);
  }
}
