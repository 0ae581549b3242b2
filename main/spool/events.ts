// The spool's events. Listeners run synchronously after the change is on disk; one that
// throws is logged and does not stop the others or the spool.

import type { Logger } from '../log/types.js';
import type { DeleteReason, JobRecord, JobState } from './types.js';

export interface SpoolEvents {
  'job-stored': [job: JobRecord];
  'job-state': [job: JobRecord, previous: JobState];
  'job-deleted': [job: JobRecord, reason: DeleteReason];
}

export type SpoolEventName = keyof SpoolEvents;

type Listener = (...args: unknown[]) => void;

export class SpoolEmitter {
  private readonly listeners = new Map<SpoolEventName, Set<Listener>>();

  constructor(private readonly logger: Logger) {}

  on<E extends SpoolEventName>(event: E, fn: (...args: SpoolEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const f = fn as unknown as Listener;
    set.add(f);
    return () => {
      set.delete(f);
    };
  }

  emit<E extends SpoolEventName>(event: E, ...args: SpoolEvents[E]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(...args);
      } catch (err) {
        this.logger.error('spool event listener threw', { event, error: String(err) });
      }
    }
  }
}
