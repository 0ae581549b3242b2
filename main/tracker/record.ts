// Making a deleted-job record, and the one schema every record must satisfy: when it is
// made, when DJTReport.xml is read back, and at the reference receiver.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PullPrintError } from '../util/errors.js';
import { DELETE_REASONS } from './types.js';
import type { DeleteReason, DeletedJob, DeletedJobRecord } from './types.js';
import { xmlSafe } from './xml-text.js';

/** Titles are informational; a runaway one must not bloat every report. */
export const MAX_TITLE_CHARS = 1024;
const MAX_TEXT_CHARS = 4096;

const text = z.string().max(MAX_TEXT_CHARS);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const recordSchema = z.object({
  recordId: z.uuid(),
  jobId: text.min(1),
  owner: text,
  title: text.nullable(),
  pages: count.nullable(),
  color: z.boolean().nullable(),
  duplex: z.boolean().nullable(),
  copies: count,
  size: count,
  submittedAt: z.iso.datetime(),
  deletedAt: z.iso.datetime(),
  reason: z.enum(DELETE_REASONS as [DeleteReason, ...DeleteReason[]]),
  workstation: text,
  workstationAddress: text,
  siteName: text.nullable(),
}).strict();

export interface RecordContext {
  readonly workstation: { readonly name: string; readonly address: string };
  readonly siteName: string | null;
}

function clean(s: string, max = MAX_TEXT_CHARS): string {
  return xmlSafe(s).slice(0, max);
}

function iso(value: string | Date, what: string): string {
  const d = typeof value === 'string' ? new Date(value) : value;
  if (!Number.isFinite(d.getTime())) throw new PullPrintError('TRACKER_BAD_RECORD', `${what} is not a valid time`);
  return d.toISOString();
}

/**
 * Builds the record for a deleted job. Text is made XML-safe here, so the record in memory
 * is exactly what DJTReport.xml holds and what the server receives.
 */
export function makeRecord(job: DeletedJob, reason: DeleteReason, deletedAt: Date, ctx: RecordContext): DeletedJobRecord {
  const candidate = {
    recordId: randomUUID(),
    jobId: clean(job.id),
    owner: clean(job.owner),
    title: job.title === null ? null : clean(job.title, MAX_TITLE_CHARS),
    pages: job.pages,
    color: job.color,
    duplex: job.duplex,
    copies: job.copies,
    size: job.size,
    submittedAt: iso(job.receivedAt, 'the job\'s receivedAt'),
    deletedAt: iso(deletedAt, 'the deletion time'),
    reason,
    workstation: clean(ctx.workstation.name),
    workstationAddress: clean(ctx.workstation.address),
    siteName: ctx.siteName === null ? null : clean(ctx.siteName),
  };
  const parsed = recordSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new PullPrintError('TRACKER_BAD_RECORD',
      `cannot record job ${candidate.jobId}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
