// Default values of SPEC §3, per platform where the guide gives per-platform values.
// Linux follows macOS wherever the difference comes from the print system (CUPS), and
// Windows where a macOS default needs another element to be valid on its own.
import type { AdWriteOption, IntervalMode, ModeKind, Platform, TimeOfDay, UserMatchPolicy } from './types.js';

export const DEFAULTS = {
  loggingEnabled: false,
  /** SPEC §2: Hybrid and Serverless AD capture on 9167, Cloud on 9168 (the local mode too on 9167). */
  loopbackPort: (kind: ModeKind): number => (kind === 'cloud' ? 9168 : 9167),
  /**
   * The guide: `%d_%i.prn` on Windows, `%d_%i.ps` on macOS. Linux queues are CUPS queues
   * like macOS ones and send PostScript or PDF, so Linux takes `.ps` too.
   */
  printJobFileNameFormat: (platform: Platform): string => (platform === 'win32' ? '%d_%i.prn' : '%d_%i.ps'),
  maxJobSizeMiB: 4096,
  idleTimeoutSeconds: 120,
  maxConnections: 64,
  printAndKeepLifespanHours: 48,
  unprintedJobsLifespanHours: 48,
  esfListenerPort: 9443,
  releaseUseSsl: true,
  /** Every interface, IPv6 and (dual-stack) IPv4: printers must reach the release service. */
  releaseListenAddress: '::',
  activeDirectoryUserProperty: 'otherLoginWorkstations',
  adWriteOption: 'AtPrintTime' as AdWriteOption,
  serverPort: 443,
  serverUseSsl: true,
  apiVersion: '3.0',
  idpClientId: 'pullprint',
  idpScopes: ['openid', 'email', 'profile', 'offline_access'] as readonly string[],
  userMatchPolicy: 'accept-and-record' as UserMatchPolicy,
  directoryUserFilter: '(|(userPrincipalName={user})(mail={user})(sAMAccountName={user})(uid={user}))',
  directoryStartTls: 'required' as 'required' | 'none',
  directoryConnectTimeoutSeconds: 5,
  directoryOperationTimeoutSeconds: 10,
  trackDeletedJob: true,
  sendImmediately: true,
  /**
   * The guide: Daily on Windows, minutes on macOS. Linux takes Daily: Minutes has no
   * default count, so a Minutes default turns SendImmediately=false alone into an error,
   * whereas Daily comes with its own default time (1200).
   */
  intervalMode: (platform: Platform): IntervalMode => (platform === 'darwin' ? 'Minutes' : 'Daily'),
  daily: [{ hour: 12, minute: 0 }] as readonly TimeOfDay[],
  trackerHost: '0.0.0.0',
  trackerPort: 9780,
  trackerSsl: false,
  lateBindingEnabled: false,
  deleteEmptyUserFolders: false,
  deleteEmptyUserFoldersLifespanDays: 7,
  displayNotifications: true,
  defaultQueue: 'LPMCloud',
} as const;

/** Upper bounds that keep arithmetic on durations and sizes in safe integers. */
export const LIMITS = {
  lifespanHours: 876_000, // 100 years
  lifespanDays: 36_500,
  sendIntervalMinutes: 525_600, // one year
  maxJobSizeMiB: 1_048_576, // 1 TiB
  idleTimeoutSeconds: 86_400,
  maxConnections: 10_000,
  directoryConnectTimeoutSeconds: 120,
  directoryOperationTimeoutSeconds: 600,
} as const;
