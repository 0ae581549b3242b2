// The second half of a commit: the received temporary file becomes a stored job.
// Order (ARCHITECTURE "A job's life"): the file is already fsync'ed; move it into the
// owner's folder if it was received elsewhere; take a durable seq; rename it to its
// final, collision-free name; fsync the folder; write the record the same way. A crash
// before the rename leaves a temp file (removed at start-up); after it, a document
// without record (adopted at start-up, see recovery.ts). On failure everything this
// step created is removed again, so a job the client was not told about leaves nothing.

import { randomUUID } from 'node:crypto';
import { access, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CaptureContext } from '../capture/types.js';
import type { SeqCounter } from './counter.js';
import { errnoCode, fsyncDir, removeFileDurable, tempName, writeFileDurable } from '../util/durable-fs.js';
import { mergeFacts } from './facts.js';
import { expandFormat, finalizeName, resolveInside, withSuffix } from './file-name.js';
import type { SpoolLayout } from './layout.js';
import type { ReceivedJob } from './receiver.js';
import { RECORD_SUFFIX, serializeRecord } from './record.js';
import type { JobRecord, ModeSpoolSettings, SpoolOptions } from './types.js';

const MAX_SUFFIX = 10_000;

/** Names being given right now, so two commits in one folder never pick the same one. */
export class NameClaims {
  private readonly claimed = new Set<string>();

  /** A name free in `dir` (on disk and among claims), claimed until release() is called. */
  async claim(dir: string, wanted: string): Promise<{ name: string; path: string; release(): void }> {
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const name = n === 1 ? wanted : withSuffix(wanted, n);
      // Lower case approximates the folding of case-insensitive file systems; the
      // access() check below catches what it misses.
      const key = `${dir}\0${name.normalize('NFC').toLowerCase()}`;
      if (this.claimed.has(key)) continue;
      this.claimed.add(key);
      const path = resolveInside(dir, name);
      if (!(await exists(path))) return { name, path, release: () => this.claimed.delete(key) };
      this.claimed.delete(key);
    }
    throw new Error(`no free file name for ${wanted}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

export interface StoreDeps {
  layout: SpoolLayout;
  counter: SeqCounter;
  claims: NameClaims;
  opts: SpoolOptions;
  ctx: CaptureContext;
  settings: ModeSpoolSettings;
  receivedAt: Date;
  now: Date;
  /** Creates the owner's folder (and its records folder) durably; returns it. */
  userDir(owner: string): Promise<string>;
}

export async function storeJob(job: ReceivedJob, d: StoreDeps): Promise<JobRecord> {
  const owner = d.opts.ownerOf(job.meta, d.ctx);
  const userDir = await d.userDir(owner);
  let current = job.tempPath;
  let stored: string | null = null;
  try {
    if (dirname(current) !== userDir) {
      // Received before the owner was known (or the owner changed): same file system,
      // so still one atomic rename.
      const moved = join(userDir, tempName());
      await rename(current, moved);
      await fsyncDir(dirname(current));
      current = moved;
    }
    const seq = await d.counter.take();
    const wanted = finalizeName(expandFormat(d.settings.fileNameFormat, {
      date: d.receivedAt, seq, user: owner, driver: job.meta.driver, queue: job.meta.queue, modeQueue: d.settings.queueName,
    }));
    const slot = await d.claims.claim(userDir, wanted);
    try {
      await rename(current, slot.path);
      stored = slot.path;
    } finally {
      slot.release();
    }
    await fsyncDir(userDir);
    const rec: JobRecord = {
      id: randomUUID(),
      seq,
      owner,
      mode: d.ctx.mode,
      protocol: d.ctx.protocol,
      pdl: job.facts.pdl,
      ...mergeFacts(job.meta, job.facts),
      size: job.size,
      sha256: job.sha256,
      state: d.opts.initialStateOf?.(d.ctx.mode, owner) ?? d.settings.initialState,
      receivedAt: d.receivedAt.toISOString(),
      updatedAt: d.now.toISOString(),
      file: stored,
      protocolMeta: { ...job.meta },
      pdlFacts: job.facts,
    };
    await writeFileDurable(d.layout.recordsDir(userDir), rec.id + RECORD_SUFFIX, serializeRecord(rec, slot.name));
    return rec;
  } catch (err) {
    if (stored) await removeFileDurable(stored).catch(() => undefined);
    else await removeFileDurable(current).catch(() => undefined);
    throw err;
  }
}
