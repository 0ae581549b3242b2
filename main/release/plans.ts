// Which release listeners a configuration needs: one per EsfListenerPort. Hybrid and
// Serverless AD both default to 9443, so both enabled share one listener that accepts
// both schemes (Bearer for Hybrid jobs, Basic for Serverless AD jobs); each job is only
// served to the scheme of its own mode. The embedded local mode gets a listener too (the
// port is reserved and health answers) but no printer can authenticate to it: its jobs
// are released from the workstation (`pullprint release`).

import type { Config, ModeKind } from '../config/types.js';
import { ReleaseError } from './errors.js';

export interface ReleaseServerPlan {
  readonly port: number;
  readonly useSsl: boolean;
  readonly modes: readonly ModeKind[];
}

export function releaseServerPlans(config: Pick<Config, 'modes'>): ReleaseServerPlan[] {
  const byPort = new Map<number, { useSsl: boolean; modes: ModeKind[] }>();
  for (const m of config.modes) {
    if (!('release' in m)) continue;
    const { esfListenerPort: port, useSsl } = m.release;
    const p = byPort.get(port);
    if (!p) {
      byPort.set(port, { useSsl, modes: [m.kind] });
      continue;
    }
    if (p.useSsl !== useSsl) {
      throw new ReleaseError('RELEASE_PORT_CONFLICT', `${p.modes.join(' and ')} and ${m.kind} share EsfListenerPort ${port} but not UseSSL: give them the same UseSSL or different ports`);
    }
    p.modes.push(m.kind);
  }
  return [...byPort].map(([port, p]) => ({ port, useSsl: p.useSsl, modes: p.modes }));
}
