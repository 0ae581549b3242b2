// What the outbox keeps on disk besides the spool (which stays the single source of
// truth for jobs and their states):
//
//   <dataDir>/outbox/
//     hybrid/<job id>.json   a Hybrid job's registration: 'register' (to send),
//                            'registered' (the server confirmed), 'unregister' (to send)
//     failed/<job id>.json   why a Cloud job failed (the server's code and message), so
//                            `pullprint jobs` can tell after a restart too
//
// Each file is written atomically and durably (temp file, fsync, rename, folder fsync)
// before the operation it stands for starts, and removed once the server confirmed.

import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode, mkdirDurable, removeFileDurable, TEMP_PREFIX, writeFileDurable } from '../spool/durable-fs.js';
import type { Logger } from '../log/types.js';
import { JOB_KEY_PATTERN, registrationSchema } from './wire.js';

export const OUTBOX_DIR = 'outbox';

const hybridMarkerSchema = z.object({
  version: z.literal(1),
  jobId: z.string().regex(JOB_KEY_PATTERN),
  owner: z.string().min(1),
  op: z.enum(['register', 'registered', 'unregister']),
  registration: registrationSchema.nullable(),
  updatedAt: z.iso.datetime(),
});
export type HybridMarker = z.infer<typeof hybridMarkerSchema>;
export type HybridOp = HybridMarker['op'];

const failureNoteSchema = z.object({
  version: z.literal(1),
  jobId: z.string().regex(JOB_KEY_PATTERN),
  code: z.string(),
  message: z.string(),
  status: z.number().int().nullable(),
  serverCode: z.string().nullable(),
  failedAt: z.iso.datetime(),
});
export type FailureNote = z.infer<typeof failureNoteSchema>;

export class OutboxStore {
  readonly dir: string;
  readonly #hybridDir: string;
  readonly #failedDir: string;
  readonly #log: Logger;

  constructor(dataDir: string, logger: Logger) {
    this.dir = join(dataDir, OUTBOX_DIR);
    this.#hybridDir = join(this.dir, 'hybrid');
    this.#failedDir = join(this.dir, 'failed');
    this.#log = logger;
  }

  async open(): Promise<void> {
    await mkdirDurable(this.dir);
    await mkdirDurable(this.#hybridDir);
    await mkdirDurable(this.#failedDir);
  }

  readHybrid(): Promise<HybridMarker[]> {
    return this.#readAll(this.#hybridDir, (v) => hybridMarkerSchema.parse(v));
  }

  async writeHybrid(marker: HybridMarker): Promise<void> {
    await writeFileDurable(this.#hybridDir, fileName(marker.jobId), `${JSON.stringify(marker)}\n`);
  }

  async removeHybrid(jobId: string): Promise<void> {
    await removeFileDurable(join(this.#hybridDir, fileName(jobId)));
  }

  readFailures(): Promise<FailureNote[]> {
    return this.#readAll(this.#failedDir, (v) => failureNoteSchema.parse(v));
  }

  async writeFailure(note: FailureNote): Promise<void> {
    await writeFileDurable(this.#failedDir, fileName(note.jobId), `${JSON.stringify(note)}\n`);
  }

  async removeFailure(jobId: string): Promise<void> {
    await removeFileDurable(join(this.#failedDir, fileName(jobId)));
  }

  /** Every valid file; temporary leftovers are removed, unreadable files set aside with a warning. */
  async #readAll<T extends { jobId: string }>(dir: string, parse: (v: unknown) => T): Promise<T[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const out: T[] = [];
    for (const name of names.sort()) {
      const path = join(dir, name);
      if (name.startsWith(TEMP_PREFIX)) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      try {
        const v = parse(JSON.parse(await readFile(path, 'utf8')));
        if (fileName(v.jobId) !== name) throw new Error('file name and content disagree');
        out.push(v);
      } catch (err) {
        this.#log.warn('an outbox file cannot be read and is ignored', { file: name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return out;
  }
}

function fileName(jobId: string): string {
  if (!JOB_KEY_PATTERN.test(jobId)) throw new TypeError(`job id ${JSON.stringify(jobId)} cannot name an outbox file`);
  return `${jobId}.json`;
}
