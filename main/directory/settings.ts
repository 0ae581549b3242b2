// DirectorySettings from what the configuration names, with defaults and checks. The
// configuration loader reports errors against element paths; these checks exist so a
// caller that builds settings by hand (tests, the CLI) cannot get a silently wrong one.

import { FilterParser } from 'ldapts';
import { DirectoryError } from './errors.js';
import { USER_PLACEHOLDER, userFilterFor } from './escape.js';
import type { DirectorySettings, StartTlsPolicy } from './types.js';

export const DEFAULT_USER_FILTER = '(|(userPrincipalName={user})(mail={user})(sAMAccountName={user})(uid={user}))';
export const DEFAULT_ATTRIBUTE = 'otherLoginWorkstations';
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 600_000;

export interface DirectorySettingsInput {
  readonly urls: readonly string[];
  readonly baseDn: string;
  readonly userFilter?: string | null;
  readonly bindDnTemplate?: string | null;
  readonly startTls?: StartTlsPolicy;
  readonly caFile?: string | null;
  readonly connectTimeoutMs?: number;
  readonly operationTimeoutMs?: number;
  readonly attribute?: string;
}

function bad(message: string): never {
  throw new DirectoryError('DIRECTORY_CONFIG', message);
}

/** Checks one directory URL: ldap or ldaps, a host, an optional port, nothing else. */
export function checkDirectoryUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    bad(`directory URL ${JSON.stringify(url)} is not a URL (expected ldaps://host[:port] or ldap://host[:port])`);
  }
  if (u.protocol !== 'ldap:' && u.protocol !== 'ldaps:') bad(`directory URL ${JSON.stringify(url)} must start with ldaps:// or ldap://`);
  if (!u.hostname) bad(`directory URL ${JSON.stringify(url)} has no host`);
  if ((u.pathname !== '' && u.pathname !== '/') || u.search || u.hash || u.username || u.password) {
    bad(`directory URL ${JSON.stringify(url)} may only hold a scheme, a host and a port`);
  }
}

function timeout(v: number | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < 100 || v > MAX_TIMEOUT_MS) bad(`${what} must be a whole number of milliseconds from 100 to ${MAX_TIMEOUT_MS}, not ${v}`);
  return v;
}

export function directorySettings(input: DirectorySettingsInput): DirectorySettings {
  if (input.urls.length === 0) bad('at least one directory URL is needed');
  input.urls.forEach(checkDirectoryUrl);
  const baseDn = input.baseDn.trim();
  if (!baseDn) bad('the directory base DN is empty');
  const userFilter = input.userFilter?.trim() || DEFAULT_USER_FILTER;
  if (!userFilter.includes(USER_PLACEHOLDER)) bad(`the user filter ${JSON.stringify(userFilter)} does not contain ${USER_PLACEHOLDER}`);
  try {
    // A filter that parses with a hostile name substituted parses with any name.
    FilterParser.parseString(userFilterFor(userFilter, 'x*)(|(a=*'));
  } catch (e) {
    bad(`the user filter ${JSON.stringify(userFilter)} is not a valid LDAP filter: ${(e as Error).message}`);
  }
  const bindDnTemplate = input.bindDnTemplate?.trim() || null;
  if (bindDnTemplate !== null && !bindDnTemplate.includes(USER_PLACEHOLDER)) {
    bad(`the bind DN template ${JSON.stringify(bindDnTemplate)} does not contain ${USER_PLACEHOLDER}`);
  }
  const startTls = input.startTls ?? 'required';
  if (startTls !== 'required' && startTls !== 'none') bad(`StartTLS must be "required" or "none", not ${JSON.stringify(startTls)}`);
  const attribute = input.attribute?.trim() || DEFAULT_ATTRIBUTE;
  if (!/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/.test(attribute)) bad(`${JSON.stringify(attribute)} is not an LDAP attribute name`);
  return Object.freeze({
    urls: Object.freeze([...input.urls]),
    baseDn,
    userFilter,
    bindDnTemplate,
    startTls,
    caFile: input.caFile?.trim() || null,
    connectTimeoutMs: timeout(input.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'the connect timeout'),
    operationTimeoutMs: timeout(input.operationTimeoutMs, DEFAULT_OPERATION_TIMEOUT_MS, 'the operation timeout'),
    attribute,
  });
}
