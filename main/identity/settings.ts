// What the identity subsystem needs to know, as a plain object the composition root
// fills from configuration.xml (IDPServerSettings plus the client registration).

import type { RemoteServer } from '../config/types.js';

export interface IdentitySettings {
  /**
   * The provider's issuer URL: https://{IDPServerSettings/ServerIP}:{ServerPort}
   * (http when UseSSL is false). Discovery reads {issuerUrl}/.well-known/openid-configuration.
   */
  issuerUrl: string;
  /** PullPrint's public client id at the provider. */
  clientId: string;
  /** Default ['openid', 'email', 'profile', 'offline_access']. */
  scopes?: string[];
  /** PEM file with an extra CA to trust for the provider (added to the system roots). */
  caFile?: string | null;
  /** Audience (RFC 8707 resource indicator) of the JWT access tokens the cloud API expects. */
  resource?: string | null;
  /** Refresh this many seconds before the access token expires (default 60). */
  refreshSkewSeconds?: number;
  /** Tolerated difference between this machine's clock and the provider's (default 120 s). */
  clockToleranceSeconds?: number;
  /** Per-request timeout towards the provider (default 15 s). */
  requestTimeoutSeconds?: number;
  /** How long the browser sign-in may take before SSO_TIMEOUT (default 300 s). */
  ssoTimeoutSeconds?: number;
}

export const DEFAULT_SCOPES: readonly string[] = ['openid', 'email', 'profile', 'offline_access'];

export interface ResolvedIdentitySettings {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly caFile: string | null;
  readonly resource: string | null;
  readonly refreshSkewSeconds: number;
  readonly clockToleranceSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly ssoTimeoutSeconds: number;
  readonly insecure: boolean;
}

function positive(v: number | undefined, def: number, what: string): number {
  if (v === undefined) return def;
  if (!Number.isFinite(v) || v < 0) throw new TypeError(`identity setting ${what} must be a number >= 0, got ${v}`);
  return v;
}

/** Fills defaults and checks the shape (programming errors: the config layer validated values). */
export function resolveIdentitySettings(s: IdentitySettings): ResolvedIdentitySettings {
  let url: URL;
  try {
    url = new URL(s.issuerUrl);
  } catch {
    throw new TypeError(`identity setting issuerUrl is not a URL: ${s.issuerUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`identity setting issuerUrl must be http(s): ${s.issuerUrl}`);
  if (!s.clientId) throw new TypeError('identity setting clientId is empty');
  const scopes = s.scopes && s.scopes.length > 0 ? [...new Set(s.scopes)] : [...DEFAULT_SCOPES];
  if (!scopes.includes('openid')) scopes.unshift('openid');
  return {
    // Kept exactly: discovery compares it with the provider's own issuer value.
    issuerUrl: s.issuerUrl,
    clientId: s.clientId,
    scopes,
    caFile: s.caFile || null,
    resource: s.resource || null,
    refreshSkewSeconds: positive(s.refreshSkewSeconds, 60, 'refreshSkewSeconds'),
    clockToleranceSeconds: positive(s.clockToleranceSeconds, 120, 'clockToleranceSeconds'),
    requestTimeoutSeconds: positive(s.requestTimeoutSeconds, 15, 'requestTimeoutSeconds') || 15,
    ssoTimeoutSeconds: positive(s.ssoTimeoutSeconds, 300, 'ssoTimeoutSeconds') || 300,
    insecure: url.protocol === 'http:',
  };
}

/** The issuer URL for an IDPServerSettings element: scheme from UseSSL, default ports left out. */
export function issuerUrlOf(idp: RemoteServer): string {
  const scheme = idp.useSsl ? 'https' : 'http';
  const defaultPort = idp.useSsl ? 443 : 80;
  const port = idp.port === defaultPort ? '' : `:${idp.port}`;
  return `${scheme}://${idp.host}${port}${idp.path}`;
}

/** IdentitySettings for a mode's IDPServerSettings plus the registration values the config carries elsewhere. */
export function identitySettingsFor(idp: RemoteServer, extra: Omit<IdentitySettings, 'issuerUrl'>): IdentitySettings {
  return { ...extra, issuerUrl: issuerUrlOf(idp) };
}
