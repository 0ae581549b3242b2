// The spool's public types: a job's record (the single source of truth for a job), its
// states and the options the composition root builds the spool from.

import type { CaptureContext, CaptureProtocol, ProtocolMeta } from '../capture/types.js';
import type { ModeKind } from '../config/types.js';
import type { Logger } from '../log/types.js';
import type { JobInspector, PdlFacts, PdlKind } from '../pdl/types.js';

/** ARCHITECTURE "A job's life"; the spool stores any state, the engine decides transitions. */
export type JobState =
  | 'stored'
  | 'queued'
  | 'uploading'
  | 'submitted'
  | 'failed'
  | 'waiting-for-sign-in'
  | 'held'
  | 'released-kept'
  | 'released-deleted'
  | 'expired'
  | 'deleted';

export const JOB_STATES: readonly JobState[] = [
  'stored', 'queued', 'uploading', 'submitted', 'failed', 'waiting-for-sign-in', 'held',
  'released-kept', 'released-deleted', 'expired', 'deleted',
];

export type DeleteReason = 'released' | 'expired' | 'user-deleted' | 'logout';

export interface JobRecord {
  /** Stable unique id (a UUID); also the record's file name. */
  id: string;
  /** The cycle counter (`%i`): unique and monotonic across restarts, usable as an IPP job-id. */
  seq: number;
  /** Who the job belongs to (the signed-in or OS user), decides the user folder. */
  owner: string;
  /** The user the job itself names (protocol, else PJL/PDL); may differ from owner. */
  declaredUser: string | null;
  mode: ModeKind;
  title: string | null;
  protocol: CaptureProtocol;
  pdl: PdlKind;
  pages: number | null;
  color: boolean | null;
  duplex: boolean | null;
  copies: number;
  size: number;
  sha256: string;
  state: JobState;
  /** ISO 8601: when the job began to arrive. */
  receivedAt: string;
  /** ISO 8601: last change of the record. */
  updatedAt: string;
  /** Absolute path of the stored document. */
  file: string;
  protocolMeta: ProtocolMeta;
  pdlFacts: PdlFacts;
}

export interface ModeSpoolSettings {
  /** PrintJobFileNameFormat of the mode (`%d_%i.prn`...). */
  fileNameFormat: string;
  /** The mode's OS queue name: `%pq` (and `%pd`) when the protocol names none. */
  queueName: string;
  maxJobSizeBytes: number;
  /** The state a newly stored job of this mode starts in. */
  initialState: JobState;
}

export interface SpoolOptions {
  dataDir: string;
  logger: Logger;
  /** Settings of the enabled modes; begin() for another mode rejects SPOOL_UNAVAILABLE. */
  modes: Partial<Record<ModeKind, ModeSpoolSettings>>;
  /** Who owns a job (the engine passes the signed-in or OS user). */
  ownerOf(meta: ProtocolMeta, ctx: CaptureContext): string;
  /**
   * The state a new job starts in, when it depends on more than its mode (e.g. a job whose
   * owner must sign in first starts 'waiting-for-sign-in'). Default: the mode's initialState.
   */
  initialStateOf?(mode: ModeKind, owner: string): JobState;
  /** The PDL inspector factory (pdl/inspector.ts createJobInspector). */
  inspect(): JobInspector;
  now?(): Date;
}
