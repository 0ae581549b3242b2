// The words of the tray notifications for outbox events (shown when DisplayNotifications
// is true; `pullprint serve` prints them). Only the three events a person acts on or
// waits for get one; the rest are for logs and the status view.

import type { CloudOutboxEvent } from './outbox-events.js';

export interface CloudNotification {
  readonly title: string;
  readonly body: string;
  /** 'error' notifications may stay until dismissed; 'info' ones fade. */
  readonly severity: 'info' | 'warning' | 'error';
  /** What clicking it should offer. */
  readonly action: 'none' | 'sign-in' | 'show-jobs';
}

function named(title: string | null): string {
  const t = (title ?? '').replace(/\s+/g, ' ').trim();
  if (!t) return 'Your print job';
  return `"${t.length > 60 ? `${t.slice(0, 57)}...` : t}"`;
}

export function notificationFor(e: CloudOutboxEvent): CloudNotification | null {
  switch (e.type) {
    case 'submitted':
      return {
        title: 'Print job submitted',
        body: `${named(e.job.title)} is in your print queue. Release it at any printer.`,
        severity: 'info',
        action: 'none',
      };
    case 'failed':
      return {
        title: e.operation === 'upload' ? 'Print job not submitted' : 'Print job not listed in the cloud',
        body: e.operation === 'upload'
          ? `${named(e.title)} was refused by the print queue: ${e.message}`
          : `${named(e.title)} stays on this computer but cannot be listed in the print queue: ${e.message}`,
        severity: 'error',
        action: 'show-jobs',
      };
    case 'waiting-for-sign-in':
      return {
        title: 'Sign in to submit your print jobs',
        body: `${named(e.title)} is waiting: sign in to PullPrint again to send it to your print queue.`,
        severity: 'warning',
        action: 'sign-in',
      };
    case 'registered':
    case 'unregistered':
    case 'retry-scheduled':
      return null;
  }
}
