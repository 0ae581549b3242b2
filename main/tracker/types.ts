// The deleted-job tracker's public types (SPEC §3 DeleteJobTrackerSettings). The tracker
// knows nothing of the spool: the composition root maps the spool's 'job-deleted' events
// onto Tracker.record() with the DeletedJob shape below (a spool JobRecord fits it as is).

import type { TrackerSettings } from '../config/types.js';
import type { Logger } from '../log/types.js';
import type { BackoffPolicy } from '../util/backoff.js';
import type { Clock } from '../util/clock.js';

/** Why a held job was deleted; the same four reasons as the spool's DeleteReason. */
export type DeleteReason = 'released' | 'expired' | 'user-deleted' | 'logout';

export const DELETE_REASONS: readonly DeleteReason[] = ['released', 'expired', 'user-deleted', 'logout'];

/** What the tracker needs to know about a deleted job. */
export interface DeletedJob {
  readonly id: string;
  readonly owner: string;
  readonly title: string | null;
  readonly pages: number | null;
  readonly color: boolean | null;
  readonly duplex: boolean | null;
  readonly copies: number;
  readonly size: number;
  /** ISO 8601: when the job was received (submitted by the user). */
  readonly receivedAt: string;
}

/** One deleted-job record, as kept in DJTReport.xml and sent to the report server. */
export interface DeletedJobRecord {
  /** A UUID made when the record is created; the report server deduplicates on it. */
  readonly recordId: string;
  readonly jobId: string;
  readonly owner: string;
  readonly title: string | null;
  readonly pages: number | null;
  readonly color: boolean | null;
  readonly duplex: boolean | null;
  readonly copies: number;
  readonly size: number;
  /** ISO 8601 UTC. */
  readonly submittedAt: string;
  /** ISO 8601 UTC. */
  readonly deletedAt: string;
  readonly reason: DeleteReason;
  readonly workstation: string;
  readonly workstationAddress: string;
  readonly siteName: string | null;
}

export interface TrackerOptions {
  readonly settings: TrackerSettings;
  /** The data folder; DJTReport.xml lives directly in it. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Default: the real clock. Tests pass a FakeClock. */
  readonly clock?: Clock;
  readonly workstation: { readonly name: string; readonly address: string };
  /** Extra CA certificates (PEM) trusted for ServerSSL, on top of the bundled roots. */
  readonly caFile?: string | null;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
  /** Retry delays after failed sends; default 30 s doubling to 1 h. */
  readonly backoff?: BackoffPolicy;
  /** Deadline of one HTTP request, connection included; default 30 s. */
  readonly requestTimeoutMs?: number;
}

export interface LastResult {
  /** ISO 8601. */
  readonly at: string;
  readonly ok: boolean;
  readonly message: string;
}

export interface TrackerStatus {
  /** TrackDeletedJob. */
  readonly enabled: boolean;
  /** Records waiting in DJTReport.xml. */
  readonly pending: number;
  /** ISO 8601: the next send or retry, null when none is due (immediate mode, idle, or no server). */
  readonly nextSendAt: string | null;
  readonly lastResult: LastResult | null;
  /** The report URL, or a sentence saying the server is not configured. */
  readonly server: string;
  /** The schedule in words, e.g. "daily at 12:00, 23:00 (local time)". */
  readonly schedule: string;
}

export interface FlushResult {
  readonly ok: boolean;
  /** Records the report server accepted during this flush. */
  readonly sent: number;
  /** Records still pending afterwards. */
  readonly pending: number;
  readonly message: string;
}

export interface Tracker {
  /** Loads DJTReport.xml, then sends or schedules what it holds. */
  start(): Promise<void>;
  /** Cancels timers, aborts a send in flight (its records stay pending), waits for writes. */
  stop(): Promise<void>;
  /** Resolves once the record is durably in DJTReport.xml; a no-op when TrackDeletedJob is false. */
  record(job: DeletedJob, reason: DeleteReason, deletedAt?: Date): Promise<void>;
  /** Sends every pending record now, ignoring the schedule and any retry delay. */
  flush(): Promise<FlushResult>;
  status(): TrackerStatus;
}
