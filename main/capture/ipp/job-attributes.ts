// Job description attributes (RFC 8011 §5.3) of a job in the table, and the
// requested-attributes selection rules of Get-Job-Attributes and Get-Jobs.
import type { IppAttribute } from './codec.js';
import type { IppJob } from './job-table.js';
import { JobState } from './tags.js';
import { attr, attrs, val } from './values.js';

export interface JobView {
  readonly printerUri: string;
  jobUri(id: number): string;
  /** printer-up-time (seconds) at a wall-clock instant. */
  upTime(ms: number): number;
  readonly nowMs: number;
}

const STATE_MESSAGES: Record<number, string> = {
  [JobState.pending]: 'Waiting for the document.',
  [JobState.processing]: 'Receiving the document.',
  [JobState.canceled]: 'Canceled.',
  [JobState.aborted]: 'Aborted.',
  [JobState.completed]: 'Stored for release.',
};

function timeAttr(name: string, view: JobView, ms: number | null): IppAttribute {
  return attr(name, ms === null ? val.noValue() : val.integer(view.upTime(ms)));
}

function dateAttr(name: string, ms: number | null): IppAttribute {
  return attr(name, ms === null ? val.noValue() : val.dateTime(ms));
}

export function jobDescription(job: IppJob, view: JobView): IppAttribute[] {
  const kOctets = job.sizeBytes === null ? 0 : Math.min(0x7fffffff, Math.ceil(job.sizeBytes / 1024));
  return [
    attr('job-id', val.integer(job.id)),
    attr('job-uri', val.uri(view.jobUri(job.id))),
    attr('job-printer-uri', val.uri(view.printerUri)),
    attr('job-name', val.name(job.name)),
    attr('job-originating-user-name', val.name(job.user)),
    attr('job-state', val.enum(job.state)),
    attrs('job-state-reasons', val.keyword, job.reasons.length > 0 ? job.reasons : ['none']),
    attr('job-state-message', val.text(STATE_MESSAGES[job.state] ?? '')),
    attr('number-of-documents', val.integer(job.documents)),
    timeAttr('time-at-creation', view, job.createdMs),
    timeAttr('time-at-processing', view, job.processingMs),
    timeAttr('time-at-completed', view, job.completedMs),
    attr('job-printer-up-time', val.integer(view.upTime(view.nowMs))),
    dateAttr('date-time-at-creation', job.createdMs),
    dateAttr('date-time-at-processing', job.processingMs),
    dateAttr('date-time-at-completed', job.completedMs),
    attr('number-of-intervening-jobs', val.integer(0)),
    attr('job-k-octets', val.integer(kOctets)),
    attr('job-k-octets-processed', val.integer(job.state === JobState.completed ? kOctets : 0)),
    // Pages are counted by the PDL inspectors after capture, not here.
    attr('job-impressions-completed', val.integer(0)),
    attr('job-media-sheets-completed', val.integer(0)),
  ];
}

/** The attributes of the attribute response for one job, by requested-attributes. */
export function selectJobAttributes(job: IppJob, view: JobView, requested: readonly string[] | null, fallback: readonly string[] | null): IppAttribute[] {
  const names = requested ?? fallback;
  const description = jobDescription(job, view);
  if (names === null) return [...description, ...job.template];
  const want = new Set(names);
  const all = want.has('all');
  return [
    ...description.filter((a) => all || want.has('job-description') || want.has(a.name)),
    ...job.template.filter((a) => all || want.has('job-template') || want.has(a.name)),
  ];
}
