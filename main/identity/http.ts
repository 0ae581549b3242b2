// The HTTP client for the identity provider: undici's fetch over an Agent of our own,
// so an organisation's CA can be trusted for the provider alone (added to the system
// roots, not replacing them) and the connections can be closed on shutdown.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { IdentityError } from './errors.js';
import { CA_OPTION_NAME } from './classify.js';

/** The fetch signature openid-client's and jose's customFetch hooks call. */
export type IdpFetch = (url: string, init: { method?: string; headers?: Record<string, string> | Headers; body?: unknown; redirect?: 'manual'; signal?: AbortSignal; duplex?: 'half' }) => Promise<Response>;

export interface IdpHttp {
  readonly fetch: IdpFetch;
  close(): Promise<void>;
}

/** Reads a PEM bundle and checks it holds at least one parseable certificate. */
export async function readCaFile(path: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : 'error';
    throw new IdentityError('CA_FILE_UNREADABLE', `The identity provider CA file ${path} (${CA_OPTION_NAME}) cannot be read (${code}).`, { cause: { code } });
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new IdentityError('CA_FILE_UNREADABLE', `The identity provider CA file ${path} (${CA_OPTION_NAME}) holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  }
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw new IdentityError('CA_FILE_UNREADABLE', `The identity provider CA file ${path} (${CA_OPTION_NAME}) holds a certificate that cannot be parsed.`);
    }
  }
  return blocks.join('\n');
}

export async function createIdpHttp(caFile: string | null): Promise<IdpHttp> {
  const ca = caFile ? await readCaFile(caFile) : null;
  const agent = new Agent({
    connect: { ...(ca ? { ca: [...rootCertificates, ca] } : {}), timeout: 10_000 },
    keepAliveTimeout: 10_000,
  });
  const fetch: IdpFetch = (url, init) =>
    undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: agent }) as unknown as Promise<Response>;
  return {
    fetch,
    close: () => agent.close(),
  };
}
