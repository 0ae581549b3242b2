// The operations that carry no document: Get-Printer-Attributes, Get-Jobs,
// Get-Job-Attributes, Cancel-Job, Validate-Job, Create-Job. Each takes the decoded request
// and the printer's current state and returns the response message; the document
// operations (Print-Job, Send-Document) live in document.ts.
import type { CommittedJob } from '../types.js';
import type { IppGroup, IppMessage } from './codec.js';
import { printerAttributes, selectPrinterAttributes } from './attributes.js';
import { selectJobAttributes, type JobView } from './job-attributes.js';
import { isTerminal, type IppJob, type JobTable } from './job-table.js';
import { ippResponse } from './response.js';
import { GroupTag, JobState, Status, ValueTag } from './tags.js';
import { checkJobRequest, isRefusal, operationGroup, requestedAttributes, targetJobId, type JobRequest, type Refusal } from './validate.js';
import { boolValue, findAttribute, intValue, stringValue } from './values.js';

/** Create-Job jobs waiting for their document, at most; more is a client that never sends one. */
export const MAX_UNFINISHED_JOBS = 64;

export interface PrinterContext extends JobView {
  readonly moreInfoUri: string;
  readonly printerName: string;
  readonly jobs: JobTable;
  /** Documents being received right now. */
  readonly receiving: number;
  readonly maxJobSizeBytes: number;
  find?(seq: number): CommittedJob | undefined;
}

export function refuse(req: IppMessage, r: Refusal): IppMessage {
  return ippResponse(req, r.status, { message: r.message, unsupported: r.unsupported });
}

export function getPrinterAttributes(req: IppMessage, ctx: PrinterContext): IppMessage {
  const all = printerAttributes({
    printerUri: ctx.printerUri,
    moreInfoUri: ctx.moreInfoUri,
    printerName: ctx.printerName,
    upTimeSeconds: ctx.upTime(ctx.nowMs),
    nowMs: ctx.nowMs,
    queuedJobCount: ctx.jobs.unfinishedCount() + ctx.receiving,
    receiving: ctx.receiving > 0,
    maxJobSizeBytes: ctx.maxJobSizeBytes,
  });
  const selected = selectPrinterAttributes(all, requestedAttributes(req));
  return ippResponse(req, Status.ok, { groups: [{ tag: GroupTag.printer, attributes: selected }] });
}

/** The job group of a Print-Job / Create-Job / Send-Document response (RFC 8011 §4.2.1.2). */
export function jobCreatedGroup(job: IppJob, ctx: PrinterContext): IppGroup {
  return {
    tag: GroupTag.job,
    attributes: selectJobAttributes(job, ctx, ['job-id', 'job-uri', 'job-state', 'job-state-reasons', 'job-state-message', 'number-of-intervening-jobs'], null),
  };
}

/**
 * A table entry for a job the spool knows but the table forgot (evicted, or stored before
 * a restart). Its times are unknown; "now" keeps the required time attributes sane.
 */
function spoolJob(c: CommittedJob, nowMs: number): IppJob {
  return {
    id: c.seq,
    seq: c.seq,
    spoolId: c.id,
    name: c.id,
    user: 'unknown',
    requestedUser: null,
    requestedName: null,
    state: JobState.completed,
    reasons: ['job-completed-successfully'],
    createdMs: nowMs,
    processingMs: nowMs,
    completedMs: nowMs,
    sizeBytes: c.size,
    documents: 1,
    template: [],
    copies: null,
    sides: null,
    colorMode: null,
    documentFormat: null,
    receiving: null,
  };
}

export function lookupJob(req: IppMessage, ctx: PrinterContext): IppJob | Refusal {
  const id = targetJobId(req);
  if (typeof id !== 'number') return id;
  ctx.jobs.expire(ctx.nowMs);
  const job = ctx.jobs.get(id);
  if (job) return job;
  const stored = ctx.find?.(id);
  if (stored) return spoolJob(stored, ctx.nowMs);
  return { status: Status.notFound, message: `Job ${id} does not exist.` };
}

export function getJobAttributes(req: IppMessage, ctx: PrinterContext): IppMessage {
  const job = lookupJob(req, ctx);
  if (isRefusal(job)) return refuse(req, job);
  // RFC 8011 §4.3.4.1: without requested-attributes, 'all'.
  const attributes = selectJobAttributes(job, ctx, requestedAttributes(req), null);
  return ippResponse(req, Status.ok, { groups: [{ tag: GroupTag.job, attributes }] });
}

