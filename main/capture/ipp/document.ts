// The document operations: Print-Job and Send-Document stream the rest of the HTTP body
// into a JobReceiver, chunk by chunk with back-pressure, and answer only after commit()
// resolved (the job is on disk). Any failure aborts the receiver, so no partial job stays.
import type { CaptureContext, CaptureSink, CommittedJob, ProtocolMeta } from '../types.js';
import type { Logger } from '../../log/types.js';
import { CaptureError, errorCode } from '../../util/errors.js';
import type { BodyReader } from './body-reader.js';
import type { IppMessage } from './codec.js';
import { PROVISIONAL_ID_BASE } from './job-table.js';
import { ippResponse } from './response.js';
import { JobState, Status } from './tags.js';
import { checkJobRequest, checkSendDocument, isRefusal } from './validate.js';
import { jobCreatedGroup, lookupJob, newJob, refuse, type PrinterContext } from './operations.js';

export interface DocumentDeps {
  readonly sink: CaptureSink;
  readonly captureContext: CaptureContext;
  readonly queueName: string;
  readonly maxJobSizeBytes: number;
  readonly logger: Logger;
  /** Counts uploads in progress (printer-state processing, queued-job-count). */
  receiving(delta: 1 | -1): void;
}

type Outcome =
  | { readonly stored: true; readonly committed: CommittedJob }
  | {
      readonly stored: false;
      readonly status: number;
      readonly message: string;
      readonly code: string;
      readonly clientGone: boolean;
      /** Nothing was received (no receiver, or an empty body): a Send-Document may be retried. */
      readonly nothingReceived?: boolean;
    };

const NO_DOCUMENT = 'NO_DOCUMENT';

function failure(err: unknown, maxJobSizeBytes: number): Extract<Outcome, { stored: false }> {
  const code = errorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'JOB_TOO_LARGE':
      return { stored: false, code, clientGone: false, status: Status.requestEntityTooLarge, message: `The document exceeds the limit of ${maxJobSizeBytes} bytes.` };
    case 'DISK_FULL':
    case 'SPOOL_UNAVAILABLE':
      // CUPS retries a busy printer later instead of failing the job.
      return { stored: false, code, clientGone: false, status: Status.busy, message: 'The job cannot be stored right now; try again later.' };
    case 'JOB_ABORTED':
      return { stored: false, code, clientGone: false, status: Status.jobCanceled, message: 'The job was canceled.' };
    case 'CONNECTION_RESET':
      return { stored: false, code, clientGone: true, status: Status.badRequest, message: detail };
    case NO_DOCUMENT:
      return { stored: false, code, clientGone: false, status: Status.badRequest, message: 'The request carries no document data.' };
    default:
      return { stored: false, code, clientGone: false, status: Status.internalError, message: 'The job could not be stored.' };
  }
}

/** Streams `first` and the rest of the body into a new receiver; commits at the end of the body. */
async function receive(first: Buffer, reader: BodyReader, meta: ProtocolMeta, deps: DocumentDeps): Promise<Outcome> {
  let receiver;
  try {
    receiver = await deps.sink.begin(deps.captureContext);
  } catch (err) {
    deps.logger.warn('spool refused an IPP job', { peer: deps.captureContext.peer, code: errorCode(err) });
    const f = failure(err, deps.maxJobSizeBytes);
    // Whatever the reason, the spool could not take a job now: busy makes CUPS retry.
    const status = f.status === Status.requestEntityTooLarge ? f.status : Status.busy;
    return { ...f, status, message: status === Status.busy ? 'The job cannot be stored right now; try again later.' : f.message, nothingReceived: true };
  }
  deps.receiving(1);
  let total = 0;
  try {
    let chunk: Buffer | null = first.length > 0 ? first : await reader.next();
    while (chunk !== null) {
      total += chunk.length;
      if (total > deps.maxJobSizeBytes) throw new CaptureError('JOB_TOO_LARGE', `IPP document larger than ${deps.maxJobSizeBytes} bytes`);
      await receiver.write(chunk);
      chunk = await reader.next();
    }
    if (total === 0) throw Object.assign(new Error('no document data'), { code: NO_DOCUMENT });
    return { stored: true, committed: await receiver.commit(meta) };
  } catch (err) {
    const f = { ...failure(err, deps.maxJobSizeBytes), nothingReceived: total === 0 };
    await receiver.abort(f.code).catch((e: unknown) => deps.logger.error('aborting an IPP job failed', { code: errorCode(e) }));
    deps.logger.warn('IPP job not stored', { peer: deps.captureContext.peer, code: f.code, bytes: total });
    return f;
  } finally {
    deps.receiving(-1);
  }
}

