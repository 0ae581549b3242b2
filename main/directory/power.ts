// Power events drive the publisher: sleep removes the value, wake re-applies it per
// ADWriteOption, shutdown removes it. The Electron shell implements PowerEvents with
// powerMonitor ('suspend', 'resume', 'shutdown'); the CLI with SIGTERM/SIGINT →
// 'shutdown'. ManualPowerEvents is the same port driven by hand (tests, the CLI).

import type { DirectoryPublisher } from './publisher.js';
import type { PowerEvent, PowerEvents } from './types.js';

/** Wires a publisher to power events; returns the function that unwires it. */
export function connectPowerEvents(power: PowerEvents, publisher: DirectoryPublisher, heldJobCount: () => number): () => void {
  const offs = [
    power.on('suspend', () => publisher.suspend()),
    power.on('resume', () => publisher.resume(heldJobCount())),
    power.on('shutdown', () => publisher.shutdown()),
  ];
  return () => offs.forEach((off) => off());
}

export class ManualPowerEvents implements PowerEvents {
  readonly #listeners = new Map<PowerEvent, Set<() => void | Promise<void>>>();

  on(event: PowerEvent, fn: () => void | Promise<void>): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(fn);
    this.#listeners.set(event, set);
    return () => {
      set.delete(fn);
    };
  }

  /** Calls every listener of `event` and waits for the promises they return. */
  async emit(event: PowerEvent): Promise<void> {
    await Promise.allSettled([...(this.#listeners.get(event) ?? [])].map(async (fn) => fn()));
  }
}
