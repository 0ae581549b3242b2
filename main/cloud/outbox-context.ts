// What one outbox operation (upload, registration) needs from the outbox: the ports and
// the few shared helpers. Kept as an interface so each operation lives in its own file.

import type { Logger } from '../log/types.js';
import type { SpoolEventName, SpoolEvents } from '../spool/events.js';
import type { DeleteReason, JobRecord, JobState } from '../spool/types.js';
import type { CloudClient } from './api-client.js';
import { CloudError } from './errors.js';
import type { OutboxEvents } from './outbox-events.js';
import type { FailureNote, OutboxStore } from './outbox-store.js';
import type { AccessTokenProvider } from './token-port.js';

/** The spool as the outbox uses it (main/spool/spool.ts Spool satisfies it). */
export interface CloudSpool {
  list(filter?: { owner?: string; states?: JobState[] }): JobRecord[];
  get(id: string): JobRecord | undefined;
  setState(id: string, state: JobState): Promise<JobRecord>;
  delete(id: string, reason: DeleteReason): Promise<JobRecord>;
  on<E extends SpoolEventName>(event: E, fn: (...args: SpoolEvents[E]) => void): () => void;
}

/** The API calls the outbox makes (CloudClient satisfies it). */
export type CloudApi = Pick<CloudClient, 'uploadDocument' | 'getJob' | 'deleteJob' | 'register'>;

export interface OutboxContext {
  readonly spool: CloudSpool;
  readonly api: CloudApi;
  readonly tokens: AccessTokenProvider;
  readonly store: OutboxStore;
  readonly events: OutboxEvents;
  readonly log: Logger;
  readonly workstation: string;
  readonly submittedDeleteReason: DeleteReason;
  readonly now: () => number;
  /** Why failed Cloud jobs failed, by job id (kept in step with the notes on disk). */
  readonly failures: Map<string, FailureNote>;
}

/** A failure the outbox will not retry (CloudError kind 'rejected'), or null. */
export function permanent(err: unknown): CloudError | null {
  return err instanceof CloudError && err.kind === 'rejected' ? err : null;
}
