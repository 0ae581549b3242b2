// DJTReport.xml in the data folder: the pending records, rewritten atomically on every
// change and removed when nothing is pending. A damaged file is never trusted blindly and
// never thrown away: its bytes are kept as DJTReport.corrupt-<time>.xml, every intact
// record in it stays pending, and the damage is logged as an error.

import { access, mkdir, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/types.js';
import { PullPrintError } from '../util/errors.js';
import { errnoCode, fsyncDir, removeFileDurable } from '../util/durable-fs.js';
import { replaceFileDurable, tempPrefix } from './durable-file.js';
import { parseReport, serializeReport } from './report-xml.js';
import type { DeletedJobRecord } from './types.js';

export const REPORT_FILE = 'DJTReport.xml';

export class ReportFile {
  readonly path: string;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {
    this.path = join(dir, REPORT_FILE);
  }

  /** Writes the pending records, or removes the file when there are none. */
  async save(records: readonly DeletedJobRecord[]): Promise<void> {
    if (records.length === 0) await removeFileDurable(this.path);
    else await replaceFileDurable(this.dir, REPORT_FILE, serializeReport(records));
  }

  /** Reads the pending records left by a previous run; handles damage as described above. */
  async load(): Promise<DeletedJobRecord[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.#removeTemps();
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      return this.#unreadable(err);
    }
    const problems: string[] = [];
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      problems.push('not valid UTF-8');
      text = new TextDecoder('utf-8').decode(bytes);
    }
    const parsed = parseReport(text);
    problems.push(...parsed.problems);
    if (problems.length === 0) return parsed.records;

    // Copy first, then replace: a crash in between leaves the damaged file where it was,
    // to be handled again at the next start.
    const aside = await this.#corruptName();
    await replaceFileDurable(this.dir, aside, bytes);
    await this.save(parsed.records);
    this.log.error(`${REPORT_FILE} was damaged: kept a copy as ${aside}; ${parsed.records.length} intact record(s) remain pending`, {
      code: 'TRACKER_REPORT_CORRUPT', copy: join(this.dir, aside), recovered: parsed.records.length, problems: problems.slice(0, 10),
    });
    return parsed.records;
  }

  async #unreadable(err: unknown): Promise<DeletedJobRecord[]> {
    // It cannot be read, so it cannot be merged; move it aside whole rather than overwrite it.
    const aside = await this.#corruptName();
    try {
      await rename(this.path, join(this.dir, aside));
      await fsyncDir(this.dir);
    } catch (moveErr) {
      throw new PullPrintError('TRACKER_STORE_UNAVAILABLE',
        `cannot read ${this.path} (${errnoCode(err) ?? String(err)}) nor move it aside (${errnoCode(moveErr) ?? String(moveErr)})`, { cause: err });
    }
    this.log.error(`${REPORT_FILE} could not be read (${errnoCode(err) ?? String(err)}); moved it aside as ${aside}`, {
      code: 'TRACKER_REPORT_CORRUPT', copy: join(this.dir, aside),
    });
    return [];
  }

  async #corruptName(): Promise<string> {
    const stamp = this.now().toISOString().replace(/[-:.]/g, '');
    for (let n = 1; ; n++) {
      const name = `DJTReport.corrupt-${stamp}${n === 1 ? '' : `-${n}`}.xml`;
      try {
        await access(join(this.dir, name));
      } catch {
        return name;
      }
    }
  }

  async #removeTemps(): Promise<void> {
    const prefix = tempPrefix(REPORT_FILE);
    for (const name of await readdir(this.dir)) {
      if (!name.startsWith(prefix)) continue;
      await unlink(join(this.dir, name)).catch((err: unknown) => {
        this.log.warn('cannot remove a leftover temporary report file', { file: name, code: errnoCode(err) });
      });
    }
  }
}
