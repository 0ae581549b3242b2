// The outbox's typed events. The composition root forwards them into the engine's event
// stream; the shell shows 'submitted', 'failed' and 'waiting-for-sign-in' as
// notifications when DisplayNotifications is true (notifications.ts words them).

import type { Logger } from '../log/types.js';
import type { JobRecord } from '../spool/types.js';
import { TypedEvents } from '../core/events.js';
import type { CloudJob } from './wire.js';

/** What the outbox was doing for a job. */
export type CloudOperation = 'upload' | 'register' | 'unregister';

export type CloudOutboxEvent =
  /** A Cloud job reached the cloud queue; its local copy is being removed. */
  | { readonly type: 'submitted'; readonly job: JobRecord; readonly cloudJob: CloudJob; readonly replayed: boolean }
  /** The server refused the job for good (or its document is unreadable); it stays, state 'failed'. */
  | {
    readonly type: 'failed'; readonly operation: CloudOperation; readonly jobId: string; readonly owner: string;
    readonly title: string | null; readonly code: string; readonly message: string; readonly status: number | null;
  }
  /** The user must sign in again; the job waits and resumes on resumeUser(owner). */
  | { readonly type: 'waiting-for-sign-in'; readonly operation: CloudOperation; readonly jobId: string; readonly owner: string; readonly title: string | null }
  | { readonly type: 'registered'; readonly jobId: string; readonly owner: string; readonly cloudJob: CloudJob }
  | { readonly type: 'unregistered'; readonly jobId: string; readonly owner: string }
  /** A transient failure: the next try is in `delayMs`. */
  | {
    readonly type: 'retry-scheduled'; readonly operation: CloudOperation; readonly jobId: string;
    readonly failures: number; readonly delayMs: number; readonly code: string; readonly message: string;
  };

export type CloudOutboxEventType = CloudOutboxEvent['type'];
export type CloudOutboxEventOf<T extends CloudOutboxEventType> = Extract<CloudOutboxEvent, { type: T }>;

export class OutboxEvents {
  readonly #events: TypedEvents<CloudOutboxEvent>;

  constructor(logger: Logger) {
    this.#events = new TypedEvents<CloudOutboxEvent>(logger);
  }

  on<T extends CloudOutboxEventType>(type: T, fn: (e: CloudOutboxEventOf<T>) => void): () => void {
    return this.#events.on((e) => {
      if (e.type === type) fn(e as CloudOutboxEventOf<T>);
    });
  }

  onAny(fn: (e: CloudOutboxEvent) => void): () => void {
    return this.#events.on(fn);
  }

  emit(e: CloudOutboxEvent): void {
    this.#events.emit(e);
  }
}
