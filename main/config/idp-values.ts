// Values of PullPrint's client registration at the identity provider (IDPServerSettings):
// the client id, the scopes and the resource indicator. They end up in OAuth requests,
// so they are held to the syntax of RFC 6749 and RFC 8707 here, where the file position
// can still be reported, rather than failing later at the provider.
import { bad, hasControl, ok, type ValueParser } from './values.js';

const CLIENT_ID_ALLOWED = 'a client id: 1 to 200 printable ASCII characters, no spaces';

/** RFC 6749 §2.2 allows any characters; PullPrint keeps to what fits a URL and a log line. */
export const clientId: ValueParser<string> = (text) => {
  if (/^[\x21-\x7e]{1,200}$/.test(text)) return ok(text);
  return bad(CLIENT_ID_ALLOWED, /\s/.test(text) && text.length <= 200 ? 'no spaces' : undefined);
};

const SCOPES_ALLOWED = 'scope tokens separated by spaces, including openid, e.g. openid email profile offline_access';
const MAX_SCOPES_LENGTH = 1024;

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), case-sensitive, space-delimited. */
export const scopes: ValueParser<readonly string[]> = (text) => {
  if (text.length === 0 || text.length > MAX_SCOPES_LENGTH) return bad(SCOPES_ALLOWED);
  const tokens = text.split(/[ \t\r\n]+/);
  const wrong = tokens.find((t) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(t));
  if (wrong !== undefined) return bad(SCOPES_ALLOWED, `"${wrong}" is not a scope token (no quotes, backslashes or non-ASCII)`);
  const twice = tokens.find((t, i) => tokens.indexOf(t) !== i);
  if (twice !== undefined) return bad(SCOPES_ALLOWED, `"${twice}" is written twice`);
  if (!tokens.includes('openid')) {
    return bad(SCOPES_ALLOWED, text.includes(',')
      ? 'separate scopes with spaces, not commas'
      : 'add openid: PullPrint signs in with OpenID Connect, which needs it');
  }
  return ok(tokens);
};

const RESOURCE_ALLOWED = 'an absolute URI without a fragment (e.g. https://print-api.example.com) ' +
  'or a plain identifier of letters, digits and . _ ~ - (e.g. print-api)';

/**
 * The audience of the access tokens the cloud API accepts. RFC 8707 wants an absolute URI
 * without a fragment; many providers name audiences by a plain identifier instead (a client
 * id, a GUID). Both are accepted: a value with a scheme is held to URI syntax, anything
 * else to an unreserved-characters identifier.
 */
export const resourceIndicator: ValueParser<string> = (text) => {
  if (text.length === 0 || text.length > 2048 || hasControl(text) || /\s/.test(text)) return bad(RESOURCE_ALLOWED);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(text);
  if (!scheme) {
    if (/^[A-Za-z0-9._~-]{1,256}$/.test(text)) return ok(text);
    return bad(RESOURCE_ALLOWED, text.startsWith('//') ? 'add the scheme, e.g. https:' : undefined);
  }
  const rest = scheme[2];
  if (rest.includes('#')) return bad(RESOURCE_ALLOWED, 'RFC 8707 forbids a fragment ("#…") in a resource indicator');
  if (rest === '' || !/^[A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=%]+$/.test(rest) || /%(?![0-9A-Fa-f]{2})/.test(rest)) {
    return bad(RESOURCE_ALLOWED);
  }
  if (/^https?$/i.test(scheme[1])) {
    // WHATWG URL parsing forgives `https:///x` (it reads x as the host); RFC 3986 does not.
    const authority = /^\/\/([^/?#]+)/.exec(rest);
    if (!authority || !URL.canParse(text)) return bad(RESOURCE_ALLOWED, `an ${scheme[1].toLowerCase()} URI needs a host, e.g. https://print-api.example.com`);
  }
  return ok(text);
};
