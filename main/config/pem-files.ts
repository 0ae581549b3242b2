// Certificate, key and CA files (CertificateFile, KeyFile, every CAFile): absolute paths
// to PEM files. Only the form of the path is checked when the file is read; the subsystem
// that opens the file reports a missing or unreadable one, when it needs it.
import type { Platform } from './types.js';
import type { ValueReader } from './value-reader.js';
import { absoluteFilePath, PEM_EXAMPLE } from './values.js';

/** The path written at `path`, or null when the element is not written. */
export function pemFile(r: ValueReader, path: string, platform: Platform): string | null {
  return r.one<string | null>(path, absoluteFilePath(platform, PEM_EXAMPLE), null);
}

/** A CA file is only read for TLS connections: one written where TLS is off is unused, and said so. */
export function warnUnusedCa(r: ValueReader, path: string, caFile: string | null, tlsOff: boolean, why: string): void {
  if (caFile !== null && tlsOff) r.warn(path, `${path}: ${caFile} is not used: ${why}`);
}
