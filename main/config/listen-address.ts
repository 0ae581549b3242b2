// ReleaseSettings/ListenAddress: the address the release service binds to. An address
// literal only (a host name would depend on name resolution at start-up); `::` (the
// default) and `0.0.0.0` mean every interface.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { bad, ok, type ValueParser } from './values.js';

const ALLOWED = 'an IPv4 or IPv6 address of this workstation, e.g. 192.0.2.10 or 2001:db8::10; :: or 0.0.0.0 for every interface';

export const listenAddress: ValueParser<string> = (text) => {
  if (isIPv4(text)) return ok(text);
  if (isIPv6(text)) return ok(text.toLowerCase());
  const bracketed = /^\[(.*)\]$/.exec(text);
  if (bracketed && isIPv6(bracketed[1])) return bad(ALLOWED, `write the address without brackets: ${bracketed[1]}`);
  const withPort = /^(.+):(\d{1,5})$/.exec(text);
  if (withPort && isIPv4(withPort[1])) return bad(ALLOWED, `no port here: the port is EsfListenerPort; write ${withPort[1]}`);
  if (/^[A-Za-z0-9.-]+$/.test(text) && /[A-Za-z]/.test(text)) return bad(ALLOWED, 'an address, not a host name');
  return bad(ALLOWED);
};

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x: only this machine can connect. */
export function isLoopback(address: string): boolean {
  if (isIPv4(address)) return LOOPBACK.check(address, 'ipv4');
  return isIPv6(address) && LOOPBACK.check(address, 'ipv6');
}
