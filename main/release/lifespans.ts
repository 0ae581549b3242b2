// Lifespans and clean-up (SPEC §3 ClientSettings, DeleteEmptyUserFolderSetting):
// - a job never released ('held', or 'waiting-for-sign-in') is deleted, reason 'expired',
//   UnprintedJobsLifespan hours after it was received;
// - a printed-and-kept job ('released-kept') is deleted PrintAndKeepLifespan hours after
//   its release — the record's updatedAt, set when the state changed (printing it again
//   keeps the state and so does not extend its life);
// - with DeleteEmptyUserFolders, a user folder holding no job is removed when it has had
//   no activity for DeleteEmptyUserFoldersLifespan days — activity being the newest of the
//   folder's mtime, its records folder's mtime (both change when a job arrives or goes)
//   and the last deletion of that user's job seen by this process — and the user's
//   stored tokens are then forgotten (forgetUser; retried at the next sweep if it fails).
// Sweeps run at start, at the next expiry, and at least every `intervalMs`. Every
// deletion goes through Spool.delete, which emits 'job-deleted' for the tracker.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/types.js';
import { SpoolLayout } from '../spool/layout.js';
import type { JobRecord } from '../spool/types.js';
import { ownerFromFolderName } from '../spool/user-folder.js';
import { errorCode } from '../util/errors.js';
import type { Clock, EmptyFolderPolicy, Lifespans, ReleaseSpool } from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const UNPRINTED_STATES: ReadonlySet<string> = new Set(['held', 'waiting-for-sign-in']);

/** When `job` expires under `lifespans`, or null when no lifespan applies to it. */
export function expiryOf(job: Pick<JobRecord, 'mode' | 'state' | 'receivedAt' | 'updatedAt'>, lifespans: Lifespans): Date | null {
  const l = lifespans[job.mode];
  if (!l) return null;
  if (UNPRINTED_STATES.has(job.state)) return new Date(Date.parse(job.receivedAt) + l.unprintedJobsLifespanHours * HOUR_MS);
  if (job.state === 'released-kept') return new Date(Date.parse(job.updatedAt) + l.printAndKeepLifespanHours * HOUR_MS);
  return null;
}

export interface SweepResult {
  readonly expired: readonly string[];
  readonly foldersRemoved: readonly string[];
  readonly nextSweepAt: string | null;
}

export interface LifespanSweeperOptions {
  readonly spool: ReleaseSpool;
  readonly dataDir: string;
  readonly lifespans: Lifespans;
  readonly emptyFolders: EmptyFolderPolicy;
  /** Forgets a user's stored tokens (the token vault); called after their folder was removed. */
  readonly forgetUser: (user: string) => Promise<void>;
  /** Jobs being released right now are left alone until the next sweep. */
  readonly isBusy?: (id: string) => boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Longest time between sweeps (default 15 minutes). */
  readonly intervalMs?: number;
  /** Called after each job deletion by the sweep (events). */
  readonly onExpired?: (job: JobRecord) => void;
  readonly onFolderRemoved?: (user: string, tokensForgotten: boolean) => void;
}

export class LifespanSweeper {
  readonly #o: LifespanSweeperOptions;
  readonly #layout: SpoolLayout;
  readonly #lastDeletion = new Map<string, number>();
  readonly #forgetPending = new Set<string>();
  #cancelTimer: (() => void) | null = null;
  #running: Promise<SweepResult> | null = null;
  #again = false;
  #stopped = true;
  #unsubscribe: (() => void) | null = null;

  constructor(o: LifespanSweeperOptions) {
    this.#o = o;
    this.#layout = new SpoolLayout(o.dataDir);
  }

