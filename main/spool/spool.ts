// The spool: the durable job store and the single source of truth for jobs. Layout on
// disk: layout.ts. Every change is on disk (fsync'ed, folder included) before memory
// changes and before its event fires; list() and get() read memory, which only this
// class changes. Start-up recovery (recovery.ts) makes disk consistent first.

import { mkdir, open, readdir, rename, rmdir, statfs } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CaptureContext, CaptureSink, CommittedJob, JobReceiver } from '../capture/types.js';
import type { Logger } from '../log/types.js';
import { CaptureError, PullPrintError } from '../util/errors.js';
import { SeqCounter } from './counter.js';
import { errnoCode, fsyncDir, isDiskFull, mkdirDurable, removeFileDurable, tempName, writeFileDurable } from '../util/durable-fs.js';
import { SpoolEmitter, type SpoolEvents, type SpoolEventName } from './events.js';
import { SpoolLayout } from './layout.js';
import { SpoolReceiver, toCaptureError, type ReceivedJob } from './receiver.js';
import { RECORD_SUFFIX, serializeRecord } from './record.js';
import { adoptOrphan, orphanMode, scanSpool } from './recovery.js';
import { KeyedSerial } from './serial.js';
import { NameClaims, storeJob } from './store-job.js';
import type { DeleteReason, JobRecord, JobState, ModeSpoolSettings, SpoolOptions } from './types.js';

export type { DeleteReason, JobRecord, JobState, ModeSpoolSettings, SpoolOptions } from './types.js';
export { mergeFacts } from './facts.js';

const DELETED_STATE: Record<DeleteReason, JobState> = {
  released: 'released-deleted',
  expired: 'expired',
  'user-deleted': 'deleted',
  logout: 'deleted',
};

function copy(job: JobRecord): JobRecord {
  return { ...job };
}

