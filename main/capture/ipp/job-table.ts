// The IPP printer's memory of its jobs, for Get-Job-Attributes, Get-Jobs and Cancel-Job.
// Bounded: the oldest finished jobs are forgotten first. The spool is the durable record;
// this table only lets IPP clients (CUPS polls job-state) follow their jobs.
import type { IppAttribute } from './codec.js';
import { MULTIPLE_OPERATION_TIMEOUT_SECONDS } from './attributes.js';
import { JobState, type JobStateValue } from './tags.js';

/**
 * Print-Job jobs take the spool's seq as job-id, but a Create-Job must answer with a
 * job-id before anything is committed. Those ids come from this separate range, above
 * any seq a spool will plausibly reach, so the two never collide.
 */
export const PROVISIONAL_ID_BASE = 0x40000000;
const MAX_JOB_ID = 0x7fffffff;

export interface IppJob {
  readonly id: number;
  /** CommittedJob.seq and .id once the document is stored. */
  seq: number | null;
  spoolId: string | null;
  /** job-name as reported (never empty). */
  readonly name: string;
  /** job-originating-user-name as reported (never empty). */
  readonly user: string;
  /** requesting-user-name and job-name exactly as the client sent them (null when absent). */
  readonly requestedUser: string | null;
  readonly requestedName: string | null;
  state: JobStateValue;
  reasons: string[];
  readonly createdMs: number;
  processingMs: number | null;
  completedMs: number | null;
  sizeBytes: number | null;
  documents: number;
  /** Job template attributes as accepted from the request, echoed back. */
  readonly template: readonly IppAttribute[];
  /** What Create-Job said, merged into ProtocolMeta when Send-Document commits. */
  readonly copies: number | null;
  readonly sides: string | null;
  readonly colorMode: string | null;
  readonly documentFormat: string | null;
  /** Set while Send-Document streams the document: Cancel-Job stops it. */
  receiving: { cancel(): void } | null;
}

export function isTerminal(state: JobStateValue): boolean {
  return state >= JobState.canceled;
}

export class JobTable {
  private readonly jobs = new Map<number, IppJob>();
  private nextProvisional = PROVISIONAL_ID_BASE + 1;

  constructor(private readonly limit = 500) {}

  get size(): number {
    return this.jobs.size;
  }

  get(id: number): IppJob | undefined {
    return this.jobs.get(id);
  }

  add(job: IppJob): void {
    this.jobs.delete(job.id);
    this.jobs.set(job.id, job);
    while (this.jobs.size > this.limit) {
      // Oldest finished job first; if every job is unfinished, the oldest of all.
      let victim: number | undefined;
      for (const [id, j] of this.jobs) {
        if (isTerminal(j.state)) {
          victim = id;
          break;
        }
      }
      if (victim === undefined) victim = this.jobs.keys().next().value;
      if (victim === undefined) break;
      this.jobs.delete(victim);
    }
  }

  newProvisionalId(): number {
    for (let i = 0; i <= this.limit; i++) {
      const id = this.nextProvisional;
      this.nextProvisional = id >= MAX_JOB_ID ? PROVISIONAL_ID_BASE + 1 : id + 1;
      if (!this.jobs.has(id)) return id;
    }
    throw new Error('no free provisional job-id');
  }

  /** Oldest first. */
  all(): IppJob[] {
    return [...this.jobs.values()];
  }

  /** Jobs created but not yet stored, cancelled or aborted. */
  unfinishedCount(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (!isTerminal(j.state)) n++;
    return n;
  }

  /** Aborts Create-Job jobs whose document never came (checked lazily, no timers). */
  expire(nowMs: number): void {
    for (const j of this.jobs.values()) {
      if (j.state === JobState.pending && !j.receiving && nowMs - j.createdMs > MULTIPLE_OPERATION_TIMEOUT_SECONDS * 1000) {
        j.state = JobState.aborted;
        j.reasons = ['aborted-by-system'];
        j.completedMs = nowMs;
      }
    }
  }
}
