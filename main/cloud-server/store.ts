// The reference server's job store on disk, crash-safe the way the spool is (temp file,
// fsync, rename, folder fsync). Layout under the data folder:
//
//   owners/<sha256(owner) hex, 32 chars>/
//     <key>.doc      the document of a job uploaded to the cloud
//     <key>.json     the job's record: written last, it is the commit point
//     .tmp-<random>  a document or record being written (removed at start)
//     .gone/<key>    tombstone: the job existed and was deleted; a late retry of its
//                    upload answers 410 instead of making it again
//
// A document without a record (a crash between the two renames) is removed at start.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, fsyncDir, mkdirDurable, removeFileDurable, TEMP_PREFIX, tempName, writeFileDurable } from '../spool/durable-fs.js';
import { KeyedSerial } from '../spool/serial.js';
import type { Logger } from '../log/types.js';
import { cloudJobSchema, type CloudJob } from '../cloud/wire.js';

const DOC = '.doc';
const RECORD = '.json';
const GONE = '.gone';

export class JobStore {
  readonly root: string;
  /** Per owner + key: a commit, a delete and a registration of one job never interleave. */
  readonly lock = new KeyedSerial();
  readonly #log: Logger;

  private constructor(dataDir: string, logger: Logger) {
    this.root = join(dataDir, 'owners');
    this.#log = logger;
  }

  static async open(dataDir: string, logger: Logger, tombstoneTtlMs = 30 * 86_400_000): Promise<JobStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const store = new JobStore(dataDir, logger);
    await mkdirDurable(store.root);
    await store.#recover(tombstoneTtlMs);
    return store;
  }

  ownerDir(owner: string): string {
    return join(this.root, createHash('sha256').update(owner, 'utf8').digest('hex').slice(0, 32));
  }

  documentPath(owner: string, key: string): string {
    return join(this.ownerDir(owner), key + DOC);
  }

  /** A fresh temporary path in the owner's folder (created if needed), for a document being received. */
  async tempPath(owner: string): Promise<string> {
    const dir = this.ownerDir(owner);
    await mkdirDurable(dir);
    await mkdirDurable(join(dir, GONE));
    return join(dir, tempName());
  }

  async get(owner: string, key: string): Promise<CloudJob | null> {
    let text: string;
    try {
      text = await readFile(join(this.ownerDir(owner), key + RECORD), 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
    return cloudJobSchema.parse(JSON.parse(text));
  }

  async isGone(owner: string, key: string): Promise<boolean> {
    try {
      await stat(join(this.ownerDir(owner), GONE, key));
      return true;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  /** The owner's jobs, oldest first. */
  async list(owner: string): Promise<CloudJob[]> {
    let names: string[];
    try {
      names = await readdir(this.ownerDir(owner));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const jobs: CloudJob[] = [];
    for (const n of names) {
      if (!n.endsWith(RECORD) || n.startsWith('.')) continue;
      const job = await this.get(owner, n.slice(0, -RECORD.length)).catch(() => null);
      if (job) jobs.push(job);
    }
    return jobs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.key.localeCompare(b.key));
  }

  /** Makes a received (and fsync'ed) document the job's: document renamed first, record last. */
  async commitDocument(job: CloudJob, tempPath: string): Promise<void> {
    const dir = this.ownerDir(job.owner);
    await rename(tempPath, join(dir, job.key + DOC));
    await fsyncDir(dir);
    await writeFileDurable(dir, job.key + RECORD, `${JSON.stringify(job)}\n`);
  }

  async putRecord(job: CloudJob): Promise<void> {
    const dir = this.ownerDir(job.owner);
    await mkdirDurable(dir);
    await mkdirDurable(join(dir, GONE));
    await writeFileDurable(dir, job.key + RECORD, `${JSON.stringify(job)}\n`);
  }

  /** Tombstone, record, document, in that order; false when there was no job. */
  async delete(owner: string, key: string, now: Date): Promise<boolean> {
    const dir = this.ownerDir(owner);
    if (!(await this.get(owner, key))) return false;
    await writeFileDurable(join(dir, GONE), key, `${JSON.stringify({ deletedAt: now.toISOString() })}\n`);
    await removeFileDurable(join(dir, key + RECORD));
    await removeFileDurable(join(dir, key + DOC));
    return true;
  }

  async #recover(tombstoneTtlMs: number): Promise<void> {
    let owners: string[];
    try {
      owners = await readdir(this.root);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    let removed = 0;
    for (const o of owners) {
      const dir = join(this.root, o);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      const records = new Set(names.filter((n) => n.endsWith(RECORD)).map((n) => n.slice(0, -RECORD.length)));
      for (const n of names) {
        const orphanDoc = n.endsWith(DOC) && !records.has(n.slice(0, -DOC.length));
        if (n.startsWith(TEMP_PREFIX) || orphanDoc) {
          await unlink(join(dir, n)).catch(() => undefined);
          removed++;
        }
      }
      const gone = join(dir, GONE);
      for (const n of await readdir(gone).catch(() => [] as string[])) {
        const p = join(gone, n);
        const s = await stat(p).catch(() => null);
        if (n.startsWith(TEMP_PREFIX) || (s && Date.now() - s.mtimeMs > tombstoneTtlMs)) await unlink(p).catch(() => undefined);
      }
    }
    if (removed > 0) {
      for (const o of owners) await fsyncDir(join(this.root, o)).catch(() => undefined);
      this.#log.info('removed unfinished uploads left by a previous run', { files: removed });
    }
  }
}
