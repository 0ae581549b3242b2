// The boundary between the protocol handlers (RAW, LPD, IPP) and the spool. A handler
// opens a JobReceiver, streams the document into it, and acknowledges the job to its
// client only after commit() resolved: by then the document and its record are on disk.

import type { ModeKind } from '../config/types.js';

export type CaptureProtocol = 'raw' | 'lpd' | 'ipp';

/** What the protocol itself says about a job (LPD control file, IPP operation attributes). */
export interface ProtocolMeta {
  readonly protocol: CaptureProtocol;
  /** LPD `P`, IPP requesting-user-name. */
  readonly user?: string | null;
  /** LPD `H`. */
  readonly host?: string | null;
  /** LPD `J`, IPP job-name. */
  readonly jobName?: string | null;
  /** LPD `T`. */
  readonly title?: string | null;
  /** LPD `N`. */
  readonly sourceFile?: string | null;
  /** LPD: count of print lines naming the data file; IPP copies. */
  readonly copies?: number | null;
  /** IPP sides keyword (one-sided, two-sided-long-edge, two-sided-short-edge). */
  readonly sides?: string | null;
  /** IPP print-color-mode keyword (color, monochrome, auto...). */
  readonly colorMode?: string | null;
  /** LPD queue operand; the mode's queue name when the protocol gives none. */
  readonly queue?: string | null;
  /** Driver name, where a protocol carries one. */
  readonly driver?: string | null;
  /** IPP document-format. */
  readonly documentFormat?: string | null;
}

export interface CaptureContext {
  readonly protocol: CaptureProtocol;
  readonly mode: ModeKind;
  /** Remote address and port, for logs. */
  readonly peer: string;
}

/** A job committed to the spool, as the protocol handlers need to see it. */
export interface CommittedJob {
  /** Spool job id (stable, unique). */
  readonly id: string;
  /** Monotonic cycle counter of the spool (`%i`), usable as an IPP job-id. */
  readonly seq: number;
  readonly size: number;
  readonly sha256: string;
}

export interface JobReceiver {
  /** Appends bytes; resolves when they were handed to the file (back-pressure). Rejects with a CaptureError (JOB_TOO_LARGE, DISK_FULL...). */
  write(chunk: Buffer): Promise<void>;
  /** Flushes what was received so far to stable storage (LPD acks a data file only once on disk). */
  sync(): Promise<void>;
  /** Makes the job durable and visible: fsync, rename, fsync folder, metadata likewise. */
  commit(meta: ProtocolMeta): Promise<CommittedJob>;
  /** Drops the job: no document, no record, no temporary file remains. Idempotent. */
  abort(code: string): Promise<void>;
  readonly bytesReceived: number;
}

export interface CaptureSink {
  /** Rejects with a CaptureError when no job can be stored now (disk full, spool stopped). */
  begin(ctx: CaptureContext): Promise<JobReceiver>;
  /** Jobs the IPP printer can report on (Get-Job-Attributes / Get-Jobs), newest first. */
  find?(seq: number): CommittedJob | undefined;
}
