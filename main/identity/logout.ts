// "Log out of Print Management" (SPEC §1, §4): revoke the tokens at the provider (best
// effort, so it works offline), delete them from the keychain, delete every job held
// on this workstation for the user (with its folder), and leave Cloud jobs alone. A
// durable marker brackets the work so a crash halfway is completed at the next start;
// every step is idempotent, so running it again is always safe.

import type { Logger } from '../log/types.js';
import { nullLogger } from '../log/null-logger.js';
import { errorCode } from '../util/errors.js';
import { LogoutJournal } from './logout-journal.js';
import { normalizeUser, type SessionLogoutResult } from './sessions.js';

export interface LogoutDeps {
  /** Revokes and deletes the tokens (Sessions.logout). */
  sessions: { logout(user: string): Promise<SessionLogoutResult> };
  /**
   * Wired by the composition root to the spool: deletes each held job of the user with
   * reason 'logout' (emitting its events) and the user's folder; returns how many.
   */
  deleteHeldJobs(user: string): Promise<number>;
  journal: LogoutJournal;
  logger?: Logger;
}

export interface LogoutResult {
  readonly user: string;
  readonly hadTokens: boolean;
  readonly revoked: boolean;
  readonly jobsDeleted: number;
}

export async function logout(user: string, deps: LogoutDeps): Promise<LogoutResult> {
  const u = normalizeUser(user);
  const log = deps.logger ?? nullLogger();
  await deps.journal.begin(u);
  log.info('logout started', { user: u });
  let failure: unknown = null;
  let tokens: SessionLogoutResult = { user: u, hadTokens: false, revoked: false };
  try {
    tokens = await deps.sessions.logout(u);
  } catch (err) {
    // The jobs still go: the person asked to leave this workstation.
    failure = err;
    log.error('logout: tokens could not be removed; will retry at next start', { user: u, code: errorCode(err) });
  }
  let jobsDeleted = 0;
  try {
    jobsDeleted = await deps.deleteHeldJobs(u);
  } catch (err) {
    failure ??= err;
    log.error('logout: held jobs could not all be deleted; will retry at next start', { user: u, code: errorCode(err) });
  }
  if (failure) throw failure;
  await deps.journal.end(u);
  log.info('logout finished', { user: u, revoked: tokens.revoked, hadTokens: tokens.hadTokens, jobsDeleted });
  return { user: u, hadTokens: tokens.hadTokens, revoked: tokens.revoked, jobsDeleted };
}

/** At start-up: finishes every logout a crash interrupted. Failures are logged and the marker kept. */
export async function resumePendingLogouts(dataDir: string, deps: Omit<LogoutDeps, 'journal'>): Promise<LogoutResult[]> {
  const journal = new LogoutJournal(dataDir);
  const log = deps.logger ?? nullLogger();
  const done: LogoutResult[] = [];
  for (const user of await journal.pending()) {
    log.warn('resuming an interrupted logout', { user });
    try {
      done.push(await logout(user, { ...deps, journal }));
    } catch (err) {
      log.error('interrupted logout could not be completed', { user, code: errorCode(err) });
    }
  }
  return done;
}
