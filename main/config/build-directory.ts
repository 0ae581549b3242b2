// LPMServerlessADSettings/ServerSettings/Directory: how PullPrint reaches the directory in
// Serverless AD mode (a PullPrint addition; the guide names only the attribute). The group
// is optional so that the guide's own AD sample keeps loading, but without it nothing is
// published and printers' service-account checks cannot be verified: that is warned.
import { DEFAULTS, LIMITS } from './defaults.js';
import { valueIssue } from './issues.js';
import { bindDnTemplate, distinguishedName, ldapUrl, userFilter } from './ldap-values.js';
import { pemFile, warnUnusedCa } from './pem-files.js';
import type { AdDirectorySettings, Platform } from './types.js';
import { MISSING, type ValueReader } from './value-reader.js';
import { integer, startTlsPolicy } from './values.js';

export const NO_DIRECTORY_WARNING = 'Serverless AD without ServerSettings/Directory: the workstation address is not published ' +
  "and printers' service-account checks cannot be verified";

const URL_ALLOWED = 'one or more URL elements, each ldaps://host[:port] or ldap://host[:port]';
const BASE_DN_ALLOWED = 'a distinguished name, e.g. DC=corp,DC=example';

/** `at` is the Directory group's path; null when the group is not in the file. */
export function buildDirectory(r: ValueReader, at: string, platform: Platform): AdDirectorySettings | null {
  if (!r.has(at)) {
    r.warn(at, NO_DIRECTORY_WARNING);
    return null;
  }
  const urls = r.list(`${at}/URL`, ldapUrl, []);
  // All URLs invalid: each is already an issue, "missing" would only repeat it.
  if (urls.length === 0 && !r.failed.has(`${at}/URL`)) {
    r.failed.add(`${at}/URL`);
    r.add(valueIssue(`${at}/URL`, r.locate(`${at}/URL`), MISSING, URL_ALLOWED,
      `missing; at least one directory URL is required when ServerSettings/Directory is present; allowed: ${URL_ALLOWED}`));
  }
  const settings: AdDirectorySettings = {
    urls,
    baseDn: r.required(`${at}/BaseDN`, distinguishedName, '', BASE_DN_ALLOWED,
      'the directory has no default search base: BaseDN names where users are searched for'),
    userFilter: r.one(`${at}/UserFilter`, userFilter, DEFAULTS.directoryUserFilter),
    bindDnTemplate: r.one<string | null>(`${at}/BindDNTemplate`, bindDnTemplate, null),
    startTls: r.one(`${at}/StartTLS`, startTlsPolicy, DEFAULTS.directoryStartTls),
    caFile: pemFile(r, `${at}/CAFile`, platform),
    connectTimeoutMs: 1000 * r.one(`${at}/ConnectTimeoutSeconds`,
      integer(1, LIMITS.directoryConnectTimeoutSeconds, 'seconds'), DEFAULTS.directoryConnectTimeoutSeconds),
    operationTimeoutMs: 1000 * r.one(`${at}/OperationTimeoutSeconds`,
      integer(1, LIMITS.directoryOperationTimeoutSeconds, 'seconds'), DEFAULTS.directoryOperationTimeoutSeconds),
  };
  const plain = urls.filter((u) => u.startsWith('ldap://'));
  if (settings.startTls === 'none' && plain.length > 0) {
    r.warn(`${at}/StartTLS`, `${at}/StartTLS: none with ${plain.join(', ')}: the connection is plain LDAP, ` +
      'so users\' directory passwords cross the network in clear text; use ldaps:// or StartTLS required');
  }
  const tlsOff = urls.length > 0 && plain.length === urls.length && settings.startTls === 'none';
  warnUnusedCa(r, `${at}/CAFile`, settings.caFile, tlsOff, 'every URL is ldap:// and StartTLS is none');
  return settings;
}
