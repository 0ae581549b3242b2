// When a held job is deleted by its lifespan (SPEC §3 ClientSettings): unprinted jobs
// UnprintedJobsLifespan hours after they arrived, printed-and-kept jobs
// PrintAndKeepLifespan hours after printing (the record's last update). The release
// service runs the sweep; the tray only needs the time, to show it and to warn before.

import type { ClientSettings, Config, ModeKind } from '../config/types.js';
import type { JobState } from '../spool/types.js';

export type Lifespans = Partial<Record<ModeKind, ClientSettings>>;

const HOUR_MS = 3_600_000;

export function lifespansOf(config: Pick<Config, 'modes'>): Lifespans {
  const out: Lifespans = {};
  for (const m of config.modes) if ('client' in m) out[m.kind] = m.client;
  return out;
}

export interface ExpiringJob {
  readonly mode: ModeKind;
  readonly state: JobState;
  readonly receivedAt: string;
  readonly updatedAt: string;
}

/** The deletion time, or null when the job's mode or state has no lifespan. */
export function expiresAt(job: ExpiringJob, lifespans: Lifespans): Date | null {
  const ls = lifespans[job.mode];
  if (!ls) return null;
  let from: string;
  let hours: number;
  if (job.state === 'held') {
    from = job.receivedAt;
    hours = ls.unprintedJobsLifespanHours;
  } else if (job.state === 'released-kept') {
    from = job.updatedAt;
    hours = ls.printAndKeepLifespanHours;
  } else {
    return null;
  }
  const start = Date.parse(from);
  if (!Number.isFinite(start) || !Number.isFinite(hours)) return null;
  return new Date(start + hours * HOUR_MS);
}
