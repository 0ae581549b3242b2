// The durable cloud outbox. The spool is the single source of truth: a Cloud job in
// 'queued', 'uploading' or 'waiting-for-sign-in' IS an outbox entry, so there is no
// second list to keep in step. At start the outbox scans the spool, then follows its
// events: 'job-stored' (a new Cloud job to upload, a Hybrid job to register),
// 'job-deleted' (a Hybrid job to unregister), 'job-state' (a Cloud job put back to
// 'queued'). Hybrid registrations, which the spool has no state for, have durable markers
// of their own (outbox-store.ts). At most `concurrency` operations run at once; a job
// leaves the outbox only when the server confirmed it.

import type { Logger } from '../log/types.js';
import type { SpoolEvents } from '../spool/events.js';
import type { DeleteReason, JobRecord } from '../spool/types.js';
import { errorCode } from '../util/errors.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { systemOutboxClock, type OutboxClock } from './clock.js';
import { HybridOp, sameUser } from './hybrid-op.js';
import type { CloudApi, CloudSpool, OutboxContext } from './outbox-context.js';
import { OutboxEvents, type CloudOperation, type CloudOutboxEvent, type CloudOutboxEventOf, type CloudOutboxEventType } from './outbox-events.js';
import { OutboxStore, type FailureNote } from './outbox-store.js';
import type { AccessTokenProvider } from './token-port.js';
import { UploadOp } from './upload-op.js';
import { WorkQueue, type RetryInfo, type WorkOutcome } from './work-queue.js';

export interface CloudOutboxOptions {
  readonly spool: CloudSpool;
  readonly api: CloudApi;
  readonly tokens: AccessTokenProvider;
  /** The data folder: markers go to <dataDir>/outbox/. */
  readonly dataDir: string;
  /** This workstation's name, sent with every job. */
  readonly workstation: string;
  readonly logger: Logger;
  /**
   * The release service URL a printer pulls a held Hybrid job from. Without it Hybrid jobs
   * are not registered (Hybrid mode off).
   */
  readonly releaseUrlFor?: (job: JobRecord) => string;
  /**
   * Whether this outbox uploads Cloud jobs (default true). When the Cloud and Hybrid
   * sections name different servers, the engine builds two outboxes on one spool: one
   * uploading (Cloud server), one registering only (Hybrid server, uploads false).
   */
  readonly uploads?: boolean;
  /** Operations at once (default 2). */
  readonly concurrency?: number;
  readonly backoff?: BackoffPolicy;
  readonly clock?: OutboxClock;
  /** [0, 1) for the backoff jitter (default Math.random). */
  readonly random?: () => number;
  /**
   * The spool DeleteReason used to remove the local copy of a submitted job (default
   * 'released': the job left the workstation). See docs/cloud-api.md, "Client behaviour".
   */
  readonly submittedDeleteReason?: DeleteReason;
}

export interface OutboxSnapshot {
  /** Cloud jobs not yet confirmed (queued, uploading, waiting for sign-in). */
  readonly uploads: number;
  readonly registrationsPending: number;
  readonly unregistrationsPending: number;
  readonly running: number;
  readonly backingOff: number;
  readonly waiting: number;
}

const UPLOAD = 'upload:';
const HYBRID = 'hybrid:';

export class CloudOutbox {
  readonly #opts: CloudOutboxOptions;
  readonly #log: Logger;
  readonly #events: OutboxEvents;
  readonly #store: OutboxStore;
  readonly #queue: WorkQueue;
  readonly #upload: UploadOp;
  readonly #hybrid: HybridOp | null;
  /** Spool events being followed (markers being written). */
  readonly #following = new Set<Promise<void>>();
  readonly #failures = new Map<string, FailureNote>();
  readonly #unsubscribe: Array<() => void> = [];
  #started = false;

