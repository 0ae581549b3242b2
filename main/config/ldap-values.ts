// Values of ServerSettings/Directory (Serverless AD): directory URLs, the base DN, the
// user filter and the bind DN template. What is accepted here is also what
// main/directory/settings.ts accepts, so a file that loads never fails there.
import { isIPv4, isIPv6 } from 'node:net';
import { filterSyntaxError } from './ldap-filter.js';
import { validHostName } from './server-address.js';
import { bad, hasControl, ok, type ValueParser } from './values.js';

export const USER_PLACEHOLDER = '{user}';

const URL_ALLOWED = 'ldaps://host[:port] or ldap://host[:port] (IPv6 in brackets), no path';

/** A directory server URL, returned with its scheme and host in lower case and no trailing "/". */
export const ldapUrl: ValueParser<string> = (text) => {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(text);
  if (!m) {
    const bare = text.length <= 253 && (validHostName(text.toLowerCase()) || isIPv4(text));
    return bad(URL_ALLOWED, bare ? `write ldaps://${text} (or ldap://${text} with StartTLS)` : undefined);
  }
  const scheme = m[1].toLowerCase();
  if (scheme !== 'ldap' && scheme !== 'ldaps') {
    return bad(URL_ALLOWED, scheme === 'ldapi' ? 'local (ldapi) sockets are not supported' : `"${m[1]}://" is not a directory scheme`);
  }
  if (m[3] !== '' && m[3] !== '/') return bad(URL_ALLOWED, 'no path, query or filter: the search base is BaseDN, the filter UserFilter');
  const authority = m[2];
  if (authority.includes('@')) return bad(URL_ALLOWED, 'no user name in the URL: the user signs in, the bind name comes from BindDNTemplate');
  if (isIPv6(authority)) return bad(URL_ALLOWED, `write IPv6 addresses in brackets: ${scheme}://[${authority}]`);
  const hp = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(authority);
  if (!hp) return bad(URL_ALLOWED);
  let host = hp[1].toLowerCase();
  if (host.startsWith('[')) {
    if (!isIPv6(host.slice(1, -1)) || host.includes('%')) return bad(URL_ALLOWED, 'the brackets must hold an IPv6 address');
  } else if (host === '' || host.length > 253 || !validHostName(host)) {
    return bad(URL_ALLOWED, host === '' ? 'the host is missing' : undefined);
  }
  if (hp[2] !== undefined) {
    const port = Number(hp[2]);
    if (port < 1 || port > 65535) return bad(URL_ALLOWED, 'the port must be 1 to 65535');
    host += `:${port}`;
  }
  return ok(`${scheme}://${host}`);
};

const DN_ALLOWED = 'a distinguished name, e.g. DC=corp,DC=example or ou=people,dc=example,dc=com';
const DN_ATTR = /^\s*(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)\s*$/;

/** RFC 4514 syntax, with the spaces around `,` and `=` that directories accept in practice. */
export const distinguishedName: ValueParser<string> = (text) => {
  if (text.length === 0 || text.length > 1024 || hasControl(text)) return bad(DN_ALLOWED);
  // Split on unescaped `,` and `+`; a `\` escapes one special character or is a `\XX` pair.
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(next)) { cur += `\\${next}`; i += 2; continue; }
      if (i + 1 < text.length && ' "#+,;<=>\\'.includes(text[i + 1])) { cur += `\\${text[i + 1]}`; i++; continue; }
      return bad(DN_ALLOWED, `"\\" at character ${i + 1} escapes nothing: write \\\\ for a backslash`);
    }
    if (c === ',' || c === '+') { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0 || !DN_ATTR.test(part.slice(0, eq)) || part.slice(eq + 1).trim() === '') {
      return bad(DN_ALLOWED, `"${part.trim()}" is not attribute=value`);
    }
    if (/[";<>]/.test(part.slice(eq + 1).replace(/\\./g, ''))) return bad(DN_ALLOWED, `escape " ; < > in "${part.trim()}" with a backslash`);
  }
  return ok(text);
};

const FILTER_ALLOWED = `an LDAP search filter (RFC 4515) containing ${USER_PLACEHOLDER}, e.g. (sAMAccountName=${USER_PLACEHOLDER})`;

export const userFilter: ValueParser<string> = (text) => {
  if (text.length === 0 || text.length > 4096 || hasControl(text)) return bad(FILTER_ALLOWED);
  const error = filterSyntaxError(text);
  if (error !== null) return bad(FILTER_ALLOWED, error);
  if (!text.includes(USER_PLACEHOLDER)) return bad(FILTER_ALLOWED, `${USER_PLACEHOLDER} marks where the sign-in name goes; without it every user would match`);
  return ok(text);
};

const TEMPLATE_ALLOWED = `a bind name containing ${USER_PLACEHOLDER}: a DN such as uid=${USER_PLACEHOLDER},ou=people,dc=example,dc=com, ` +
  `or ${USER_PLACEHOLDER} or CORP\\${USER_PLACEHOLDER} for Active Directory`;

export const bindDnTemplate: ValueParser<string> = (text) => {
  if (text.length === 0 || text.length > 1024 || hasControl(text)) return bad(TEMPLATE_ALLOWED);
  if (!text.includes(USER_PLACEHOLDER)) return bad(TEMPLATE_ALLOWED, `${USER_PLACEHOLDER} marks where the sign-in name goes`);
  return ok(text);
};
