// The release service's ports and public shapes. The spool is seen through a narrow
// interface (what release needs of it), the clock is the same port as the tracker's and
// the directory's, so one real clock and one fake clock serve all three.

import type { ClientSettings, ModeKind } from '../config/types.js';
import type { LateBindingChanges } from '../pdl/late-binding/index.js';
import type { PdlKind } from '../pdl/types.js';
import type { Spool } from '../spool/spool.js';
import type { DeleteReason, JobRecord } from '../spool/types.js';

/** What release uses of the spool (the real Spool implements it). */
export type ReleaseSpool = Pick<Spool, 'list' | 'get' | 'setState' | 'delete' | 'removeEmptyUserFolder' | 'on'>;

export type { Clock } from '../util/clock.js';

/** Lifespans of the modes that hold jobs (ClientSettings of Hybrid, Serverless AD, local). */
export type Lifespans = Partial<Record<ModeKind, ClientSettings>>;

export interface EmptyFolderPolicy {
  readonly enabled: boolean;
  readonly lifespanDays: number;
}

/** A held job as the printer-facing API and the CLI show it (docs/release-api.md). */
export interface ReleaseJobView {
  readonly id: string;
  readonly title: string | null;
  readonly pages: number | null;
  readonly color: boolean | null;
  readonly duplex: boolean | null;
  readonly copies: number;
  readonly size: number;
  readonly pdl: PdlKind;
  /** The MIME type the document is served with. */
  readonly documentFormat: string;
  readonly state: 'held' | 'released-kept';
  readonly receivedAt: string;
  /** When printed and kept: the first release. */
  readonly printedAt: string | null;
  /** When the lifespan sweep deletes the job; null when no lifespan applies. */
  readonly expiresAt: string | null;
}

/** Where the job went (the outcome of releaseJob). */
export interface ReleaseOutcome {
  readonly id: string;
  /** The printer URI, credentials never included. */
  readonly printer: string;
  readonly protocol: 'ipp' | 'ipps' | 'socket';
  readonly bytesSent: number;
  readonly kept: boolean;
  /** The job's state afterwards: released-kept, or released-deleted when it was deleted. */
  readonly state: 'released-kept' | 'released-deleted';
  /** The printer's IPP job-id, when it gave one. */
  readonly printerJobId: number | null;
  /** IPP attributes the printer ignored or substituted (successful-ok-ignored-or-substituted-attributes). */
  readonly ignoredAttributes: readonly string[];
  /** Settings applied to the document or sent as IPP attributes. */
  readonly changes: LateBindingChanges;
}

export type ReleaseVia = 'printer-app' | 'direct';

export type ReleaseEvent =
  | { type: 'job-released'; job: JobRecord; via: ReleaseVia; kept: boolean; printer: string | null }
  | { type: 'release-failed'; jobId: string; printer: string; code: string; message: string }
  | { type: 'job-expired'; job: JobRecord; reason: Extract<DeleteReason, 'expired'> }
  | { type: 'user-folder-removed'; user: string; tokensForgotten: boolean };
