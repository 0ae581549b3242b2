// In-memory CredentialStore, for tests of the publisher only. The engine's store is the
// OS keychain (keytar); there is deliberately no file-backed implementation.

import type { CredentialStore } from './types.js';

export class InMemoryCredentialStore implements CredentialStore {
  readonly #m = new Map<string, string>();
  /** Every get() call, by user, so tests can tell whether the store was read. */
  reads = 0;

  async get(user: string): Promise<{ password: string } | null> {
    this.reads += 1;
    const password = this.#m.get(user.toLowerCase());
    return password === undefined ? null : { password };
  }

  async set(user: string, credential: { password: string }): Promise<void> {
    this.#m.set(user.toLowerCase(), credential.password);
  }

  async delete(user: string): Promise<void> {
    this.#m.delete(user.toLowerCase());
  }
}
