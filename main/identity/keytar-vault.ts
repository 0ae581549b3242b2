// The token vault in the OS keychain through keytar: Secret Service (libsecret) on
// Linux, the Keychain on macOS, the Credential Manager on Windows. One service name,
// one entry per user e-mail, the value is JSON. When keytar cannot load or the keychain
// cannot be reached every operation fails with KEYCHAIN_UNAVAILABLE: there is no
// plaintext fallback, ever.

import { IdentityError, keychainUnavailable } from './errors.js';
import { parseStoredTokens, serializeStoredTokens, type StoredTokens, type TokenVault } from './token-vault.js';

export const KEYCHAIN_SERVICE = 'PullPrint';

/** The part of keytar's API we use. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeytarVaultOptions {
  service?: string;
  /** How keytar is loaded (test hook); default: the keytar package. */
  load?: () => Promise<KeytarLike>;
  /** A keychain that does not answer in this time counts as unavailable (default 30 s). */
  timeoutMs?: number;
}

async function loadKeytar(): Promise<KeytarLike> {
  const mod = (await import('keytar')) as unknown as KeytarLike & { default?: KeytarLike };
  return mod.default ?? mod;
}

/**
 * Raw string entries of one keychain service: the shared part of the token vault and the
 * directory's credential store. Every failure is KEYCHAIN_UNAVAILABLE.
 */
export class Keychain {
  readonly #service: string;
  readonly #load: () => Promise<KeytarLike>;
  readonly #timeoutMs: number;
  #keytar: Promise<KeytarLike> | null = null;

  constructor(opts: KeytarVaultOptions = {}) {
    this.#service = opts.service ?? KEYCHAIN_SERVICE;
    this.#load = opts.load ?? loadKeytar;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  #module(): Promise<KeytarLike> {
    if (!this.#keytar) {
      this.#keytar = this.#load().catch((err: unknown) => {
        // Allow a later attempt (e.g. after the library was installed), but fail this one.
        this.#keytar = null;
        throw keychainUnavailable(`the keytar native module could not be loaded: ${err instanceof Error ? err.message : String(err)}`, { name: 'KeytarLoadError' });
      });
    }
    return this.#keytar;
  }

  async #call<T>(what: string, fn: (k: KeytarLike) => Promise<T>): Promise<T> {
    const k = await this.#module();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(keychainUnavailable(`no answer from the keychain within ${Math.round(this.#timeoutMs / 1000)} s`)), this.#timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([fn(k), timeout]);
    } catch (err) {
      if (err instanceof IdentityError) throw err;
      // keytar's messages name the platform problem ("Cannot autolaunch D-Bus without X11
      // $DISPLAY", "...org.freedesktop.secrets was not provided...") and never the secret.
      const msg = err instanceof Error ? err.message : String(err);
      throw keychainUnavailable(`${what} failed: ${msg.replace(/\s+/g, ' ').trim().slice(0, 300)}`, { name: 'KeychainError' });
    } finally {
      clearTimeout(timer);
    }
  }

  getString(account: string): Promise<string | null> {
    return this.#call('reading the keychain', (k) => k.getPassword(this.#service, account));
  }

  async setString(account: string, value: string): Promise<void> {
    await this.#call('writing to the keychain', (k) => k.setPassword(this.#service, account, value));
  }

  delete(account: string): Promise<boolean> {
    return this.#call('deleting from the keychain', (k) => k.deletePassword(this.#service, account));
  }

  async accounts(): Promise<string[]> {
    const creds = await this.#call('listing the keychain', (k) => k.findCredentials(this.#service));
    return creds.map((c) => c.account);
  }
}

/** The token vault: one JSON entry per user e-mail under the service 'PullPrint'. */
export class KeytarVault implements TokenVault {
  readonly #keychain: Keychain;

  constructor(opts: KeytarVaultOptions = {}) {
    this.#keychain = new Keychain(opts);
  }

  async get(account: string): Promise<StoredTokens | null> {
    const v = await this.#keychain.getString(account);
    return v === null ? null : parseStoredTokens(v);
  }

  async set(account: string, tokens: StoredTokens): Promise<void> {
    await this.#keychain.setString(account, serializeStoredTokens(tokens));
  }

  delete(account: string): Promise<boolean> {
    return this.#keychain.delete(account);
  }

  accounts(): Promise<string[]> {
    return this.#keychain.accounts();
  }
}
