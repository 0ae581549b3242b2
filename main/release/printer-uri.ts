// Printer URIs a job can be released to: ipp://host[:631]/path, ipps://host[:631]/path
// (IPP over TLS, RFC 7472: same default port), socket://host[:9100] (AppSocket). A
// CUPS-style query (`socket://h:9100/?snmp=false`) is accepted and ignored. User
// information in a URI is refused: credentials do not belong on a command line or in a
// preferences file.

import { ReleaseError } from './errors.js';

export type PrinterScheme = 'ipp' | 'ipps' | 'socket';

export interface PrinterTarget {
  readonly scheme: PrinterScheme;
  /** Host name or IP address, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  /** IPP resource path (starts with '/'); '' for socket. */
  readonly path: string;
  /** The URI as sent in printer-uri and shown to people (normalised). */
  readonly uri: string;
}

const DEFAULT_PORT: Record<PrinterScheme, number> = { ipp: 631, ipps: 631, socket: 9100 };
/** IPP Everywhere's resource path, used when an ipp(s) URI names none. */
export const DEFAULT_IPP_PATH = '/ipp/print';
const MAX_URI_LENGTH = 1023;

function bad(uri: string, why: string): ReleaseError {
  const shown = uri.length > 80 ? `${uri.slice(0, 80)}…` : uri;
  return new ReleaseError('BAD_PRINTER_URI', `${JSON.stringify(shown)} is not a printer URI: ${why} (expected ipp://host[:port]/path, ipps://host[:port]/path or socket://host[:port])`);
}

/** True when `s` looks like a URI (has a scheme), as opposed to a saved printer's name. */
export function looksLikeUri(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s.trim());
}

export function parsePrinterUri(input: string): PrinterTarget {
  const uri = input.trim();
  if (uri.length === 0) throw bad(input, 'empty');
  if (uri.length > MAX_URI_LENGTH) throw bad(input, `longer than ${MAX_URI_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(uri)) throw bad(input, 'contains spaces or control characters');
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw bad(input, 'not a valid URI');
  }
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'ipp' && scheme !== 'ipps' && scheme !== 'socket') throw bad(input, `scheme ${scheme}: is not supported`);
  if (u.username !== '' || u.password !== '') throw bad(input, 'user names and passwords are not accepted in printer URIs');
  if (u.hostname === '') throw bad(input, 'no host');
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port === '' ? DEFAULT_PORT[scheme] : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(input, 'port out of range');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  if (scheme === 'socket') {
    return { scheme, host, port, path: '', uri: `socket://${hostPart}:${port}` };
  }
  const path = u.pathname === '' || u.pathname === '/' ? DEFAULT_IPP_PATH : u.pathname;
  return { scheme, host, port, path, uri: `${scheme}://${hostPart}:${port}${path}` };
}
