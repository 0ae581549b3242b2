// Interactive sign-in: which method, and how many prompts. The password grant is used
// when the provider advertises it and the person did not ask for single sign-on;
// otherwise the browser sign-in (PKCE). A wrong password is asked again with the error
// shown, a bounded number of times (each try needs the person); any other failure ends
// the attempt at once: no prompt loops, no retries the person did not ask for.

import { IdentityError, isIdentityError } from './errors.js';
import type { SignInPrompter } from './prompter.js';
import type { Sessions, SignInResult } from './sessions.js';

export interface InteractiveSignInOptions {
  /** Suggested or required e-mail address. */
  email?: string;
  /** Shown to the person: why a sign-in is needed. */
  reason: string;
  /** Browser sign-in (SSO) requested. */
  sso?: boolean;
  /** Password attempts before giving up (default 3). */
  maxAttempts?: number;
  signal?: AbortSignal;
}

export async function interactiveSignIn(
  sessions: Pick<Sessions, 'passwordSignInAvailable' | 'signInWithPassword' | 'signInWithSso'>,
  prompter: SignInPrompter,
  opts: InteractiveSignInOptions,
): Promise<SignInResult> {
  const sso = (): Promise<SignInResult> => sessions.signInWithSso({ loginHint: opts.email, signal: opts.signal });
  if (opts.sso || !(await sessions.passwordSignInAvailable())) return sso();
  const max = Math.max(1, opts.maxAttempts ?? 3);
  let email = opts.email;
  let error: IdentityError | undefined;
  for (let attempt = 1; attempt <= max; attempt += 1) {
    if (opts.signal?.aborted) break;
    const answer = await prompter.promptCredentials({ email, reason: opts.reason, error });
    if (!answer) break;
    if ('sso' in answer) return sso();
    try {
      return await sessions.signInWithPassword(answer.email, answer.password);
    } catch (err) {
      if (!isIdentityError(err, 'WRONG_PASSWORD', 'UNKNOWN_USER')) throw err;
      error = err;
      email = answer.email;
    }
  }
  if (error) throw error;
  throw new IdentityError('SIGN_IN_CANCELLED', 'Sign-in cancelled.');
}
