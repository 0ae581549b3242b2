// Which address printers should use to reach this workstation. With several interfaces
// (LAN, Wi-Fi, VPN) the right one is the one the OS routes towards the corporate
// network: a UDP "connect" towards the directory server picks it without sending a
// packet. A watcher polls it so a DHCP or VPN change reaches publisher.addressChanged().

import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { drop } from '../util/errors.js';
import type { Clock } from './types.js';

/** This machine's source address towards host:port, or null when there is no route. */
export function sourceAddressToward(host: string, port = 389): Promise<string | null> {
  return new Promise((resolve) => {
    const s = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const done = (v: string | null): void => {
      try {
        s.close();
      } catch {
        // already closed
      }
      resolve(v);
    };
    s.once('error', () => done(null));
    try {
      // The callback also runs on failure (e.g. a name that does not resolve), with an error.
      s.connect(port, host, (err?: Error) => {
        if (err) {
          done(null);
          return;
        }
        try {
          const a = s.address().address;
          done(a === '0.0.0.0' || a === '::' ? null : a);
        } catch {
          done(null);
        }
      });
    } catch {
      done(null);
    }
  });
}

/** The host of the first directory URL, to probe the route towards. */
export function directoryHost(urls: readonly string[]): string | null {
  const first = urls[0];
  if (!first) return null;
  try {
    return new URL(first).hostname.replace(/^\[|\]$/g, '') || null;
  } catch {
    return null;
  }
}

export interface AddressWatcherOptions {
  readonly probe: () => Promise<string | null>;
  readonly onChange: (address: string) => void;
  readonly clock: Clock;
  /** Default 30 s. */
  readonly intervalMs?: number;
}

/** Probes now and every intervalMs; calls onChange for each new non-null address. Returns stop(). */
export function watchAddress(opts: AddressWatcherOptions): () => void {
  let last: string | null = null;
  let cancel: (() => void) | null = null;
  let stopped = false;
  const tick = async (): Promise<void> => {
    const a = await opts.probe().catch(() => null);
    if (stopped) return;
    if (a !== null && a !== last) {
      last = a;
      try {
        opts.onChange(a);
      } catch {
        // The listener's problem; the watch goes on.
      }
    }
    cancel = opts.clock.setTimer(new Date(opts.clock.now().getTime() + (opts.intervalMs ?? 30_000)), () => drop(tick()));
  };
  drop(tick());
  return () => {
    stopped = true;
    cancel?.();
  };
}
