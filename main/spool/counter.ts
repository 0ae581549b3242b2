// The cycle counter (`%i`, the job's seq): unique and monotonic across restarts. The file
// holds a high-water mark: every number below it may have been handed out. A number is
// used only after a mark above it is durably on disk, so a crash can skip numbers but
// never repeat one. Marks are reserved in blocks so most jobs cost no extra fsync.
// At start-up the counter also never goes below max(seq of the records)+1, which covers
// a lost or damaged counter file.

import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../log/types.js';
import { errnoCode, writeFileDurable } from '../util/durable-fs.js';
import { Serial } from './serial.js';

export const COUNTER_BLOCK = 32;
/** IPP job-ids are 1..2^31-1; seq doubles as one. */
const MAX_SEQ = 2 ** 31 - 1;

export class SeqCounter {
  private readonly serial = new Serial();

  private constructor(
    private readonly file: string,
    private next: number,
    private reserved: number,
  ) {}

  /** Reads the mark; `floor` is max(seq of existing records)+1. */
  static async open(file: string, floor: number, logger: Logger): Promise<SeqCounter> {
    let mark = 1;
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      const reserved = (parsed as { reserved?: unknown } | null)?.reserved;
      if (typeof reserved === 'number' && Number.isSafeInteger(reserved) && reserved >= 1) mark = reserved;
      else logger.warn('counter file holds no valid mark; continuing from the records', { file });
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') logger.warn('counter file unreadable; continuing from the records', { file, error: String(err) });
    }
    const start = Math.max(mark, floor, 1);
    return new SeqCounter(file, start, start);
  }

  /** The next seq, after its reservation is durable. */
  take(): Promise<number> {
    return this.serial.run(async () => {
      if (this.next > MAX_SEQ) throw new Error('cycle counter exhausted');
      if (this.next >= this.reserved) {
        const mark = Math.min(this.next + COUNTER_BLOCK, MAX_SEQ + 1);
        await writeFileDurable(dirname(this.file), basename(this.file), JSON.stringify({ version: 1, reserved: mark }) + '\n');
        this.reserved = mark;
      }
      return this.next++;
    });
  }
}
