// The cloud subsystem's only view of identity: a port the composition root wires to the
// identity subsystem (Sessions.accessTokenFor), so the outbox can be tested with any
// real provider and never sees a refresh token.

import { isIdentityError, SIGN_IN_AGAIN_CODES } from '../identity/errors.js';

export interface AccessTokenProvider {
  /**
   * A bearer access token for `user`, or null when a sign-in is required (no stored
   * sign-in, or it can no longer be refreshed). Throws when the identity provider cannot
   * be reached: the outbox then backs off as for a network failure. `forceRefresh` asks
   * for a new token even if the current one looks valid (the cloud refused it).
   */
  accessTokenFor(user: string, opts?: { forceRefresh?: boolean }): Promise<string | null>;
}

/** The part of identity's Sessions the adapter uses (a forceRefresh option is passed when supported). */
export interface SessionsLike {
  accessTokenFor(user: string, opts?: { forceRefresh?: boolean }): Promise<string>;
  /** Re-reads the keychain (another PullPrint process may have refreshed or signed in). */
  reload?(user?: string): Promise<void>;
}

/**
 * Adapts identity's Sessions to the port: its "sign in again" errors become null, any
 * other failure is thrown (transient). On forceRefresh the keychain is re-read first;
 * Sessions that ignore the option hand back the same token, and the outbox then treats
 * the 401 as "sign-in required" rather than looping.
 */
export function sessionsTokenProvider(sessions: SessionsLike): AccessTokenProvider {
  return {
    async accessTokenFor(user, opts = {}) {
      try {
        if (opts.forceRefresh && sessions.reload) await sessions.reload(user);
        return await sessions.accessTokenFor(user, opts.forceRefresh ? { forceRefresh: true } : undefined);
      } catch (err) {
        if (isIdentityError(err, ...SIGN_IN_AGAIN_CODES)) return null;
        throw err;
      }
    },
  };
}
