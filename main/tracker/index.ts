// The deleted-job tracker's public surface (docs/tracker.md).

export { createTracker, BATCH_MAX, DEFAULT_BACKOFF, DEFAULT_REQUEST_TIMEOUT_MS } from './tracker.js';
export { trackerControlMethods } from './control-methods.js';
export { nextSendTime, describeSchedule } from './schedule.js';
export type { ScheduleSettings } from './schedule.js';
// The clock, fake clock and backoff live in main/util; re-exported as this surface always had them.
export { realClock } from '../util/clock.js';
export type { Clock } from '../util/clock.js';
export { FakeClock } from '../util/fake-clock.js';
export { backoffDelay } from '../util/backoff.js';
export type { BackoffPolicy } from '../util/backoff.js';
export { REPORT_FILE } from './report-file.js';
export { REPORT_PATH, REPORT_CONTENT_TYPE, reportUrl, isServerConfigured } from './sender.js';
export { parseReport, parseResult, serializeReport, serializeResult, REPORT_VERSION } from './report-xml.js';
export { DELETE_REASONS } from './types.js';
export { defaultWorkstation } from './workstation.js';
export type {
  DeleteReason, DeletedJob, DeletedJobRecord, FlushResult, LastResult, Tracker, TrackerOptions, TrackerStatus,
} from './types.js';