export class Spool implements CaptureSink {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly bySeq = new Map<number, string>();
  private readonly emitter: SpoolEmitter;
  private readonly logger: Logger;
  private readonly claims = new NameClaims();
  /** Per job id: state changes and deletes of one job never interleave. */
  private readonly jobLock = new KeyedSerial();
  /** Per user folder: creating a temp file in it and removing it when empty never interleave. */
  private readonly folderLock = new KeyedSerial();
  private readonly receivers = new Set<{ dir: string; receiver: SpoolReceiver | undefined }>();
  /** User folders a commit is moving a job into right now (count per folder). */
  private readonly busyDirs = new Map<string, number>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly opts: SpoolOptions,
    private readonly layout: SpoolLayout,
    private readonly counter: SeqCounter,
  ) {
    this.logger = opts.logger;
    this.emitter = new SpoolEmitter(opts.logger);
  }

  /** Creates the folders and runs start-up recovery. */
  static async open(opts: SpoolOptions): Promise<Spool> {
    const logger = opts.logger;
    const layout = new SpoolLayout(opts.dataDir);
    await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
    for (const dir of [layout.root, layout.users, layout.quarantine]) await mkdirDurable(dir);
    const { records, orphans } = await scanSpool(layout, logger);
    const floor = records.reduce((m, r) => Math.max(m, r.seq + 1), 1);
    const counter = await SeqCounter.open(layout.counter, floor, logger);
    const spool = new Spool(opts, layout, counter);
    for (const r of records) spool.remember(r);
    const mode = orphanMode(opts.modes);
    for (const o of orphans) {
      if (mode === null) {
        logger.error('a document without record is left in place: no mode is enabled', { file: o.fileName });
        continue;
      }
      const settings = opts.modes[mode];
      if (!settings) continue;
      spool.remember(await adoptOrphan(o, {
        layout, counter, inspector: opts.inspect(), mode, settings, logger, now: spool.now(),
      }));
    }
    logger.info('spool opened', { root: layout.root, jobs: spool.jobs.size, adopted: orphans.length });
    return spool;
  }

  async begin(ctx: CaptureContext): Promise<JobReceiver> {
    if (this.closed) throw new CaptureError('SPOOL_UNAVAILABLE', 'the spool is closed');
    const settings = this.opts.modes[ctx.mode];
    if (!settings) throw new CaptureError('SPOOL_UNAVAILABLE', `mode ${ctx.mode} is not enabled in the spool`);
    await this.checkSpace();
    const receivedAt = this.now();
    // The owner is known for sure only at commit (LPD sends the control file last), but
    // it is nearly always the signed-in user: receive into that folder so the final
    // rename stays in one folder. If it cannot be told yet, receive into users/.
    let dir = this.layout.users;
    try {
      dir = this.layout.userDir(this.opts.ownerOf({ protocol: ctx.protocol }, ctx));
    } catch (err) {
      this.logger.debug('owner not known at begin; receiving into the users folder', { error: String(err) });
    }
    const tempPath = join(dir, tempName());
    const receiver = await this.folderLock.run(dir, async () => {
      try {
        if (dir !== this.layout.users) await this.ensureUserDir(dir);
        const inspector = this.opts.inspect();
        const handle = await open(tempPath, 'wx', 0o600);
        const entry = { dir, receiver: undefined as SpoolReceiver | undefined };
        entry.receiver = new SpoolReceiver({
          handle, tempPath, maxBytes: settings.maxJobSizeBytes, inspector, logger: this.logger,
          store: (job) => this.track(this.commitJob(job, ctx, settings, receivedAt)),
          done: () => this.receivers.delete(entry),
        });
        this.receivers.add(entry);
        return entry.receiver;
      } catch (err) {
        throw toCaptureError(err, 'starting a job');
      }
    });
    if (this.closed) {
      // close() ran while this job was being set up and did not see it.
      await receiver.shutdown();
      throw new CaptureError('SPOOL_UNAVAILABLE', 'the spool is closed');
    }
    this.logger.debug('receiving a job', { mode: ctx.mode, protocol: ctx.protocol, peer: ctx.peer });
    return receiver;
  }

  /** Jobs from memory (kept in step with disk), oldest first. */
  list(filter: { owner?: string; states?: JobState[] } = {}): JobRecord[] {
    const out: JobRecord[] = [];
    for (const job of this.jobs.values()) {
      if (filter.owner !== undefined && job.owner !== filter.owner) continue;
      if (filter.states && !filter.states.includes(job.state)) continue;
      out.push(copy(job));
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  get(id: string): JobRecord | undefined {
    const job = this.jobs.get(id);
    return job ? copy(job) : undefined;
  }

  find(seq: number): CommittedJob | undefined {
    const id = this.bySeq.get(seq);
    const job = id === undefined ? undefined : this.jobs.get(id);
    return job ? { id: job.id, seq: job.seq, size: job.size, sha256: job.sha256 } : undefined;
  }

  /** Records the new state durably, then emits 'job-state'. The same state again is a no-op. */
  setState(id: string, state: JobState): Promise<JobRecord> {
    if (this.closed) return Promise.reject(new PullPrintError('SPOOL_UNAVAILABLE', 'the spool is closed'));
    return this.track(this.jobLock.run(id, async () => {
      const cur = this.existing(id);
      if (cur.state === state) return copy(cur);
      const next: JobRecord = { ...cur, state, updatedAt: this.now().toISOString() };
      const userDir = dirname(next.file);
      await writeFileDurable(this.layout.recordsDir(userDir), id + RECORD_SUFFIX, serializeRecord(next, basename(next.file)));
      this.jobs.set(id, next);
      this.emitter.emit('job-state', copy(next), cur.state);
      return copy(next);
    }));
  }

  /**
   * Removes the document, then the record, each durably, then emits 'job-deleted' with
   * the record in its final state. Document first: a crash in between leaves a record
   * without document (dropped at start-up), never a document that would come back.
   */
  delete(id: string, reason: DeleteReason): Promise<JobRecord> {
    if (this.closed) return Promise.reject(new PullPrintError('SPOOL_UNAVAILABLE', 'the spool is closed'));
    return this.track(this.jobLock.run(id, async () => {
      const cur = this.existing(id);
      await removeFileDurable(cur.file);
      await removeFileDurable(this.layout.recordPath(dirname(cur.file), id));
      this.jobs.delete(id);
      this.bySeq.delete(cur.seq);
      const final: JobRecord = { ...cur, state: DELETED_STATE[reason], updatedAt: this.now().toISOString() };
      this.logger.info('job deleted', { id, seq: cur.seq, reason });
      this.emitter.emit('job-deleted', copy(final), reason);
      return final;
    }));
  }

  /**
   * Gives a job to another owner (a job printed before anyone signed in, adopted by the
   * user who then signed in), optionally in a new state, then emits 'job-state'.
   * Order: the document moves to the new owner's folder (both folders flushed), the new
   * record is written, the old record removed. A crash after the move leaves the old
   * record without its document (dropped at start-up) and the document without a record
   * (re-inspected and kept): the job is never lost.
   */
  reassign(id: string, owner: string, state?: JobState): Promise<JobRecord> {
    if (this.closed) return Promise.reject(new PullPrintError('SPOOL_UNAVAILABLE', 'the spool is closed'));
    return this.track(this.jobLock.run(id, async () => {
      const cur = this.existing(id);
      const newDir = this.layout.userDir(owner);
      const oldDir = dirname(cur.file);
      if (newDir === oldDir) {
        if (state === undefined || state === cur.state) return copy(cur);
        const next: JobRecord = { ...cur, owner, state, updatedAt: this.now().toISOString() };
        await writeFileDurable(this.layout.recordsDir(oldDir), id + RECORD_SUFFIX, serializeRecord(next, basename(next.file)));
        this.jobs.set(id, next);
        this.emitter.emit('job-state', copy(next), cur.state);
        return copy(next);
      }
      await this.folderLock.run(newDir, () => this.ensureUserDir(newDir));
      const slot = await this.claims.claim(newDir, basename(cur.file));
      let next: JobRecord;
      try {
        await rename(cur.file, slot.path);
        await fsyncDir(newDir);
        await fsyncDir(oldDir);
        next = { ...cur, owner, file: slot.path, state: state ?? cur.state, updatedAt: this.now().toISOString() };
        await writeFileDurable(this.layout.recordsDir(newDir), id + RECORD_SUFFIX, serializeRecord(next, slot.name));
      } finally {
        slot.release();
      }
      await removeFileDurable(this.layout.recordPath(oldDir, id));
      this.jobs.set(id, next);
      this.logger.info('job given to another owner', { id, seq: cur.seq });
      this.emitter.emit('job-state', copy(next), cur.state);
      return copy(next);
    }));
  }

  /** Removes an owner's folder if it holds no job and nothing being received; true if removed. */
  removeEmptyUserFolder(owner: string): Promise<boolean> {
    const dir = this.layout.userDir(owner);
    return this.track(this.folderLock.run(dir, async () => {
      if ([...this.jobs.values()].some((j) => dirname(j.file) === dir)) return false;
      if ([...this.receivers].some((e) => e.dir === dir) || this.busyDirs.has(dir)) return false;
      try {
        const entries = await readdir(dir);
        if (entries.some((n) => n !== '.jobs')) return false;
        if (entries.length > 0) await rmdir(this.layout.recordsDir(dir));
        await rmdir(dir);
      } catch (err) {
        if (['ENOENT', 'ENOTEMPTY', 'EEXIST'].includes(errnoCode(err) ?? '')) return false;
        throw err;
      }
      await fsyncDir(this.layout.users);
      this.logger.info('removed an empty user folder', { dir });
      return true;
    }));
  }

  on<E extends SpoolEventName>(event: E, fn: (...args: SpoolEvents[E]) => void): () => void {
    return this.emitter.on(event, fn);
  }

  /** Aborts jobs still being received, waits for commits and updates under way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const e of [...this.receivers]) {
      if (e.receiver) void this.track(e.receiver.shutdown());
    }
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    this.logger.info('spool closed');
  }

  private async commitJob(job: ReceivedJob, ctx: CaptureContext, settings: ModeSpoolSettings, receivedAt: Date): Promise<CommittedJob> {
    let busy: string | null = null;
    try {
      const rec = await storeJob(job, {
        layout: this.layout, counter: this.counter, claims: this.claims, opts: this.opts, ctx, settings, receivedAt, now: this.now(),
        userDir: async (owner) => {
          const dir = this.layout.userDir(owner);
          await this.folderLock.run(dir, async () => {
            await this.ensureUserDir(dir);
            this.busyDirs.set(dir, (this.busyDirs.get(dir) ?? 0) + 1);
            busy = dir;
          });
          return dir;
        },
      });
      this.remember(rec);
      this.logger.info('job stored', { id: rec.id, seq: rec.seq, mode: rec.mode, protocol: rec.protocol, pdl: rec.pdl, size: rec.size });
      this.emitter.emit('job-stored', copy(rec));
      return { id: rec.id, seq: rec.seq, size: rec.size, sha256: rec.sha256 };
    } finally {
      if (busy !== null) {
        const n = (this.busyDirs.get(busy) ?? 1) - 1;
        if (n > 0) this.busyDirs.set(busy, n);
        else this.busyDirs.delete(busy);
      }
    }
  }

  private async ensureUserDir(dir: string): Promise<void> {
    await mkdirDurable(dir);
    await mkdirDurable(this.layout.recordsDir(dir));
  }

  /** Refuses a job up front when the disk has no free block at all. */
  private async checkSpace(): Promise<void> {
    try {
      const s = await statfs(this.layout.users);
      if (s.bavail === 0) throw new CaptureError('DISK_FULL', 'no free space for the spool');
    } catch (err) {
      if (err instanceof CaptureError) throw err;
      if (isDiskFull(err)) throw toCaptureError(err, 'checking free space');
      // statfs is advisory; a file system without it still takes jobs.
    }
  }

  private existing(id: string): JobRecord {
    const job = this.jobs.get(id);
    if (!job) throw new PullPrintError('JOB_NOT_FOUND', `no job ${id}`);
    return job;
  }

  private remember(rec: JobRecord): void {
    this.jobs.set(rec.id, rec);
    this.bySeq.set(rec.seq, rec.id);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const forget = (): void => {
      this.inflight.delete(p);
    };
    p.then(forget, forget);
    return p;
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }
}
