// What the tray, the notifications and the renderer pages show: one plain, serialisable
// state computed from the engine (job counts, status), the sign-in session and the last
// problem. The IPC contract sends it as is, so it holds no functions, paths or secrets.

import type { EngineStatus } from '../core/engine.js';
import type { ModeKind } from '../config/types.js';
import type { JobState } from '../spool/types.js';

export type SessionStateView = 'signed-out' | 'signing-in' | 'signed-in' | 'sign-in-required';

export interface SessionView {
  readonly user: string | null;
  readonly state: SessionStateView;
}

export interface JobCounts {
  readonly held: number;
  /** Printed and kept (print-and-keep), still on the workstation. */
  readonly kept: number;
  readonly queued: number;
  readonly uploading: number;
  readonly failed: number;
  readonly waitingForSignIn: number;
}

export interface UiProblem {
  readonly code: string;
  readonly message: string;
}

export interface UiState {
  readonly engine: EngineStatus;
  /** False when no identity provider is configured (embedded default, Serverless AD without sign-in). */
  readonly signInAvailable: boolean;
  readonly session: SessionView;
  readonly jobs: JobCounts;
  /** The last engine error not yet superseded by a healthy event. */
  readonly problem: UiProblem | null;
  /** LateBindingEnabled: settings may be changed when releasing. */
  readonly lateBindingEnabled: boolean;
}

/** A job as the renderer lists it: no file path, digest or protocol details. */
export interface JobView {
  readonly id: string;
  readonly title: string | null;
  readonly pages: number | null;
  readonly color: boolean | null;
  readonly duplex: boolean | null;
  readonly copies: number;
  readonly size: number;
  readonly state: JobState;
  readonly mode: ModeKind;
  readonly receivedAt: string;
  /** When the lifespan sweep deletes it; null when no lifespan applies. */
  readonly expiresAt: string | null;
}

export interface AboutInfo {
  readonly product: string;
  readonly version: string;
  readonly engine: EngineStatus;
  readonly configFile: string | null;
  readonly dataDir: string;
  readonly logFile: string;
  readonly queues: ReadonlyArray<{ readonly mode: ModeKind; readonly queue: string; readonly port: number; readonly listening: boolean }>;
  /** e.g. { electron: '45.4.1', chrome: '…', node: '22.…' }. */
  readonly runtime: Readonly<Record<string, string>>;
}

export const NO_JOBS: JobCounts = { held: 0, kept: 0, queued: 0, uploading: 0, failed: 0, waitingForSignIn: 0 };

/** Counts by state of the jobs on the workstation. */
export function countJobs(jobs: ReadonlyArray<{ state: JobState }>): JobCounts {
  const c = { ...NO_JOBS };
  for (const j of jobs) {
    switch (j.state) {
      case 'held': c.held += 1; break;
      case 'released-kept': c.kept += 1; break;
      case 'stored':
      case 'queued': c.queued += 1; break;
      case 'uploading': c.uploading += 1; break;
      case 'failed': c.failed += 1; break;
      case 'waiting-for-sign-in': c.waitingForSignIn += 1; break;
      default: break; // submitted, released-deleted, expired, deleted: gone from the user's view
    }
  }
  return c;
}
