// A held job's document as a stream: the stored file, read in large chunks, through the
// late-binding rewriter when settings change. The file is opened before anything is sent,
// so a job deleted meanwhile is a clean "not found" rather than a half-sent answer;
// memory stays bounded whatever the job's size (the rewriter holds a small window).

import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createLateBindingTransform, type LateBindingChanges } from '../pdl/late-binding/index.js';
import type { JobIndex } from '../pdl/late-binding/job-index.js';
import type { JobRecord } from '../spool/types.js';
import { errnoCode } from '../util/durable-fs.js';
import { ReleaseError } from './errors.js';
import { hasChanges } from './delivery-plan.js';

const READ_CHUNK = 1024 * 1024;

/**
 * Opens the document of `job`; with changes, the bytes pass through the rewriter (using
 * `jobIndex`, the late-binding index of these bytes, when there is one).
 * Throws BAD_LATE_BINDING at once for invalid changes, DOCUMENT_UNREADABLE when the file
 * is gone or unreadable; a rewrite failure later is an error of the returned stream.
 */
export async function openJobDocument(
  job: Pick<JobRecord, 'id' | 'file' | 'pdl' | 'title'>,
  changes: LateBindingChanges | null,
  jobIndex: JobIndex | null = null,
): Promise<Readable> {
  // Built first: invalid changes must fail before a file handle exists.
  const transform = hasChanges(changes)
    ? createLateBindingTransform({ changes, pdl: job.pdl, jobName: job.title, jobIndex: jobIndex ? { use: jobIndex } : null })
    : null;
  let handle;
  try {
    handle = await open(job.file, 'r');
  } catch (err) {
    transform?.destroy();
    const code = errnoCode(err);
    throw new ReleaseError('DOCUMENT_UNREADABLE', `the document of job ${job.id} cannot be read (${code ?? 'error'})`, {}, { cause: err });
  }
  const file = handle.createReadStream({ highWaterMark: READ_CHUNK });
  if (!transform) return file;
  // pipeline() destroys both sides on either's error; the consumer sees it on `transform`.
  return pipeline(file, transform, () => undefined);
}