  /** Sweeps once, then keeps sweeping on schedule until stop(). */
  async start(): Promise<SweepResult> {
    this.#stopped = false;
    this.#unsubscribe = this.#o.spool.on('job-deleted', (job) => {
      this.#lastDeletion.set(job.owner, this.#o.clock.now().getTime());
    });
    return this.sweep();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#running?.catch(() => undefined);
  }

  /** Runs a sweep now (one at a time: a call during a sweep runs another right after). */
  sweep(): Promise<SweepResult> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = (async (): Promise<SweepResult> => {
      let result: SweepResult;
      do {
        this.#again = false;
        result = await this.#sweepOnce();
      } while (this.#again && !this.#stopped);
      return result;
    })().finally(() => {
      this.#running = null;
    });
    this.#running = run;
    return run;
  }

  async #sweepOnce(): Promise<SweepResult> {
    const o = this.#o;
    const now = o.clock.now();
    const expired: string[] = [];
    let next: number | null = null;
    for (const job of o.spool.list()) {
      const at = expiryOf(job, o.lifespans);
      if (at === null) continue;
      if (at.getTime() > now.getTime() || o.isBusy?.(job.id)) {
        next = Math.min(next ?? Infinity, Math.max(at.getTime(), now.getTime() + 60_000));
        continue;
      }
      try {
        const final = await o.spool.delete(job.id, 'expired');
        expired.push(job.id);
        o.logger.info('held job expired and was deleted', { id: job.id, state: job.state, mode: job.mode, expiredAt: at.toISOString() });
        o.onExpired?.(final);
      } catch (err) {
        if (errorCode(err) !== 'JOB_NOT_FOUND') o.logger.error('could not delete an expired job', { id: job.id, code: errorCode(err) });
      }
    }
    const foldersRemoved = o.emptyFolders.enabled ? await this.#sweepFolders(now) : [];
    const interval = o.intervalMs ?? 15 * 60_000;
    const due = Math.min(next ?? Infinity, now.getTime() + interval);
    if (!this.#stopped) this.#schedule(new Date(due));
    return { expired, foldersRemoved, nextSweepAt: this.#stopped ? null : new Date(due).toISOString() };
  }

  #schedule(at: Date): void {
    this.#cancelTimer?.();
    this.#cancelTimer = this.#o.clock.setTimer(at, () => {
      this.#cancelTimer = null;
      if (this.#stopped) return;
      this.sweep().catch((err: unknown) => this.#o.logger.error('lifespan sweep failed', { error: String(err) }));
    });
  }

  async #sweepFolders(now: Date): Promise<string[]> {
    const o = this.#o;
    const removed: string[] = [];
    const limitMs = o.emptyFolders.lifespanDays * DAY_MS;
    let names: string[];
    try {
      names = (await readdir(this.#layout.users, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') o.logger.error('cannot list user folders', { code: errorCode(err) });
      names = [];
    }
    const owners = new Set(o.spool.list().map((j) => j.owner));
    for (const name of names) {
      const owner = ownerFromFolderName(name);
      if (owner === null) continue; // a hashed (very long) name: its owner cannot be told from it
      if (owners.has(owner)) continue;
      const last = await this.#lastActivity(join(this.#layout.users, name), owner);
      if (last === null || now.getTime() - last < limitMs) continue;
      try {
        if (!(await o.spool.removeEmptyUserFolder(owner))) continue;
      } catch (err) {
        o.logger.error('could not remove an empty user folder', { code: errorCode(err) });
        continue;
      }
      removed.push(owner);
      this.#lastDeletion.delete(owner);
      this.#forgetPending.add(owner);
      o.logger.info('removed a user folder unused for the configured lifespan', { days: o.emptyFolders.lifespanDays });
    }
    for (const user of [...this.#forgetPending]) {
      let forgotten = false;
      try {
        await o.forgetUser(user);
        this.#forgetPending.delete(user);
        forgotten = true;
      } catch (err) {
        o.logger.error('could not forget the stored tokens of a user whose folder was removed; will retry', { code: errorCode(err) });
      }
      if (removed.includes(user)) o.onFolderRemoved?.(user, forgotten);
    }
    return removed;
  }

  /** Newest of the folder's mtime, its records folder's mtime and the last deletion seen; null if gone. */
  async #lastActivity(dir: string, owner: string): Promise<number | null> {
    let newest = this.#lastDeletion.get(owner) ?? 0;
    try {
      newest = Math.max(newest, (await stat(dir)).mtimeMs);
    } catch {
      return null;
    }
    try {
      newest = Math.max(newest, (await stat(this.#layout.recordsDir(dir))).mtimeMs);
    } catch {
      // No records folder: only the folder's own time counts.
    }
    return newest;
  }
}
