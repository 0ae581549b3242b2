// The deleted-job tracker's public surface (docs/tracker.md).

export { createTracker, BATCH_MAX, DEFAULT_REQUEST_TIMEOUT_MS } from './tracker.js';
export { trackerControlMethods } from './control-methods.js';
export { nextSendTime, describeSchedule } from './schedule.js';
export type { ScheduleSettings } from './schedule.js';
export { realClock } from './clock.js';
export type { Clock } from './clock.js';
export { FakeClock } from './fake-clock.js';
export { DEFAULT_BACKOFF, backoffDelay } from './backoff.js';
export type { BackoffPolicy } from './backoff.js';
export { REPORT_FILE } from './report-file.js';
export { REPORT_PATH, REPORT_CONTENT_TYPE, reportUrl, isServerConfigured } from './sender.js';
export { parseReport, parseResult, serializeReport, serializeResult, REPORT_VERSION } from './report-xml.js';
export { DELETE_REASONS } from './types.js';
export { defaultWorkstation } from './workstation.js';
export type {
  DeleteReason, DeletedJob, DeletedJobRecord, FlushResult, LastResult, Tracker, TrackerOptions, TrackerStatus,
} from './types.js';