  constructor(opts: CloudOutboxOptions) {
    this.#opts = opts;
    this.#log = opts.logger.child('cloud-outbox');
    this.#events = new OutboxEvents(this.#log);
    this.#store = new OutboxStore(opts.dataDir, this.#log);
    const clock = opts.clock ?? systemOutboxClock();
    const ctx: OutboxContext = {
      spool: opts.spool, api: opts.api, tokens: opts.tokens, store: this.#store, events: this.#events, log: this.#log,
      workstation: opts.workstation, submittedDeleteReason: opts.submittedDeleteReason ?? 'released', now: () => clock.now(),
      failures: this.#failures,
    };
    this.#upload = new UploadOp(ctx);
    this.#hybrid = opts.releaseUrlFor ? new HybridOp(ctx, opts.releaseUrlFor) : null;
    this.#queue = new WorkQueue({
      concurrency: opts.concurrency ?? 2,
      clock,
      random: opts.random ?? Math.random,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      logger: this.#log,
      run: (key, signal) => this.#run(key, signal),
      onRetry: (info) => this.#onRetry(info),
    });
  }

  on<T extends CloudOutboxEventType>(type: T, fn: (e: CloudOutboxEventOf<T>) => void): () => void {
    return this.#events.on(type, fn);
  }

  onAny(fn: (e: CloudOutboxEvent) => void): () => void {
    return this.#events.onAny(fn);
  }

  /** Loads markers, follows the spool's events, and resumes everything left from before. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#store.open();
    const spool = this.#opts.spool;
    const uploads = this.#opts.uploads !== false;
    if (uploads) {
      for (const note of await this.#store.readFailures()) {
        if (spool.get(note.jobId)?.state === 'failed') this.#failures.set(note.jobId, note);
        else await this.#store.removeFailure(note.jobId);
      }
    }
    // Subscribe before scanning: a job stored meanwhile is seen twice at worst, and the
    // queue keeps one entry per job.
    this.#unsubscribe.push(
      this.#on('job-stored', (job) => this.#stored(job)),
      this.#on('job-state', (job) => {
        if (uploads && job.mode === 'cloud' && job.state === 'queued' && this.#queue.status(UPLOAD + job.id) === null) this.#queue.enqueue(UPLOAD + job.id);
      }),
      this.#on('job-deleted', (job) => this.#deleted(job)),
    );
    const cloudJobs = uploads
      ? spool.list({ states: ['stored', 'queued', 'uploading', 'waiting-for-sign-in', 'submitted'] }).filter((j) => j.mode === 'cloud')
      : [];
    for (const j of cloudJobs) this.#queue.enqueue(UPLOAD + j.id);
    if (this.#hybrid) await this.#reconcileHybrid(this.#hybrid);
    this.#log.info('cloud outbox started', { uploads: cloudJobs.length, registrations: this.#hybrid?.markers().length ?? 0 });
  }

  /** Stops following the spool and aborts operations under way (they resume at the next start). */
  async stop(): Promise<void> {
    for (const u of this.#unsubscribe.splice(0)) u();
    // A spool event followed just before stopping may still be writing its marker.
    while (this.#following.size > 0) await Promise.allSettled([...this.#following]);
    await this.#queue.stop();
    this.#log.info('cloud outbox stopped');
  }

  /** The user signed in again: every job and registration waiting for them is tried now. */
  resumeUser(user: string): void {
    const jobs = this.#opts.uploads === false ? [] : this.#opts.spool.list({ states: ['waiting-for-sign-in', 'queued', 'stored'] })
      .filter((j) => j.mode === 'cloud' && sameUser(j.owner, user));
    for (const j of jobs) this.#queue.enqueue(UPLOAD + j.id, { now: true });
    for (const id of this.#hybrid?.resumed(user) ?? []) this.#queue.enqueue(HYBRID + id, { now: true });
    this.#log.info('resuming cloud jobs after sign-in', { jobs: jobs.length });
  }

  /** Puts a failed Cloud job back in the outbox (`pullprint` retry). */
  async retry(jobId: string): Promise<void> {
    const job = this.#opts.spool.get(jobId);
    if (this.#opts.uploads === false || !job || job.mode !== 'cloud' || job.state !== 'failed') return;
    await this.#store.removeFailure(jobId);
    this.#failures.delete(jobId);
    await this.#opts.spool.setState(jobId, 'queued');
    this.#queue.enqueue(UPLOAD + jobId, { now: true });
  }

  /** Why a Cloud job is 'failed' (the server's code and message), or null. */
  failureOf(jobId: string): FailureNote | null {
    return this.#failures.get(jobId) ?? null;
  }

  snapshot(): OutboxSnapshot {
    const counts = this.#queue.counts();
    const markers = this.#hybrid?.markers() ?? [];
    return {
      uploads: this.#opts.spool.list({ states: ['stored', 'queued', 'uploading', 'waiting-for-sign-in'] }).filter((j) => j.mode === 'cloud').length,
      registrationsPending: markers.filter((m) => m.op === 'register').length,
      unregistrationsPending: markers.filter((m) => m.op === 'unregister').length,
      running: counts.running,
      backingOff: counts.backoff,
      waiting: counts.parked,
    };
  }

  /**
   * Resolves when nothing is ready or running (entries may still back off or wait for a
   * sign-in), or after `timeoutMs`: true when idle. Logout waits here (bounded) so the
   * unregistrations go out while the user's token still works.
   */
  async whenIdle(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) {
      await this.#queue.idle();
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.#queue.idle().then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #on<E extends 'job-stored' | 'job-state' | 'job-deleted'>(event: E, fn: (job: JobRecord) => void | Promise<void>): () => void {
    const listener = (job: JobRecord): void => {
      try {
        const r = fn(job);
        if (r instanceof Promise) {
          // Kept until settled: stop() waits for markers still being written.
          const p = r.catch((err: unknown) => this.#log.error('cloud outbox could not follow a spool event', { event, id: job.id, code: errorCode(err) }));
          this.#following.add(p);
          void p.finally(() => this.#following.delete(p));
        }
      } catch (err) {
        this.#log.error('cloud outbox could not follow a spool event', { event, id: job.id, code: errorCode(err) });
      }
    };
    // Every spool event's first argument is the job record.
    return this.#opts.spool.on(event, listener as (...args: SpoolEvents[E]) => void);
  }

  async #stored(job: JobRecord): Promise<void> {
    if (job.mode === 'cloud' && this.#opts.uploads !== false) {
      this.#queue.enqueue(UPLOAD + job.id);
    } else if (job.mode === 'hybrid' && this.#hybrid) {
      if (await this.#hybrid.register(job)) this.#queue.enqueue(HYBRID + job.id);
    }
  }

  async #deleted(job: JobRecord): Promise<void> {
    if (job.mode === 'cloud' && this.#opts.uploads !== false) {
      // Deleted here (by a person, or by us once submitted): stop any try still under way.
      this.#queue.cancel(UPLOAD + job.id);
      this.#upload.forget(job.id);
      this.#failures.delete(job.id);
      await this.#store.removeFailure(job.id);
    } else if (job.mode === 'hybrid' && this.#hybrid) {
      if (await this.#hybrid.unregister(job.id, job.owner)) this.#queue.enqueue(HYBRID + job.id);
    }
  }

  /**
   * After a crash the spool and the markers may disagree: a held job without a marker
   * (crash before the marker was written) is registered; a marker whose job is gone
   * (crash before 'unregister' was written) is unregistered.
   */
  async #reconcileHybrid(hybrid: HybridOp): Promise<void> {
    hybrid.load(await this.#store.readHybrid());
    const live = new Map(this.#opts.spool.list().filter((j) => j.mode === 'hybrid').map((j) => [j.id, j]));
    const marked = new Map(hybrid.markers().map((m) => [m.jobId, m]));
    for (const job of live.values()) {
      if (!marked.has(job.id)) await hybrid.register(job);
    }
    for (const m of marked.values()) {
      if (!live.has(m.jobId) && m.op !== 'unregister') await hybrid.unregister(m.jobId, m.owner);
    }
    for (const m of hybrid.markers()) {
      if (m.op !== 'registered') this.#queue.enqueue(HYBRID + m.jobId);
    }
  }

  async #run(key: string, signal: AbortSignal): Promise<WorkOutcome> {
    if (key.startsWith(UPLOAD)) return this.#upload.run(key.slice(UPLOAD.length), signal);
    if (this.#hybrid) return this.#hybrid.run(key.slice(HYBRID.length), signal);
    return { type: 'done' } as const;
  }

  #onRetry(info: RetryInfo): void {
    const isUpload = info.id.startsWith(UPLOAD);
    const id = info.id.slice(isUpload ? UPLOAD.length : HYBRID.length);
    const operation: CloudOperation = isUpload
      ? 'upload'
      : (this.#hybrid?.markers().find((m) => m.jobId === id)?.op === 'unregister' ? 'unregister' : 'register');
    const message = info.error instanceof Error ? info.error.message : String(info.error);
    const code = errorCode(info.error);
    this.#log.warn('cloud operation failed, will try again', { id, operation, failures: info.failures, delayMs: info.delayMs, code });
    this.#events.emit({ type: 'retry-scheduled', operation, jobId: id, failures: info.failures, delayMs: info.delayMs, code, message });
  }
}
