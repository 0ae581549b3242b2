// Command-line options of the reference cloud server (`npm run cloud-server -- --help`).

import { parseArgs } from 'node:util';
import type { OwnerClaim } from './auth.js';

export const USAGE = `Usage: cloud-server --data-dir DIR --issuer URL --audience AUD [options]

PullPrint's reference cloud print queue server (API v3, docs/cloud-api.md).

  --data-dir DIR         where jobs are stored (created if missing)          (required)
  --issuer URL           identity provider issuer; its JWKS checks tokens    (required)
  --audience AUD         audience the access tokens must carry               (required)
  --port N               port to listen on (default 8443; 0 = any free port)
  --host ADDR            address to listen on (default 127.0.0.1)
  --base-path PATH       path prefix, as in ServerIP host/cpm (default none)
  --ca-file FILE         extra CA (PEM) trusted for the identity provider
  --jwks-uri URL         the provider's JWKS, skipping discovery
  --tls-cert FILE        serve HTTPS with this certificate (PEM) ...
  --tls-key FILE         ... and this key; plain HTTP without them
  --max-document-mib N   largest document accepted (default 4096)
  --owner-claim CLAIM    token claim that owns jobs: sub or email (default sub)
  --help                 this text
`;

export interface CliOptions {
  readonly dataDir: string;
  readonly issuer: string;
  readonly audience: string;
  readonly port: number;
  readonly host: string;
  readonly basePath: string;
  readonly caFile: string | null;
  readonly jwksUri: string | null;
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  readonly maxDocumentBytes: number;
  readonly ownerClaim: OwnerClaim;
}

export class UsageError extends Error {}

/** Parses argv (without node and script); throws UsageError with a message for people. */
export function parseCliOptions(argv: readonly string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' }, issuer: { type: 'string' }, audience: { type: 'string' },
        port: { type: 'string' }, host: { type: 'string' }, 'base-path': { type: 'string' },
        'ca-file': { type: 'string' }, 'jwks-uri': { type: 'string' }, 'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' }, 'max-document-mib': { type: 'string' }, 'owner-claim': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  const need = (name: 'data-dir' | 'issuer' | 'audience'): string => {
    const v = values[name];
    if (!v) throw new UsageError(`--${name} is required`);
    return v;
  };
  const int = (name: string, v: string | undefined, def: number, min: number, max: number): number => {
    if (v === undefined) return def;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${v}`);
    return Number(v);
  };
  const issuer = need('issuer');
  try {
    const u = new URL(issuer);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new UsageError(`--issuer must be an http(s) URL, got ${issuer}`);
  }
  const ownerClaim = values['owner-claim'] ?? 'sub';
  if (ownerClaim !== 'sub' && ownerClaim !== 'email') throw new UsageError(`--owner-claim must be sub or email, got ${ownerClaim}`);
  const tlsCert = values['tls-cert'] ?? null;
  const tlsKey = values['tls-key'] ?? null;
  if ((tlsCert === null) !== (tlsKey === null)) throw new UsageError('--tls-cert and --tls-key go together');
  const basePath = (values['base-path'] ?? '').replace(/\/+$/, '');
  if (basePath && !/^\/[A-Za-z0-9._~/-]*$/.test(basePath)) throw new UsageError(`--base-path must start with / and hold URL-safe characters, got ${basePath}`);
  return {
    dataDir: need('data-dir'),
    issuer,
    audience: need('audience'),
    port: int('port', values.port, 8443, 0, 65535),
    host: values.host ?? '127.0.0.1',
    basePath,
    caFile: values['ca-file'] ?? null,
    jwksUri: values['jwks-uri'] ?? null,
    tlsCert,
    tlsKey,
    maxDocumentBytes: int('max-document-mib', values['max-document-mib'], 4096, 1, 1024 * 1024) * 1024 * 1024,
    ownerClaim,
  };
}
