// The engine's typed event stream (ARCHITECTURE.md): each transition is written durably
// before its event is emitted. The shell turns some of them into notifications.

import type { DeleteReason, JobRecord, JobState } from '../spool/types.js';
import type { CloudOutboxEvent } from '../cloud/index.js';
import type { ModeKind } from '../config/types.js';

export type EngineStatus = 'stopped' | 'starting' | 'running' | 'stopping';

export type EngineEvent =
  | { type: 'job-stored'; job: JobRecord }
  | { type: 'job-state'; job: JobRecord; previous: JobState }
  | { type: 'job-deleted'; job: JobRecord; reason: DeleteReason }
  | { type: 'error'; code: string; message: string }
  /** Someone must sign in (user null: nobody has signed in yet on this workstation). */
  | { type: 'sign-in-required'; user: string | null; reason: string; message: string }
  | { type: 'status'; status: EngineStatus }
  /** The cloud outbox: submitted, failed, waiting-for-sign-in, registered… (notifications). */
  | { type: 'cloud'; mode: ModeKind; event: CloudOutboxEvent };
