// Federated sign-in in the system browser: authorization code + PKCE (S256) with a
// loopback redirect (RFC 8252), state for CSRF. openid-client builds the request and
// validates the response (state, iss, ID token); we only carry values between them.

import {
  authorizationCodeGrant,
  buildAuthorizationUrl,
  calculatePKCECodeChallenge,
  randomPKCECodeVerifier,
  randomState,
  type Configuration,
  type TokenEndpointResponse,
  type TokenEndpointResponseHelpers,
} from 'openid-client';
import { classifyIdpError } from './classify.js';
import { IdentityError } from './errors.js';
import { startLoopbackRedirect } from './pkce-loopback.js';

export type OpenUrl = (url: string) => Promise<void>;

export interface PkceSignInOptions {
  readonly scopes: readonly string[];
  readonly resource: string | null;
  readonly timeoutMs: number;
  readonly openUrl: OpenUrl;
  readonly issuer: string;
  readonly loginHint?: string;
  readonly signal?: AbortSignal;
}

export async function pkceSignIn(config: Configuration, o: PkceSignInOptions): Promise<TokenEndpointResponse & TokenEndpointResponseHelpers> {
  const verifier = randomPKCECodeVerifier();
  const state = randomState();
  const loopback = await startLoopbackRedirect({ expectedState: state, timeoutMs: o.timeoutMs, signal: o.signal });
  try {
    const params: Record<string, string> = {
      redirect_uri: loopback.redirectUri,
      scope: o.scopes.join(' '),
      code_challenge: await calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    };
    // OpenID Connect Core §11: offline_access is only honoured with prompt=consent.
    if (o.scopes.includes('offline_access')) params.prompt = 'consent';
    if (o.resource) params.resource = o.resource;
    if (o.loginHint) params.login_hint = o.loginHint;
    const url = buildAuthorizationUrl(config, params);
    try {
      await o.openUrl(url.href);
    } catch (err) {
      throw new IdentityError('SSO_CANCELLED', `The system browser could not be opened (${err instanceof Error ? err.message : String(err)}).`);
    }
    const callback = await loopback.result;
    try {
      return await authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true },
        o.resource ? { resource: o.resource } : undefined);
    } catch (err) {
      throw classifyIdpError(err, 'code', o.issuer);
    }
  } finally {
    await loopback.close();
  }
}
