// ServerIP: a host name or IP address (IPv6 in brackets), optionally followed by a path,
// never a scheme or a port (those are UseSSL and ServerPort). The guide's example is
// `apis.us.iss.lexmark.com/cpm`.
import { isIPv4, isIPv6 } from 'node:net';
import { bad, ok, type ValueParser } from './values.js';

export interface ServerAddress {
  /** Lower-cased host; an IPv6 address keeps its brackets, ready for a URL. */
  readonly host: string;
  /** '' or a path starting with '/', never ending with '/'. */
  readonly path: string;
}

const ALLOWED_WITH_PATH = 'a host name or IP address (IPv6 in brackets) with an optional path, no scheme or port, e.g. print.example.com/api';
const ALLOWED_HOST_ONLY = 'a host name or IP address (IPv6 in brackets), no scheme, port or path, e.g. reports.example.com';

export function serverAddress(allowPath: boolean): ValueParser<ServerAddress> {
  const allowed = allowPath ? ALLOWED_WITH_PATH : ALLOWED_HOST_ONLY;
  return (text) => {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(text);
    if (scheme) {
      return bad(allowed, `remove "${scheme[1]}://" and write ${scheme[2] || 'the host'}; whether TLS is used is set by UseSSL (or ServerSSL), the port by ServerPort`);
    }
    if (text.length === 0 || text.length > 2048 || /\s/.test(text)) return bad(allowed);

    let host: string;
    let rest: string;
    if (text.startsWith('[')) {
      const close = text.indexOf(']');
      if (close < 0 || !isIPv6(text.slice(1, close))) return bad(allowed, 'the brackets must hold an IPv6 address');
      host = `[${text.slice(1, close).toLowerCase()}]`;
      rest = text.slice(close + 1);
    } else {
      const slash = text.indexOf('/');
      host = (slash < 0 ? text : text.slice(0, slash)).toLowerCase();
      rest = slash < 0 ? '' : text.slice(slash);
      if (isIPv6(host)) return bad(allowed, `write IPv6 addresses in brackets: [${host}]`);
      if (!validHostName(host)) {
        if (/^[^:]+:\d+$/.test(host)) return bad(allowed, `put the port in ServerPort and write ${host.split(':')[0]} here`);
        if (/^[\d.]+$/.test(host)) return bad(allowed, `${host} is not a valid IPv4 address`);
        return bad(allowed);
      }
    }
    if (rest.startsWith(':')) return bad(allowed, 'put the port in ServerPort, not in the address');
    if (rest === '') return ok({ host, path: '' });
    if (!allowPath) return bad(allowed, 'the report server takes a host only, no path');
    if (/[?#]/.test(rest)) return bad(allowed, 'no query string or fragment');
    if (!/^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]*)+$/.test(rest) || /%(?![0-9a-f]{2})/i.test(rest)) return bad(allowed, `"${rest}" is not a valid URL path`);
    return ok({ host, path: rest.replace(/\/+$/, '') });
  };
}

/** A DNS host name (letters, digits, hyphens per label) or an IPv4 address; expects lower case. */
export function validHostName(host: string): boolean {
  if (isIPv4(host)) return true;
  if (/^[\d.]+$/.test(host)) return false;
  if (host.length > 253) return false;
  return host.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}
