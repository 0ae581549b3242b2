// The directory password of each user, in the OS keychain under its own service name
// (the token vault uses 'PullPrint' with the e-mail as account; the two must not collide).

import { Keychain } from '../identity/index.js';
import type { CredentialStore } from './types.js';

export const DIRECTORY_KEYCHAIN_SERVICE = 'PullPrint Directory';

export class KeychainCredentialStore implements CredentialStore {
  readonly #keychain: Keychain;

  constructor(keychain: Keychain = new Keychain({ service: DIRECTORY_KEYCHAIN_SERVICE })) {
    this.#keychain = keychain;
  }

  async get(user: string): Promise<{ password: string } | null> {
    const v = await this.#keychain.getString(user.toLowerCase());
    return v === null ? null : { password: v };
  }

  async set(user: string, credential: { password: string }): Promise<void> {
    await this.#keychain.setString(user.toLowerCase(), credential.password);
  }

  async delete(user: string): Promise<void> {
    await this.#keychain.delete(user.toLowerCase());
  }
}