/** A job-id for a committed job: its seq, unless that cannot be an IPP job-id. */
function jobIdFor(seq: number, ctx: PrinterContext): number {
  return Number.isInteger(seq) && seq >= 1 && seq < PROVISIONAL_ID_BASE ? seq : ctx.jobs.newProvisionalId();
}

/** Print-Job (RFC 8011 §4.2.1). Resolves null when the client is gone and nothing can be answered. */
export async function printJob(req: IppMessage, first: Buffer, reader: BodyReader, ctx: PrinterContext, deps: DocumentDeps): Promise<IppMessage | null> {
  const checked = checkJobRequest(req, { maxJobSizeBytes: deps.maxJobSizeBytes });
  if (isRefusal(checked)) return refuse(req, checked);
  const startMs = ctx.nowMs;
  const meta: ProtocolMeta = {
    protocol: 'ipp',
    user: checked.user,
    jobName: checked.jobName ?? checked.documentName,
    sourceFile: checked.documentName,
    copies: checked.copies,
    sides: checked.sides,
    colorMode: checked.colorMode,
    documentFormat: checked.documentFormat,
    queue: deps.queueName,
  };
  const outcome = await receive(first, reader, meta, deps);
  if (!outcome.stored) return outcome.clientGone ? null : refuse(req, outcome);
  const { committed } = outcome;
  const job = newJob(jobIdFor(committed.seq, ctx), checked, startMs, JobState.completed, ['job-completed-successfully']);
  job.seq = committed.seq;
  job.spoolId = committed.id;
  job.processingMs = startMs;
  job.completedMs = ctx.nowMs;
  job.sizeBytes = committed.size;
  job.documents = 1;
  ctx.jobs.add(job);
  deps.logger.info('IPP job stored', { peer: deps.captureContext.peer, jobId: job.id, seq: committed.seq, bytes: committed.size });
  const status = checked.unsupported.length > 0 ? Status.okIgnoredOrSubstituted : Status.ok;
  return ippResponse(req, status, { unsupported: checked.unsupported, groups: [jobCreatedGroup(job, ctx)] });
}

/** Send-Document (RFC 8011 §4.3.1): one document per job, so last-document must be true. */
export async function sendDocument(req: IppMessage, first: Buffer, reader: BodyReader, ctx: PrinterContext, deps: DocumentDeps): Promise<IppMessage | null> {
  const job = lookupJob(req, ctx);
  if (isRefusal(job)) return refuse(req, job);
  const doc = checkSendDocument(req);
  if (isRefusal(doc)) return refuse(req, doc);
  if (job.state !== JobState.pending || job.receiving) {
    return refuse(req, { status: Status.notPossible, message: `Job ${job.id} is not waiting for a document.` });
  }
  job.state = JobState.processing;
  job.reasons = ['job-incoming'];
  job.processingMs = ctx.nowMs;
  job.receiving = { cancel: () => reader.cancel(new CaptureError('JOB_ABORTED', `job ${job.id} canceled during Send-Document`)) };
  const meta: ProtocolMeta = {
    protocol: 'ipp',
    user: job.requestedUser,
    jobName: job.requestedName ?? doc.documentName,
    sourceFile: doc.documentName,
    copies: job.copies,
    sides: job.sides,
    colorMode: job.colorMode,
    documentFormat: doc.documentFormat ?? job.documentFormat,
    queue: deps.queueName,
  };
  const outcome = await receive(first, reader, meta, deps);
  job.receiving = null;
  if (outcome.stored) {
    job.seq = outcome.committed.seq;
    job.spoolId = outcome.committed.id;
    job.sizeBytes = outcome.committed.size;
    job.documents = 1;
    job.state = JobState.completed;
    job.reasons = ['job-completed-successfully'];
    job.completedMs = ctx.nowMs;
    deps.logger.info('IPP job stored', { peer: deps.captureContext.peer, jobId: job.id, seq: outcome.committed.seq, bytes: outcome.committed.size });
    return ippResponse(req, Status.ok, { groups: [jobCreatedGroup(job, ctx)] });
  }
  if (outcome.nothingReceived && (job.state as number) !== JobState.canceled) {
    // Nothing was stored: the job still waits for its document.
    job.state = JobState.pending;
    job.reasons = ['job-incoming'];
    job.processingMs = null;
  } else if ((job.state as number) !== JobState.canceled) {
    job.state = JobState.aborted;
    job.reasons = ['aborted-by-system'];
    job.completedMs = ctx.nowMs;
  }
  return outcome.clientGone ? null : refuse(req, outcome);
}
