// The token vault port: where a user's tokens live between runs. The real one is the OS
// keychain (keytar-vault.ts); InMemoryVault exists for unit tests of the state machine
// only. There is deliberately no file-backed implementation.

export interface IdTokenClaims {
  readonly sub: string;
  readonly email?: string;
}

export interface StoredTokens {
  readonly refreshToken: string | null;
  readonly accessToken: string;
  /** Access token expiry, epoch ms by the client's clock at issue time. */
  readonly expiresAt: number;
  readonly idTokenClaims?: IdTokenClaims;
}

export interface TokenVault {
  get(account: string): Promise<StoredTokens | null>;
  set(account: string, tokens: StoredTokens): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
  accounts(): Promise<string[]>;
}

/** Vault values are JSON; anything else (a foreign entry, a truncated write) reads as absent. */
export function parseStoredTokens(text: string): StoredTokens | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o.accessToken !== 'string' || o.accessToken.length === 0) return null;
  if (o.refreshToken !== null && typeof o.refreshToken !== 'string') return null;
  if (typeof o.expiresAt !== 'number' || !Number.isFinite(o.expiresAt)) return null;
  let idTokenClaims: IdTokenClaims | undefined;
  if (o.idTokenClaims && typeof o.idTokenClaims === 'object') {
    const c = o.idTokenClaims as Record<string, unknown>;
    if (typeof c.sub === 'string') idTokenClaims = { sub: c.sub, ...(typeof c.email === 'string' ? { email: c.email } : {}) };
  }
  return { accessToken: o.accessToken, refreshToken: o.refreshToken, expiresAt: o.expiresAt, ...(idTokenClaims ? { idTokenClaims } : {}) };
}

export function serializeStoredTokens(t: StoredTokens): string {
  return JSON.stringify({ refreshToken: t.refreshToken, accessToken: t.accessToken, expiresAt: t.expiresAt, idTokenClaims: t.idTokenClaims });
}

/** Unit tests only: tokens in this process's memory, gone at exit. */
export class InMemoryVault implements TokenVault {
  readonly #entries = new Map<string, string>();

  async get(account: string): Promise<StoredTokens | null> {
    const v = this.#entries.get(account);
    return v === undefined ? null : parseStoredTokens(v);
  }

  async set(account: string, tokens: StoredTokens): Promise<void> {
    this.#entries.set(account, serializeStoredTokens(tokens));
  }

  async delete(account: string): Promise<boolean> {
    return this.#entries.delete(account);
  }

  async accounts(): Promise<string[]> {
    return [...this.#entries.keys()];
  }
}
