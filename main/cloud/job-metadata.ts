// A spool record as the cloud API's job metadata (the fields the printer-side app shows
// and bills by). The document's size and sha256 let the server check what it received.

import type { JobRecord } from '../spool/types.js';
import { MAX_TITLE_CHARS, type JobMetadata } from './wire.js';

export function jobMetadata(job: JobRecord, workstation: string): JobMetadata {
  return {
    title: job.title === null ? null : job.title.slice(0, MAX_TITLE_CHARS),
    pages: job.pages,
    color: job.color,
    duplex: job.duplex,
    copies: Math.min(9999, Math.max(1, job.copies)),
    format: job.pdl,
    size: job.size,
    sha256: job.sha256,
    workstation: workstation.slice(0, 255) || 'workstation',
    printedAt: new Date(job.receivedAt).toISOString(),
  };
}
