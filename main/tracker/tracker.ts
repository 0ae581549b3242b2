// The deleted-job tracker: records every deletion of a held job durably in DJTReport.xml,
// then delivers the records to the report server at once (SendImmediately) or on the
// IntervalMode schedule, retrying with backoff while the server is unreachable.
//
// Delivery is at-least-once: a record leaves DJTReport.xml only after the server has
// accepted it; a crash after acceptance and before the file is rewritten sends it again,
// and the server drops the repeat by its RecordId (docs/tracker.md "Delivery guarantees").

import { readFile } from 'node:fs/promises';
import type { TrackerSettings } from '../config/types.js';
import type { Logger } from '../log/types.js';
import { PullPrintError, drop, errorCode } from '../util/errors.js';
import { backoffDelay, type BackoffPolicy } from '../util/backoff.js';
import { realClock, type Clock } from '../util/clock.js';
import { makeRecord } from './record.js';
import { REPORT_FILE, ReportFile } from './report-file.js';
import { serializeReport } from './report-xml.js';
import { describeSchedule, nextSendTime } from './schedule.js';
import { ReportSender, isServerConfigured, reportUrl } from './sender.js';
import type {
  DeleteReason, DeletedJob, DeletedJobRecord, FlushResult, LastResult, Tracker, TrackerOptions, TrackerStatus,
} from './types.js';

/** Records per request; a longer backlog goes out in several requests of one flush. */
export const BATCH_MAX = 500;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Retries after a failed send: from 30 s, doubling, up to an hour. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 30_000, maxMs: 60 * 60_000 };
const NOT_CONFIGURED = 'not configured (ServerIP is 0.0.0.0): records are kept in DJTReport.xml';

export function createTracker(opts: TrackerOptions): Tracker {
  return new DeletedJobTracker(opts);
}

interface ArmedTimer {
  readonly at: number;
  cancel: () => void;
}

class DeletedJobTracker implements Tracker {
  readonly #opts: TrackerOptions;
  readonly #s: TrackerSettings;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #file: ReportFile;
  readonly #random: () => number;
  readonly #backoff: BackoffPolicy;
  readonly #configured: boolean;
  #state: 'new' | 'running' | 'stopped' = 'new';
  #pending: DeletedJobRecord[] = [];
  #loading: Promise<void> | null = null;
  #sender: ReportSender | null = null;
  #senderProblem: string | null = null;
  #timer: ArmedTimer | null = null;
  #failures = 0;
  #retryAt: number | null = null;
  #last: LastResult | null = null;
  #round: Promise<FlushResult> | null = null;
  #again = false;
  #scheduleProblemLogged = false;
  readonly #stopCtl = new AbortController();
  #writeChain: Promise<void> = Promise.resolve();
  #nextWrite: Promise<void> | null = null;
  readonly #recording = new Set<Promise<void>>();

