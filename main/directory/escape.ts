// Putting a sign-in name into LDAP syntax safely. A name is data typed by a person: in a
// search filter it is escaped per RFC 4515 (so `*` cannot widen a search and `)(` cannot
// add terms), in a DN per RFC 4514. Control characters are refused outright: no real
// account name has them, and they make logs and DNs ambiguous.

import { DirectoryError } from './errors.js';

export const USER_PLACEHOLDER = '{user}';
const MAX_NAME_LENGTH = 256;

/** Rejects names no directory account can have, before they reach a filter or a DN. */
export function checkSignInName(name: string): void {
  if (name.length === 0) throw new DirectoryError('DIRECTORY_CONFIG', 'the user name is empty');
  if (name.length > MAX_NAME_LENGTH) throw new DirectoryError('DIRECTORY_CONFIG', `the user name is longer than ${MAX_NAME_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new DirectoryError('DIRECTORY_CONFIG', 'the user name contains control characters');
  if (name.trim() !== name) throw new DirectoryError('DIRECTORY_CONFIG', 'the user name starts or ends with white space');
}

/** RFC 4515 §3: `*`, `(`, `)`, `\` and NUL become `\XX` (non-ASCII stays UTF-8, which the RFC allows). */
export function escapeFilterValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** RFC 4514 §2.4: escapes one attribute value for use inside a DN. */
export function escapeDnValue(value: string): string {
  const chars = [...value].map((c) => (c === '\u0000' ? '\\00' : /[\\,+"<>;=]/.test(c) ? `\\${c}` : c));
  if (chars.length > 0 && (value.startsWith(' ') || value.startsWith('#'))) chars[0] = `\\${chars[0]}`;
  if (chars.length > 1 && value.endsWith(' ')) chars[chars.length - 1] = '\\ ';
  return chars.join('');
}

/** The configured user filter with every `{user}` replaced by the escaped name. */
export function userFilterFor(template: string, name: string): string {
  checkSignInName(name);
  return template.split(USER_PLACEHOLDER).join(escapeFilterValue(name));
}

/**
 * The bind name for a template: a DN template (`uid={user},ou=people,...`) gets the
 * name RFC 4514-escaped; anything else (`{user}` for a UPN, `CORP\{user}`) is an
 * opaque string the server interprets, so the name goes in as typed.
 */
export function bindNameFor(template: string, name: string): string {
  checkSignInName(name);
  return template.split(USER_PLACEHOLDER).join(isDnTemplate(template) ? escapeDnValue(name) : name);
}

/** A template that starts like an RDN (`uid=`, `cn=`, `2.5.4.3=`) names an entry. */
export function isDnTemplate(template: string): boolean {
  return /^\s*(?:[A-Za-z][\w-]*|\d+(?:\.\d+)+)\s*=/.test(template);
}
