// Which desktop notifications to show (SPEC: "notifies the user of submissions";
// DisplayNotifications). Pure decisions: an engine event or the clock in, a notice or
// nothing out; the shell shows it with Electron's Notification. Nothing is shown when
// the administrator turned notifications off or the user did in the tray menu.

import type { EngineEvent } from '../core/engine.js';
import type { JobRecord, JobState } from '../spool/types.js';
import type { Translator } from './i18n/translate.js';
import { expiresAt, type ExpiringJob, type Lifespans } from './expiry.js';

export type NoticeKind = 'submitted' | 'failed' | 'waiting-for-sign-in' | 'expiring';

export interface Notice {
  readonly kind: NoticeKind;
  readonly jobId: string;
  readonly title: string;
  readonly body: string;
  /** What clicking the notification does. */
  readonly action: 'open-jobs' | 'sign-in';
}

export interface NoticeSwitches {
  /** DisplayNotifications from configuration.xml. */
  readonly allowedByAdministrator: boolean;
  /** The tray's "Show notifications" preference. */
  readonly wantedByUser: boolean;
}

export function notificationsOn(s: NoticeSwitches): boolean {
  return s.allowedByAdministrator && s.wantedByUser;
}

const KIND_OF: Partial<Record<JobState, NoticeKind>> = {
  submitted: 'submitted',
  failed: 'failed',
  'waiting-for-sign-in': 'waiting-for-sign-in',
};

function docTitle(job: Pick<JobRecord, 'title'>, tr: Translator): string {
  const t = (job.title ?? '').trim();
  // Long titles are cut: notification centres truncate anyway, and badly.
  return t === '' ? tr.t('notice.untitled') : t.length > 80 ? `${t.slice(0, 79)}…` : t;
}

function build(kind: NoticeKind, job: Pick<JobRecord, 'id' | 'title'>, tr: Translator, extra: Record<string, string> = {}): Notice {
  const title = docTitle(job, tr);
  switch (kind) {
    case 'submitted':
      return { kind, jobId: job.id, title: tr.t('notice.submitted.title'), body: tr.t('notice.submitted.body', { title }), action: 'open-jobs' };
    case 'failed':
      return { kind, jobId: job.id, title: tr.t('notice.failed.title'), body: tr.t('notice.failed.body', { title }), action: 'open-jobs' };
    case 'waiting-for-sign-in':
      return { kind, jobId: job.id, title: tr.t('notice.waiting.title'), body: tr.t('notice.waiting.body', { title }), action: 'sign-in' };
    case 'expiring':
      return { kind, jobId: job.id, title: tr.t('notice.expiring.title'), body: tr.t('notice.expiring.body', { title, time: extra.time ?? '' }), action: 'open-jobs' };
  }
}

/** The notice for an engine event, or null. A job stored directly in one of the states counts too. */
export function noticeForEvent(e: EngineEvent, switches: NoticeSwitches, tr: Translator): Notice | null {
  if (!notificationsOn(switches)) return null;
  if (e.type !== 'job-state' && e.type !== 'job-stored') return null;
  if (e.type === 'job-state' && e.previous === e.job.state) return null;
  const kind = KIND_OF[e.job.state];
  return kind ? build(kind, e.job, tr) : null;
}

export interface ExpiryCheck {
  readonly jobs: ReadonlyArray<ExpiringJob & Pick<JobRecord, 'id' | 'title'>>;
  readonly lifespans: Lifespans;
  readonly now: Date;
  /** Warn this long before the deletion (default one hour). */
  readonly warnBeforeMs?: number;
  /** Jobs already warned about (the caller keeps the set across checks). */
  readonly alreadyWarned: ReadonlySet<string>;
  /** Formats the deletion time for people (the shell passes the OS locale's time format). */
  readonly formatTime: (d: Date) => string;
}

/** Notices for jobs that expire within the warning window and were not warned about yet. */
export function expiryNotices(c: ExpiryCheck, switches: NoticeSwitches, tr: Translator): Notice[] {
  if (!notificationsOn(switches)) return [];
  const window = c.warnBeforeMs ?? 3_600_000;
  const out: Notice[] = [];
  for (const job of c.jobs) {
    if (c.alreadyWarned.has(job.id)) continue;
    const at = expiresAt(job, c.lifespans);
    if (!at) continue;
    const left = at.getTime() - c.now.getTime();
    if (left > 0 && left <= window) out.push(build('expiring', job, tr, { time: c.formatTime(at) }));
  }
  return out;
}
