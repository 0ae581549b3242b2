// `pullprint tracker status` and `pullprint tracker flush`: the deleted-job tracker of a
// running engine, over the control channel (methods tracker.status and tracker.flush).
// Exit codes as everywhere in the CLI: 0 success, 1 failure (flush not delivered,
// engine unreachable), 2 bad command line.

import type { Command } from 'commander';
import { z } from 'zod';
import { PullPrintError } from '../util/errors.js';
import { printJson } from './output.js';
import type { Io } from './output.js';

export interface TrackerCommandDeps {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  io: Io;
}

const statusSchema = z.object({
  enabled: z.boolean(),
  pending: z.number().int().min(0),
  nextSendAt: z.string().nullable(),
  lastResult: z.object({ at: z.string(), ok: z.boolean(), message: z.string() }).nullable(),
  server: z.string(),
  schedule: z.string().optional(),
});

const flushSchema = z.object({
  ok: z.boolean(),
  sent: z.number().int().min(0),
  pending: z.number().int().min(0),
  message: z.string(),
});

export type TrackerStatusView = z.infer<typeof statusSchema>;

function checked<S extends z.ZodType>(schema: S, value: unknown, method: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new PullPrintError('BAD_RESPONSE', `the engine's answer to ${method} is not understood (an engine of another version?)`);
  return r.data;
}

/** An ISO time as local wall-clock time with its UTC offset, e.g. 2025-03-30 12:00:00 +02:00. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`;
}

export function renderTrackerStatus(s: TrackerStatusView): string {
  const next = s.nextSendAt ? localTime(s.nextSendAt) : s.pending > 0 ? 'not scheduled' : '-';
  const last = s.lastResult ? `${localTime(s.lastResult.at)} ${s.lastResult.ok ? 'ok' : 'FAILED'}: ${s.lastResult.message}` : 'none yet';
  return [
    `Deleted-job tracking: ${s.enabled ? 'enabled' : 'disabled (TrackDeletedJob is false)'}`,
    `Report server:        ${s.server}`,
    ...(s.schedule ? [`Schedule:             ${s.schedule}`] : []),
    `Pending records:      ${s.pending}`,
    `Next send:            ${next}`,
    `Last result:          ${last}`,
  ].join('\n');
}

export function registerTrackerCommands(program: Command, deps: TrackerCommandDeps): Command {
  const tracker = program.command('tracker').description('deleted-job tracker: pending records and delivery to the report server');

  tracker.command('status')
    .description('show pending deleted-job records, the next send time and the last result')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const s = checked(statusSchema, await deps.call('tracker.status', {}), 'tracker.status');
      if (o.json) printJson(deps.io, s);
      else deps.io.out(renderTrackerStatus(s));
    });

  tracker.command('flush')
    .description('send every pending deleted-job record to the report server now; exit 1 if they could not all be delivered')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const r = checked(flushSchema, await deps.call('tracker.flush', {}), 'tracker.flush');
      if (o.json) printJson(deps.io, r);
      else if (r.ok) deps.io.out(r.sent > 0 ? `sent ${r.sent} record(s); ${r.pending} pending` : `nothing to send; ${r.pending} pending`);
      if (!r.ok) throw new PullPrintError('TRACKER_FLUSH_FAILED', `not delivered: ${r.message} (${r.sent} sent, ${r.pending} still pending)`);
    });

  return tracker;
}
