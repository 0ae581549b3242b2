// One try at uploading a Cloud job: queued → uploading → submitted (then the local copy
// is removed), or back to queued for a retry, or waiting-for-sign-in, or failed. Every
// state is written to the spool before its event. A job that may already have reached
// the server (a try that got as far as sending, or 'uploading' found at start-up) is
// looked up first; the idempotency key (the job id) makes a repeated PUT harmless anyway.

import type { JobRecord } from '../spool/types.js';
import { errorCode } from '../util/errors.js';
import { jobMetadata } from './job-metadata.js';
import { permanent, type OutboxContext } from './outbox-context.js';
import type { CloudOperation } from './outbox-events.js';
import type { WorkOutcome } from './work-queue.js';
import type { CloudJob } from './wire.js';
import { withAccessToken } from './with-token.js';
import { CloudError } from './errors.js';

const ACTIVE = new Set(['stored', 'queued', 'uploading', 'waiting-for-sign-in']);

export class UploadOp {
  /** Jobs whose bytes may have reached the server: look before sending again. */
  readonly #mayExist = new Set<string>();

  constructor(private readonly ctx: OutboxContext) {}

  async run(id: string, signal: AbortSignal): Promise<WorkOutcome> {
    const { ctx } = this;
    const job = ctx.spool.get(id);
    if (!job || job.mode !== 'cloud') return { type: 'done' };
    if (job.state === 'submitted') {
      // A crash came between 'submitted' and removing the local copy: finish quietly.
      await this.#removeLocalCopy(job);
      return { type: 'done' };
    }
    if (!ACTIVE.has(job.state)) return { type: 'done' };
    if (job.state === 'uploading') this.#mayExist.add(id);
    const meta = jobMetadata(job, ctx.workstation);
    try {
      const outcome = await withAccessToken(ctx.tokens, job.owner, async (token) => {
        if (signal.aborted) throw signal.reason;
        if (ctx.spool.get(id)?.state !== 'uploading') await ctx.spool.setState(id, 'uploading');
        if (this.#mayExist.has(id)) {
          const existing = await ctx.api.getJob(token, id, signal);
          if (existing && existing.metadata.sha256 === meta.sha256 && existing.metadata.size === meta.size) {
            return { job: existing, replayed: true };
          }
        }
        this.#mayExist.add(id);
        return ctx.api.uploadDocument(token, id, meta, job.file, { signal });
      });
      if (!outcome.ok) {
        await waitForSignIn(ctx, job, 'upload');
        return { type: 'park' };
      }
      await this.#submitted(job, outcome.value.job, outcome.value.replayed);
      return { type: 'done' };
    } catch (err) {
      if (signal.aborted) return { type: 'park' };
      const refused = permanent(err);
      if (refused) {
        await this.#failed(job, refused);
        return { type: 'done' };
      }
      await this.#backToQueued(id);
      return { type: 'retry', error: err, retryAfterMs: err instanceof CloudError ? err.retryAfterMs : null };
    }
  }

  forget(id: string): void {
    this.#mayExist.delete(id);
  }

  async #submitted(job: JobRecord, cloudJob: CloudJob, replayed: boolean): Promise<void> {
    const { ctx } = this;
    const rec = await ctx.spool.setState(job.id, 'submitted');
    ctx.log.info('job submitted to the cloud queue', { id: job.id, seq: job.seq, size: job.size, replayed });
    ctx.events.emit({ type: 'submitted', job: rec, cloudJob, replayed });
    await this.#removeLocalCopy(rec);
  }

  async #removeLocalCopy(job: JobRecord): Promise<void> {
    this.#mayExist.delete(job.id);
    await this.ctx.spool.delete(job.id, this.ctx.submittedDeleteReason);
    this.ctx.failures.delete(job.id);
    await this.ctx.store.removeFailure(job.id);
  }

  async #failed(job: JobRecord, err: CloudError): Promise<void> {
    const { ctx } = this;
    this.#mayExist.delete(job.id);
    const note = {
      version: 1 as const, jobId: job.id, code: err.serverCode ?? err.code, message: err.message, status: err.status,
      serverCode: err.serverCode, failedAt: new Date(ctx.now()).toISOString(),
    };
    await ctx.store.writeFailure(note);
    ctx.failures.set(job.id, note);
    await ctx.spool.setState(job.id, 'failed');
    ctx.log.error('the cloud queue refused a job', { id: job.id, seq: job.seq, code: err.code, status: err.status, serverCode: err.serverCode });
    ctx.events.emit({
      type: 'failed', operation: 'upload', jobId: job.id, owner: job.owner, title: job.title,
      code: err.serverCode ?? err.code, message: err.message, status: err.status,
    });
  }

  async #backToQueued(id: string): Promise<void> {
    try {
      if (this.ctx.spool.get(id)?.state === 'uploading') await this.ctx.spool.setState(id, 'queued');
    } catch (err) {
      this.ctx.log.warn('could not record a job as queued again', { id, code: errorCode(err) });
    }
  }
}

/** Records 'waiting-for-sign-in' (Cloud jobs) and announces it once per transition. */
export async function waitForSignIn(ctx: OutboxContext, job: JobRecord, operation: CloudOperation): Promise<void> {
  if (job.mode === 'cloud') {
    const cur = ctx.spool.get(job.id);
    if (!cur || cur.state === 'waiting-for-sign-in') return;
    await ctx.spool.setState(job.id, 'waiting-for-sign-in');
  }
  ctx.log.info('a job waits for its owner to sign in again', { id: job.id, operation });
  ctx.events.emit({ type: 'waiting-for-sign-in', operation, jobId: job.id, owner: job.owner, title: job.title });
}
