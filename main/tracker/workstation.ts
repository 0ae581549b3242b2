// The workstation identity written into every record: host name and the address a
// report reader can use to tell workstations apart (first non-internal IPv4, else IPv6).

import { hostname, networkInterfaces } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';

export function defaultWorkstation(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  name: string = hostname(),
): { name: string; address: string } {
  const all = Object.values(interfaces).flatMap((list) => list ?? []).filter((i) => !i.internal);
  const v4 = all.find((i) => i.family === 'IPv4');
  // A link-local IPv6 address (fe80::) is only meaningful with its interface; prefer global ones.
  const v6 = all.find((i) => i.family === 'IPv6' && !i.address.toLowerCase().startsWith('fe80:')) ?? all.find((i) => i.family === 'IPv6');
  return { name, address: v4?.address ?? v6?.address ?? '127.0.0.1' };
}
