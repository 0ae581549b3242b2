// The engine's typed event stream. Listeners are isolated: one that throws is logged and
// never breaks delivery to the others or the emitter.

import type { Logger } from '../log/types.js';

export class TypedEvents<E extends { type: string }> {
  readonly #listeners = new Set<(event: E) => void>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Subscribes; returns the unsubscribe function. */
  on(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: E): void {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch (err) {
        this.#log.error('event listener failed', { event: event.type, err });
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}
