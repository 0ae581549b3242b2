// Checking a password typed at the sign-in prompt before it is stored: one bind as the
// user. The caller stores it in the CredentialStore on success and calls
// publisher.signedIn(); on DIRECTORY_INVALID_CREDENTIALS it asks again.

import type { Logger } from '../log/types.js';
import { openSession } from './connection.js';
import type { DirectorySettings } from './types.js';

/** Resolves with the user's DN; rejects with a DirectoryError (never containing the password). */
export async function verifyDirectoryPassword(settings: DirectorySettings, user: string, password: string, log: Logger): Promise<string> {
  const s = await openSession(settings, user, password, log);
  await s.close();
  return s.dn;
}