export function getJobs(req: IppMessage, ctx: PrinterContext): IppMessage {
  const op = operationGroup(req);
  const whichAttr = findAttribute(op, 'which-jobs');
  const which = whichAttr ? stringValue(whichAttr, ValueTag.keyword) : 'not-completed';
  if (which === undefined || !['completed', 'not-completed', 'all'].includes(which)) {
    return refuse(req, { status: Status.attributesOrValuesNotSupported, message: 'Unsupported which-jobs.', unsupported: whichAttr ? [whichAttr] : [] });
  }
  const myJobs = boolValue(findAttribute(op, 'my-jobs')) === true;
  const user = stringValue(findAttribute(op, 'requesting-user-name'));
  const limit = intValue(findAttribute(op, 'limit'));
  ctx.jobs.expire(ctx.nowMs);
  let jobs = ctx.jobs.all().filter((j) => (which === 'all' ? true : which === 'completed' ? isTerminal(j.state) : !isTerminal(j.state)));
  if (myJobs) jobs = jobs.filter((j) => user !== undefined && j.requestedUser === user);
  // Unfinished jobs in the order they will be processed; finished ones newest first.
  if (which !== 'not-completed') jobs.reverse();
  if (limit !== undefined && limit > 0) jobs = jobs.slice(0, limit);
  const requested = requestedAttributes(req);
  // RFC 8011 §4.2.6.1: without requested-attributes, only job-uri and job-id.
  const groups = jobs.map((j): IppGroup => ({ tag: GroupTag.job, attributes: selectJobAttributes(j, ctx, requested, ['job-id', 'job-uri']) }));
  return ippResponse(req, Status.ok, { groups });
}

export function cancelJob(req: IppMessage, ctx: PrinterContext): IppMessage {
  const job = lookupJob(req, ctx);
  if (isRefusal(job)) return refuse(req, job);
  if (isTerminal(job.state)) {
    const why = job.state === JobState.completed ? 'has been stored and can only be deleted from the held jobs' : 'is already finished';
    return refuse(req, { status: Status.notPossible, message: `Job ${job.id} ${why}.` });
  }
  job.receiving?.cancel();
  job.state = JobState.canceled;
  job.reasons = ['job-canceled-by-user'];
  job.completedMs = ctx.nowMs;
  return ippResponse(req, Status.ok);
}

export function validateJob(req: IppMessage, ctx: PrinterContext): IppMessage {
  const checked = checkJobRequest(req, { maxJobSizeBytes: ctx.maxJobSizeBytes });
  if (isRefusal(checked)) return refuse(req, checked);
  return ippResponse(req, checked.unsupported.length > 0 ? Status.okIgnoredOrSubstituted : Status.ok, { unsupported: checked.unsupported });
}

export function newJob(id: number, checked: JobRequest, nowMs: number, state: IppJob['state'], reasons: string[]): IppJob {
  return {
    id,
    seq: null,
    spoolId: null,
    name: checked.jobName ?? checked.documentName ?? 'Untitled',
    user: checked.user ?? 'anonymous',
    requestedUser: checked.user,
    requestedName: checked.jobName ?? checked.documentName,
    state,
    reasons,
    createdMs: nowMs,
    processingMs: null,
    completedMs: null,
    sizeBytes: null,
    documents: 0,
    template: checked.template,
    copies: checked.copies,
    sides: checked.sides,
    colorMode: checked.colorMode,
    documentFormat: checked.documentFormat,
    receiving: null,
  };
}

export function createJob(req: IppMessage, ctx: PrinterContext): IppMessage {
  const checked = checkJobRequest(req, { maxJobSizeBytes: ctx.maxJobSizeBytes });
  if (isRefusal(checked)) return refuse(req, checked);
  ctx.jobs.expire(ctx.nowMs);
  if (ctx.jobs.unfinishedCount() >= MAX_UNFINISHED_JOBS) {
    return refuse(req, { status: Status.busy, message: 'Too many jobs are waiting for their document.' });
  }
  const job = newJob(ctx.jobs.newProvisionalId(), checked, ctx.nowMs, JobState.pending, ['job-incoming']);
  ctx.jobs.add(job);
  return ippResponse(req, checked.unsupported.length > 0 ? Status.okIgnoredOrSubstituted : Status.ok, {
    unsupported: checked.unsupported,
    groups: [jobCreatedGroup(job, ctx)],
  });
}

