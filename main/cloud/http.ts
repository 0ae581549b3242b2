// The cloud client's connection pool: undici Agent with keep-alive, TLS 1.2 at least, an
// optional extra CA added to (never replacing) the system roots, and the three timeouts
// a stalled peer can hit: connect, response headers, response body idle.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { PullPrintError } from '../util/errors.js';

export interface CloudTimeouts {
  /** TCP + TLS handshake. */
  readonly connectMs: number;
  /** From the last request byte sent (or the last back-pressured write) to the response headers. */
  readonly headersMs: number;
  /** Longest pause between two chunks of a response body. */
  readonly bodyIdleMs: number;
  /** Longest pause between two chunks of an upload the server reads (it stopped reading). */
  readonly uploadIdleMs: number;
}

export const DEFAULT_TIMEOUTS: CloudTimeouts = { connectMs: 10_000, headersMs: 60_000, bodyIdleMs: 30_000, uploadIdleMs: 60_000 };

export interface AgentOptions {
  /** Extra CA certificates (PEM) to trust besides the system roots. */
  readonly ca?: string | null;
  readonly timeouts: CloudTimeouts;
  /** Connections per origin; the outbox's concurrency needs no more. */
  readonly connections: number;
}

export function createCloudAgent(opts: AgentOptions): Agent {
  return new Agent({
    connect: {
      ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}),
      minVersion: 'TLSv1.2',
      timeout: opts.timeouts.connectMs,
    },
    headersTimeout: opts.timeouts.headersMs,
    bodyTimeout: opts.timeouts.bodyIdleMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connections: opts.connections,
  });
}

/** Reads a PEM bundle for the cloud server's CA and checks every certificate in it parses. */
export async function readCloudCaFile(path: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : 'error';
    throw new PullPrintError('CLOUD_CA_FILE', `the cloud server CA file ${path} cannot be read (${code})`);
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new PullPrintError('CLOUD_CA_FILE', `the cloud server CA file ${path} holds no PEM certificate`);
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw new PullPrintError('CLOUD_CA_FILE', `the cloud server CA file ${path} holds a certificate that cannot be parsed`);
    }
  }
  return blocks.join('\n');
}
