// One cloud call with the owner's access token, and the 401 rule: on a refused token ask
// the token port for a fresh one once and try again; a second refusal, or no token at
// all, means the user must sign in again.

import { CloudError } from './errors.js';
import type { AccessTokenProvider } from './token-port.js';

export type TokenOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: 'sign-in-required' };

const SIGN_IN: TokenOutcome<never> = { ok: false, reason: 'sign-in-required' };

export async function withAccessToken<T>(tokens: AccessTokenProvider, user: string, call: (token: string) => Promise<T>): Promise<TokenOutcome<T>> {
  const first = await tokens.accessTokenFor(user);
  if (first === null) return SIGN_IN;
  try {
    return { ok: true, value: await call(first) };
  } catch (err) {
    if (!(err instanceof CloudError) || err.kind !== 'unauthorized') throw err;
  }
  const fresh = await tokens.accessTokenFor(user, { forceRefresh: true });
  // The same token again would only be refused again.
  if (fresh === null || fresh === first) return SIGN_IN;
  try {
    return { ok: true, value: await call(fresh) };
  } catch (err) {
    if (err instanceof CloudError && err.kind === 'unauthorized') return SIGN_IN;
    throw err;
  }
}
