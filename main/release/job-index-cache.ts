// Late-binding indexes of held jobs (main/pdl/late-binding/job-index.ts): built in the
// background, one job at a time, once a job is held, and kept in memory within a byte
// budget (least recently used first out). With an index, a release that changes copies
// or duplex neither searches the job for UELs nor tokenizes its PCL XL: it edits only the
// page attribute lists. It is only a cache: a release without one (not built yet,
// evicted, the engine restarted) searches and tokenizes as it goes, with the same result.

import { createReadStream } from 'node:fs';
import type { Logger } from '../log/types.js';
import { buildJobIndex } from '../pdl/late-binding/job-index-build.js';
import { JobIndexTooLarge, type JobIndex } from '../pdl/late-binding/job-index.js';
import type { JobRecord } from '../spool/types.js';

export type IndexableJob = Pick<JobRecord, 'id' | 'file' | 'pdl' | 'title' | 'size' | 'sha256'>;

export interface JobIndexCacheOptions {
  readonly logger: Logger;
  /** Memory for all indexes together (default 64 MiB: about two million PCL XL pages). */
  readonly budgetBytes?: number;
  readonly readChunkBytes?: number;
}

const DEFAULT_BUDGET = 64 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;

const keyOf = (job: IndexableJob): string => `${job.size}:${job.sha256}`;

export class JobIndexCache {
  readonly #log: Logger;
  readonly #budget: number;
  readonly #chunk: number;
  /** id → index of the bytes named by key; Map order is the eviction order. */
  readonly #entries = new Map<string, { key: string; index: JobIndex }>();
  #bytes = 0;
  #queue: IndexableJob[] = [];
  #current: IndexableJob | null = null;
  #running: Promise<void> | null = null;
  #abort = new AbortController();
  #stopped = false;

  constructor(o: JobIndexCacheOptions) {
    this.#log = o.logger;
    this.#budget = o.budgetBytes ?? DEFAULT_BUDGET;
    this.#chunk = o.readChunkBytes ?? READ_CHUNK;
  }

  /** The index of exactly this job's bytes, if built. */
  get(job: IndexableJob): JobIndex | null {
    const e = this.#entries.get(job.id);
    if (!e || e.key !== keyOf(job)) return null;
    this.#entries.delete(job.id);
    this.#entries.set(job.id, e);
    return e.index;
  }

  /** Queues a held job for indexing. */
  want(job: IndexableJob): void {
    if (this.#stopped || job.size === 0) return;
    if (this.get(job) || this.#current?.id === job.id || this.#queue.some((j) => j.id === job.id)) return;
    this.#queue.push(job);
    this.#running ??= this.#drain();
  }

  /** The job is gone or no longer held: drop its index (an indexing under way is abandoned). */
  forget(id: string): void {
    this.#queue = this.#queue.filter((j) => j.id !== id);
    const e = this.#entries.get(id);
    if (e) {
      this.#entries.delete(id);
      this.#bytes -= e.index.bytes;
    }
    if (this.#current?.id === id) {
      this.#abort.abort();
      this.#abort = new AbortController();
    }
  }

  /** Resolves once nothing is queued or being indexed. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queue = [];
    this.#abort.abort();
    await this.idle();
  }

  async #drain(): Promise<void> {
    try {
      for (let job = this.#queue.shift(); job && !this.#stopped; job = this.#queue.shift()) {
        this.#current = job;
        await this.#index(job, this.#abort.signal);
        this.#current = null;
      }
    } finally {
      this.#current = null;
      this.#running = null;
    }
  }

  async #index(job: IndexableJob, signal: AbortSignal): Promise<void> {
    const t0 = Date.now();
    let index: JobIndex;
    try {
      const file = createReadStream(job.file, { highWaterMark: this.#chunk, signal });
      // Never more than the whole budget, even while it is being built.
      index = await buildJobIndex(file as AsyncIterable<Buffer>, { pdl: job.pdl, jobName: job.title, signal, limitBytes: this.#budget });
    } catch (err) {
      if (err instanceof JobIndexTooLarge) {
        this.#log.debug('late-binding index larger than its budget; not kept', { id: job.id, limitBytes: this.#budget });
      } else if (!signal.aborted) {
        // Deleted, moved or unreadable meanwhile: the release will search and tokenize as it goes.
        this.#log.debug('late-binding index not built', { id: job.id, error: String(err) });
      }
      return;
    }
    if (signal.aborted || this.#stopped) return;
    if (index.bytes > this.#budget) {
      this.#log.debug('late-binding index larger than its budget; not kept', { id: job.id, pages: index.pages, bytes: index.bytes });
      return;
    }
    for (const [id, e] of this.#entries) {
      if (this.#bytes + index.bytes <= this.#budget) break;
      this.#entries.delete(id);
      this.#bytes -= e.index.bytes;
    }
    this.#entries.set(job.id, { key: keyOf(job), index });
    this.#bytes += index.bytes;
    this.#log.debug('late-binding index built', { id: job.id, pdl: job.pdl, pages: index.pages, uels: index.uels.length, ms: Date.now() - t0 });
  }
}
