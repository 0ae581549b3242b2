// Hybrid registration through the outbox: a held job's metadata and release URL are
// registered with the cloud (no document), and unregistered when the job leaves the
// workstation (released, expired, deleted, logout). A durable marker per job
// (outbox-store.ts) says what is still to send, so a restart resumes it.

import { KeyedSerial } from '../spool/serial.js';
import type { JobRecord } from '../spool/types.js';
import { CloudError } from './errors.js';
import { jobMetadata } from './job-metadata.js';
import { permanent, type OutboxContext } from './outbox-context.js';
import type { HybridMarker, HybridOp as MarkerOp } from './outbox-store.js';
import type { WorkOutcome } from './work-queue.js';
import { withAccessToken } from './with-token.js';

export class HybridOp {
  readonly #markers = new Map<string, HybridMarker>();
  readonly #lock = new KeyedSerial();
  /** Markers whose owner was told to sign in (announced once until resumed). */
  readonly #announced = new Set<string>();

  constructor(private readonly ctx: OutboxContext, private readonly releaseUrlFor: (job: JobRecord) => string) {}

  load(markers: HybridMarker[]): void {
    for (const m of markers) this.#markers.set(m.jobId, m);
  }

  markers(): HybridMarker[] {
    return [...this.#markers.values()];
  }

  /** Writes a 'register' marker for a held job (durably) ; true when there is something to send. */
  register(job: JobRecord): Promise<boolean> {
    return this.#lock.run(job.id, async () => {
      const cur = this.#markers.get(job.id);
      if (cur && cur.op !== 'unregister') return cur.op === 'register';
      const registration = { metadata: jobMetadata(job, this.ctx.workstation), releaseUrl: this.releaseUrlFor(job) };
      await this.#write({ jobId: job.id, owner: job.owner, op: 'register', registration });
      return true;
    });
  }

  /** Writes an 'unregister' marker (durably); true when there is something to send. */
  unregister(jobId: string, owner: string): Promise<boolean> {
    return this.#lock.run(jobId, async () => {
      const cur = this.#markers.get(jobId);
      if (cur?.op === 'unregister') return true;
      await this.#write({ jobId, owner: cur?.owner ?? owner, op: 'unregister', registration: null });
      return true;
    });
  }

  resumed(owner: string): string[] {
    const ids = [...this.#markers.values()].filter((m) => sameUser(m.owner, owner) && m.op !== 'registered').map((m) => m.jobId);
    for (const id of ids) this.#announced.delete(id);
    return ids;
  }

  async run(id: string, signal: AbortSignal): Promise<WorkOutcome> {
    const { ctx } = this;
    const m = this.#markers.get(id);
    if (!m || m.op === 'registered') return { type: 'done' };
    const operation = m.op === 'register' ? 'register' : 'unregister';
    try {
      const outcome = await withAccessToken(ctx.tokens, m.owner, async (token) => {
        if (signal.aborted) throw signal.reason;
        if (m.op === 'register' && m.registration) {
          const job = await ctx.api.register(token, id, m.registration, signal);
          return { job, existed: true };
        }
        return { job: null, existed: await ctx.api.deleteJob(token, id, signal) };
      });
      if (!outcome.ok) {
        if (!this.#announced.has(id)) {
          this.#announced.add(id);
          ctx.log.info('a registration waits for its owner to sign in again', { id, operation });
          ctx.events.emit({ type: 'waiting-for-sign-in', operation, jobId: id, owner: m.owner, title: m.registration?.metadata.title ?? null });
        }
        return { type: 'park' };
      }
      this.#announced.delete(id);
      if (m.op === 'register' && outcome.value.job) {
        const cloudJob = outcome.value.job;
        await this.#settle(m, 'registered');
        ctx.log.info('held job registered with the cloud', { id });
        ctx.events.emit({ type: 'registered', jobId: id, owner: m.owner, cloudJob });
      } else {
        await this.#settle(m, null);
        ctx.log.info('held job unregistered from the cloud', { id, wasThere: outcome.value.existed });
        ctx.events.emit({ type: 'unregistered', jobId: id, owner: m.owner });
      }
      return { type: 'done' };
    } catch (err) {
      if (signal.aborted) return { type: 'park' };
      const refused = permanent(err);
      if (!refused) return { type: 'retry', error: err, retryAfterMs: err instanceof CloudError ? err.retryAfterMs : null };
      // Refused for good: nothing more to send for this marker (the job itself stays usable
      // at the workstation; only its listing in the cloud queue is missing).
      await this.#settle(m, null);
      ctx.log.error('the cloud refused a registration', { id, operation, code: refused.code, status: refused.status, serverCode: refused.serverCode });
      ctx.events.emit({
        type: 'failed', operation, jobId: id, owner: m.owner, title: m.registration?.metadata.title ?? null,
        code: refused.serverCode ?? refused.code, message: refused.message, status: refused.status,
      });
      return { type: 'done' };
    }
  }

  /** Moves marker `m` on (or removes it), unless a newer marker replaced it meanwhile. */
  #settle(m: HybridMarker, next: MarkerOp | null): Promise<void> {
    return this.#lock.run(m.jobId, async () => {
      if (this.#markers.get(m.jobId) !== m) return;
      if (next === null) {
        await this.ctx.store.removeHybrid(m.jobId);
        this.#markers.delete(m.jobId);
      } else {
        await this.#write({ jobId: m.jobId, owner: m.owner, op: next, registration: m.registration });
      }
    });
  }

  async #write(m: Omit<HybridMarker, 'version' | 'updatedAt'>): Promise<void> {
    const marker: HybridMarker = { version: 1, ...m, updatedAt: new Date(this.ctx.now()).toISOString() };
    await this.ctx.store.writeHybrid(marker);
    this.#markers.set(marker.jobId, marker);
  }
}

export function sameUser(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
