// From a token endpoint response to StoredTokens, with the checks a client can make:
// the ID token was validated by openid-client; here we compare token times with this
// machine's clock (CLOCK_SKEW) and, when a resource is configured and the access token
// is a JWT, verify its signature, issuer and audience with jose so a misregistered
// resource shows up at sign-in rather than as 401s from the cloud API later.

import { decodeJwt, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { TokenEndpointResponse, TokenEndpointResponseHelpers } from 'openid-client';
import type { Clock } from './clock.js';
import { classifyIdpError, safeCause } from './classify.js';
import { IdentityError } from './errors.js';
import type { StoredTokens } from './token-vault.js';

export interface TokenChecks {
  readonly clock: Clock;
  readonly toleranceSeconds: number;
  readonly issuer: string;
  readonly resource: string | null;
  /** Keys for access-token verification; null skips signature checks. */
  readonly keys: JWTVerifyGetKey | null;
}

/** Access token lifetime assumed when the provider gives neither expires_in nor exp. */
const DEFAULT_LIFETIME_S = 300;

function skew(what: string, seconds: number): IdentityError {
  const minutes = Math.round(Math.abs(seconds) / 60);
  const direction = seconds > 0 ? 'behind' : 'ahead of';
  return new IdentityError('CLOCK_SKEW',
    `This computer's clock is about ${minutes >= 1 ? `${minutes} minute(s)` : `${Math.round(Math.abs(seconds))} second(s)`} ${direction} the identity provider's ` +
      `(${what}). Set the date, time and time zone correctly (automatic time), then sign in again.`);
}

function checkTimes(what: string, claims: { iat?: unknown; nbf?: unknown; exp?: unknown }, nowS: number, tol: number): void {
  if (typeof claims.iat === 'number' && claims.iat > nowS + tol) throw skew(`${what} issued in the future`, claims.iat - nowS);
  if (typeof claims.nbf === 'number' && claims.nbf > nowS + tol) throw skew(`${what} not valid yet`, claims.nbf - nowS);
  if (typeof claims.exp === 'number' && claims.exp <= nowS - tol) {
    const issued = typeof claims.iat === 'number' ? claims.iat : claims.exp;
    throw skew(`${what} already expired`, issued - nowS);
  }
}

function jwtPayload(token: string): Record<string, unknown> | null {
  if (token.split('.').length !== 3) return null;
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}

async function verifyAccessToken(token: string, checks: TokenChecks, nowMs: number): Promise<void> {
  if (!checks.resource || !checks.keys) return;
  try {
    await jwtVerify(token, checks.keys, {
      issuer: checks.issuer,
      audience: checks.resource,
      currentDate: new Date(nowMs),
      clockTolerance: checks.toleranceSeconds,
    });
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? (err as { code: unknown }).code : undefined;
    const claim = err && typeof err === 'object' && 'claim' in err ? (err as { claim: unknown }).claim : undefined;
    if (code === 'ERR_JWT_EXPIRED' || (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (claim === 'nbf' || claim === 'iat'))) {
      throw new IdentityError('CLOCK_SKEW', 'The access token from the identity provider is not valid at this computer\'s current time: check the date, time and time zone.', { cause: safeCause(err) });
    }
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud') {
      throw new IdentityError('IDP_CONFIGURATION',
        `The identity provider issued an access token for another audience than the configured resource ${checks.resource}: ` +
          'ask your administrator to register that resource (audience) for PullPrint.', { cause: safeCause(err) });
    }
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
      throw new IdentityError('IDP_CONFIGURATION', `The access token from the identity provider fails the ${String(claim)} check.`, { cause: safeCause(err) });
    }
    if (typeof code === 'string' && code.startsWith('ERR_J')) {
      throw new IdentityError('IDP_PROTOCOL', 'The access token from the identity provider has an invalid signature or format.', { cause: safeCause(err) });
    }
    throw classifyIdpError(err, 'keys', checks.issuer);
  }
}

/**
 * With `onCheckFailure`, a failed clock or audience check is reported instead of thrown:
 * for a refresh, the provider has already rotated the refresh token, and throwing the
 * new one away would make the next refresh a replay that revokes the whole grant.
 */
export async function toStoredTokens(
  res: TokenEndpointResponse & TokenEndpointResponseHelpers,
  previous: StoredTokens | null,
  checks: TokenChecks,
  onCheckFailure?: (err: IdentityError) => void,
): Promise<StoredTokens> {
  const nowMs = checks.clock.now();
  const nowS = nowMs / 1000;
  const claims = res.claims();
  const at = jwtPayload(res.access_token);
  try {
    if (claims) checkTimes('ID token', claims, nowS, checks.toleranceSeconds);
    if (at) checkTimes('access token', at, nowS, checks.toleranceSeconds);
    if (at) await verifyAccessToken(res.access_token, checks, nowMs);
  } catch (err) {
    if (!onCheckFailure || !(err instanceof IdentityError) || (err.code !== 'CLOCK_SKEW' && err.code !== 'IDP_CONFIGURATION')) throw err;
    onCheckFailure(err);
  }

  let lifetimeS = res.expiresIn();
  if (lifetimeS === undefined && at && typeof at.exp === 'number' && typeof at.iat === 'number') lifetimeS = at.exp - at.iat;
  if (lifetimeS === undefined) lifetimeS = DEFAULT_LIFETIME_S;

  const idTokenClaims = claims
    ? { sub: claims.sub, ...(typeof claims.email === 'string' ? { email: claims.email } : {}) }
    : previous?.idTokenClaims;
  return {
    accessToken: res.access_token,
    // No refresh_token in a refresh response means the provider did not rotate it.
    refreshToken: res.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: nowMs + lifetimeS * 1000,
    ...(idTokenClaims ? { idTokenClaims } : {}),
  };
}
