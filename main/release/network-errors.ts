// Socket and TLS errors met while talking to a printer, turned into the release service's
// typed codes: unreachable before a connection exists, TLS when the handshake or the
// certificate fails, connection lost once bytes were flowing.

import { PullPrintError } from '../util/errors.js';
import { ReleaseError } from './errors.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);

function codeOf(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
}

function isTls(code: string, message: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || /\b(ssl|tls)\b/i.test(message);
}

/** `connected`: whether the connection had been established (then a reset is "lost"). */
export function classifyNetworkError(err: unknown, where: string, connected: boolean): PullPrintError {
  if (err instanceof PullPrintError) return err;
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (isTls(code, message)) {
    return new ReleaseError('PRINTER_TLS', `TLS with the printer ${where} failed: ${code || message}`, {}, { cause: err });
  }
  if (!connected && UNREACHABLE.has(code)) {
    return new ReleaseError('PRINTER_UNREACHABLE', `the printer ${where} cannot be reached (${code})`, {}, { cause: err });
  }
  if (!connected) {
    return new ReleaseError('PRINTER_UNREACHABLE', `the printer ${where} cannot be reached (${code || message})`, {}, { cause: err });
  }
  return new ReleaseError('PRINTER_CONNECTION_LOST', `the connection to the printer ${where} was lost (${code || message})`, {}, { cause: err });
}
