// The value PullPrint publishes in the user's attribute, and how it is recognised.
//
// Format: an absolute URL of this workstation's release service, always with the port,
// and a fragment naming the workstation:
//
//   https://192.0.2.10:9443/#pullprint=5f0c6d1e-...&host=WS-042
//   https://[2001:db8::10]:9443/#pullprint=5f0c6d1e-...
//
// Why a URL: the printer-side release app reads this attribute to reach the workstation
// on EsfListenerPort; a URL carries scheme (UseSSL), host (IPv4, bracketed IPv6 or DNS
// name) and port in the one syntax every platform can parse, so the app needs no
// PullPrint-specific parser, and a future path or version fits without a format change.
// The fragment is never sent in an HTTP request, so a printer can use the value as a
// base URL unchanged. `pullprint=<id>` is the stable workstation id (not the address,
// which changes with DHCP or VPN): it is how this workstation finds its own value among
// other workstations' values and values other software wrote, and replaces it when the
// address changes. `host=` is the computer name, for people reading the attribute.

import { isIP } from 'node:net';
import { DirectoryError } from './errors.js';
import type { WorkstationAddress } from './types.js';

/** Active Directory's upper range for otherLoginWorkstations. */
export const MAX_VALUE_LENGTH = 1024;
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DNS_RE = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export interface PublishedValue {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly workstationId: string;
  readonly label: string | null;
  /** scheme://host:port/ — what a printer connects to. */
  readonly baseUrl: string;
}

function isUnusableIp(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.') || host === '0.0.0.0' || host === '255.255.255.255';
  const h = host.toLowerCase();
  return h === '::' || h === '::1' || h.startsWith('::ffff:127.');
}

/** Throws unless a printer on the network could reach this host. */
export function checkAddress(a: WorkstationAddress): void {
  if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) throw new DirectoryError('DIRECTORY_CONFIG', `port ${a.port} is not a TCP port`);
  if (a.host.includes('%')) throw new DirectoryError('DIRECTORY_CONFIG', `${a.host} is a scoped (link-local) address that printers cannot use`);
  if (isIP(a.host) === 0 && !DNS_RE.test(a.host)) throw new DirectoryError('DIRECTORY_CONFIG', `${JSON.stringify(a.host)} is neither an IP address nor a DNS name`);
  if (isUnusableIp(a.host)) throw new DirectoryError('DIRECTORY_CONFIG', `${a.host} is a loopback or unspecified address that printers cannot reach`);
}

export function checkWorkstationId(id: string): void {
  if (!ID_RE.test(id)) throw new DirectoryError('DIRECTORY_CONFIG', `workstation id ${JSON.stringify(id)} must be 1-64 letters, digits, '.', '_' or '-'`);
}

export function formatValue(address: WorkstationAddress, workstationId: string, label?: string | null): string {
  checkAddress(address);
  checkWorkstationId(workstationId);
  const host = isIP(address.host) === 6 ? `[${address.host.toLowerCase()}]` : address.host.toLowerCase();
  const base = `${address.secure ? 'https' : 'http'}://${host}:${address.port}/#pullprint=${workstationId}`;
  // The label is a courtesy: dropped rather than let it push the value past the limit.
  const cleanLabel = label ? label.replace(/[^\w.-]/g, '').slice(0, 63) : '';
  const withLabel = cleanLabel ? `${base}&host=${cleanLabel}` : base;
  return withLabel.length <= MAX_VALUE_LENGTH ? withLabel : base;
}

/** Parses a PullPrint value; null for anything else (another product's value, garbage). */
export function parseValue(value: string): PublishedValue | null {
  if (value.length > MAX_VALUE_LENGTH) return null;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username || u.password || u.search) return null;
  const params = new URLSearchParams(u.hash.replace(/^#/, ''));
  const id = params.get('pullprint');
  if (id === null || !ID_RE.test(id)) return null;
  const secure = u.protocol === 'https:';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const port = u.port ? Number(u.port) : secure ? 443 : 80;
  return {
    host,
    port,
    secure,
    workstationId: id,
    label: params.get('host'),
    baseUrl: `${u.protocol}//${u.hostname}:${port}/`,
  };
}

/** True when `value` is a PullPrint value written by the workstation `workstationId`. */
export function isOwnValue(value: string, workstationId: string): boolean {
  const p = parseValue(value);
  return p !== null && p.workstationId.toLowerCase() === workstationId.toLowerCase();
}