  constructor(opts: TrackerOptions) {
    this.#opts = opts;
    this.#s = opts.settings;
    this.#log = opts.logger;
    this.#clock = opts.clock ?? realClock();
    this.#random = opts.random ?? Math.random;
    this.#backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.#configured = isServerConfigured(opts.settings.server);
    this.#file = new ReportFile(opts.dataDir, this.#log, () => this.#clock.now());
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') throw new PullPrintError('TRACKER_STATE', 'the tracker can be started once');
    await this.#ensureLoaded();
    if (this.#configured) {
      const extraCa = await this.#readCa();
      this.#sender = new ReportSender({ server: this.#s.server, extraCa, timeoutMs: this.#opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS });
    }
    this.#state = 'running';
    const s = this.status();
    this.#log.info('deleted-job tracker started', { enabled: s.enabled, pending: s.pending, server: s.server, schedule: s.schedule });
    if (!this.#configured) {
      if (this.#s.trackDeletedJob || this.#pending.length > 0) {
        this.#log.warn(`deleted-job report server ${NOT_CONFIGURED} and not sent`, { pending: this.#pending.length });
      }
      return;
    }
    if (this.#pending.length > 0 && !this.#s.sendImmediately) {
      // A slot that passed while the client was not running (machine off) is caught up now.
      const oldest = Math.min(...this.#pending.map((r) => Date.parse(r.deletedAt)));
      const slot = this.#nextSlot(new Date(oldest));
      if (slot !== null && slot.getTime() <= this.#clock.now().getTime()) {
        this.#kick();
        return;
      }
    }
    this.#arm();
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#cancelTimer();
    this.#stopCtl.abort();
    while (this.#round) await this.#round.catch(() => undefined);
    await Promise.allSettled([...this.#recording]);
    await this.#writeChain;
    await this.#sender?.close();
  }

  record(job: DeletedJob, reason: DeleteReason, deletedAt?: Date): Promise<void> {
    if (!this.#s.trackDeletedJob) return Promise.resolve();
    // Taken before any await, so stop() waits for a record() that has not reached its write yet.
    const p = this.#record(job, reason, deletedAt ?? this.#clock.now());
    this.#recording.add(p);
    const forget = (): void => {
      this.#recording.delete(p);
    };
    p.then(forget, forget);
    return p;
  }

  async #record(job: DeletedJob, reason: DeleteReason, deletedAt: Date): Promise<void> {
    await this.#ensureLoaded();
    const rec = makeRecord(job, reason, deletedAt, {
      workstation: this.#opts.workstation, siteName: this.#s.siteName,
    });
    this.#pending.push(rec);
    try {
      await this.#persist();
    } catch (err) {
      // Kept in memory: the next successful write or send still carries it.
      throw new PullPrintError('TRACKER_WRITE_FAILED', `cannot write ${REPORT_FILE}: ${errorCode(err)}; the deletion of job ${rec.jobId} is not yet durable`, { cause: err });
    } finally {
      this.#arm();
    }
    this.#log.debug('deleted job recorded', { job: rec.jobId, reason, record: rec.recordId });
  }

  async flush(): Promise<FlushResult> {
    if (this.#state !== 'running') throw new PullPrintError('TRACKER_NOT_RUNNING', 'the deleted-job tracker is not running');
    while (this.#round) await this.#round.catch(() => undefined);
    return this.#runRound();
  }

  status(): TrackerStatus {
    let schedule: string;
    try {
      schedule = describeSchedule(this.#s);
    } catch (err) {
      schedule = `invalid (${err instanceof Error ? err.message : String(err)})`;
    }
    return {
      enabled: this.#s.trackDeletedJob,
      pending: this.#pending.length,
      nextSendAt: this.#nextSendAt(),
      lastResult: this.#last,
      server: this.#configured ? reportUrl(this.#s.server) : NOT_CONFIGURED,
      schedule,
    };
  }

  // ---- storage ----

  #ensureLoaded(): Promise<void> {
    this.#loading ??= this.#file.load().then((records) => {
      this.#pending = records;
    });
    return this.#loading;
  }

  /** Group commit: every change made before a write starts is carried by that write. */
  #persist(): Promise<void> {
    if (this.#nextWrite) return this.#nextWrite;
    const p = this.#writeChain.then(() => {
      this.#nextWrite = null;
      return this.#file.save([...this.#pending]);
    });
    this.#nextWrite = p;
    this.#writeChain = p.catch(() => undefined);
    return p;
  }

  async #readCa(): Promise<string | null> {
    const file = this.#opts.caFile;
    if (!file) return null;
    try {
      const pem = await readFile(file, 'utf8');
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('it holds no PEM certificate');
      return pem;
    } catch (err) {
      this.#senderProblem = `cannot use the CA file ${file}: ${err instanceof Error ? err.message : String(err)}`;
      this.#log.error(this.#senderProblem, { code: 'TRACKER_CA_UNREADABLE' });
      return null;
    }
  }

  // ---- scheduling ----

  #nextSlot(after: Date): Date | null {
    try {
      return nextSendTime(this.#s, after);
    } catch (err) {
      if (!this.#scheduleProblemLogged) {
        this.#scheduleProblemLogged = true;
        this.#log.error(`deleted-job send schedule unusable, records stay pending: ${err instanceof Error ? err.message : String(err)}`, { code: errorCode(err) });
      }
      return null;
    }
  }

  #nextSendAt(): string | null {
    if (!this.#configured || this.#state !== 'running') return null;
    if (this.#timer) return new Date(this.#timer.at).toISOString();
    if (this.#retryAt !== null && this.#pending.length > 0) return new Date(this.#retryAt).toISOString();
    if (this.#s.sendImmediately) return null;
    return this.#nextSlot(this.#clock.now())?.toISOString() ?? null;
  }

  /** Sets the one timer to the next thing due: a retry, an immediate send, or the next slot. */
  #arm(): void {
    if (this.#state !== 'running' || !this.#configured || this.#pending.length === 0) {
      this.#cancelTimer();
      return;
    }
    let at: number | null;
    if (this.#retryAt !== null) at = this.#retryAt;
    else if (this.#s.sendImmediately) {
      this.#cancelTimer();
      this.#kick();
      return;
    } else at = this.#nextSlot(this.#clock.now())?.getTime() ?? null;
    if (at === null) {
      this.#cancelTimer();
      return;
    }
    if (this.#timer?.at === at) return;
    this.#cancelTimer();
    const t: ArmedTimer = { at, cancel: () => undefined };
    t.cancel = this.#clock.setTimer(new Date(at), () => {
      if (this.#timer === t) this.#timer = null;
      this.#kick();
    });
    this.#timer = t;
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  // ---- sending ----

  #kick(): void {
    if (this.#state !== 'running') return;
    if (this.#round) {
      this.#again = true;
      return;
    }
    drop(this.#runRound(), (err) => this.#log.error('deleted-job send failed unexpectedly', { error: String(err) }));
  }

  async #runRound(): Promise<FlushResult> {
    const p = this.#sendAll();
    this.#round = p;
    try {
      return await p;
    } finally {
      this.#round = null;
      const again = this.#again;
      this.#again = false;
      if (this.#state === 'running') {
        // A trigger that came during the round (a slot, a record) is served now rather
        // than at the next slot, unless the server has just failed.
        if (again && this.#retryAt === null && this.#pending.length > 0) this.#kick();
        else this.#arm();
      }
    }
  }

  async #sendAll(): Promise<FlushResult> {
    if (!this.#configured) return { ok: false, sent: 0, pending: this.#pending.length, message: `report server ${NOT_CONFIGURED}` };
    const sender = this.#sender;
    if (this.#state !== 'running' || !sender) return { ok: false, sent: 0, pending: this.#pending.length, message: 'the tracker is not running' };
    if (this.#pending.length > 0 && this.#senderProblem) return this.#failed(this.#senderProblem, 'TRACKER_CA_UNREADABLE', 0);
    let sent = 0;
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, BATCH_MAX);
      const outcome = await sender.send(serializeReport(batch), this.#stopCtl.signal);
      if (!outcome.ok) {
        if (outcome.aborted) return { ok: false, sent, pending: this.#pending.length, message: outcome.message };
        return this.#failed(outcome.message, outcome.code, sent, outcome.status);
      }
      const ids = new Set(batch.map((r) => r.recordId));
      const accepted = outcome.accepted === null ? ids : new Set(outcome.accepted.filter((id) => ids.has(id)));
      this.#pending = this.#pending.filter((r) => !accepted.has(r.recordId));
      sent += accepted.size;
      try {
        await this.#persist();
      } catch (err) {
        this.#log.error(`cannot update ${REPORT_FILE} after a send; those records will be sent again and the server ignores the repeats`, { code: errorCode(err) });
      }
      if (accepted.size < batch.length) {
        return this.#failed(`the report server accepted ${accepted.size} of ${batch.length} record(s)`, 'TRACKER_PARTIAL', sent);
      }
      // The server works again: a later failure in this round starts the backoff afresh.
      this.#failures = 0;
      this.#retryAt = null;
    }
    this.#failures = 0;
    this.#retryAt = null;
    if (sent === 0) return { ok: true, sent: 0, pending: this.#pending.length, message: 'nothing to send' };
    const message = `sent ${sent} record(s)`;
    this.#last = { at: this.#clock.now().toISOString(), ok: true, message };
    this.#log.info(`deleted-job report delivered: ${message}`, { sent, server: sender.url });
    return { ok: true, sent, pending: this.#pending.length, message };
  }

  #failed(message: string, code: string, sent: number, status?: number): FlushResult {
    this.#failures += 1;
    const now = this.#clock.now().getTime();
    this.#retryAt = now + backoffDelay(this.#failures, this.#backoff, this.#random);
    this.#last = { at: new Date(now).toISOString(), ok: false, message };
    const retry = new Date(this.#retryAt).toISOString();
    // A 4xx (other than timeout/rate limit) or a bad CA needs an administrator; an outage does not.
    const needsAdmin = code === 'TRACKER_CA_UNREADABLE' || (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429);
    const meta = { code, failures: this.#failures, pending: this.#pending.length, retryAt: retry };
    if (needsAdmin) this.#log.error(`deleted-job report not delivered: ${message}; records kept, retry at ${retry}`, meta);
    else this.#log.warn(`deleted-job report not delivered: ${message}; records kept, retry at ${retry}`, meta);
    return { ok: false, sent, pending: this.#pending.length, message };
  }
}
