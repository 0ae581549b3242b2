// The sections that are not modes: Logger, the deleted-job tracker, late binding, empty
// user folders, notifications and the default queue.
import { DEFAULTS, LIMITS } from './defaults.js';
import { pemFile, warnUnusedCa } from './pem-files.js';
import { SECTION_TRACKER } from './schema.js';
import { serverAddress } from './server-address.js';
import type { Config, LoggerSettings, Platform, TrackerSettings } from './types.js';
import type { ValueReader } from './value-reader.js';
import {
  absoluteFilePath, boolean, dayOfWeek, integer, intervalMode, loggingLevel, port, queueName, singleLineText, timeOfDay,
} from './values.js';

export function buildLogger(r: ValueReader, platform: Platform, defaultLogFile: string): LoggerSettings {
  return {
    logFilePath: r.one('Logger/LogFilePath', absoluteFilePath(platform), defaultLogFile),
    loggingEnabled: r.one('Logger/LoggingEnabled', loggingLevel, DEFAULTS.loggingEnabled),
  };
}

export function buildTracker(r: ValueReader, platform: Platform): TrackerSettings {
  const s = SECTION_TRACKER;
  const host = r.one(`${s}/ServerSettings/ServerIP`, serverAddress(false), { host: DEFAULTS.trackerHost, path: '' });
  const ssl = r.one(`${s}/ServerSettings/ServerSSL`, boolean, DEFAULTS.trackerSsl);
  const caFile = pemFile(r, `${s}/ServerSettings/CAFile`, platform);
  warnUnusedCa(r, `${s}/ServerSettings/CAFile`, caFile, !ssl, 'ServerSSL is false');
  return {
    present: r.has(s),
    trackDeletedJob: r.one(`${s}/TrackDeletedJob`, boolean, DEFAULTS.trackDeletedJob),
    sendImmediately: r.one(`${s}/SendImmediately`, boolean, DEFAULTS.sendImmediately),
    intervalMode: r.one(`${s}/IntervalMode`, intervalMode, DEFAULTS.intervalMode(platform)),
    sendInterval: {
      minutes: r.one<number | null>(`${s}/SendInterval/Minutes`, integer(1, LIMITS.sendIntervalMinutes, 'minutes'), null),
      daily: r.list(`${s}/SendInterval/Daily`, timeOfDay, DEFAULTS.daily),
      weekly: {
        days: r.list(`${s}/SendInterval/Weekly/Day`, dayOfWeek, []),
        hours: r.list(`${s}/SendInterval/Weekly/Hour`, timeOfDay, []),
      },
    },
    server: {
      host: host.host,
      port: r.one(`${s}/ServerSettings/ServerPort`, port, DEFAULTS.trackerPort),
      ssl,
      caFile,
    },
    siteName: r.optional(`${s}/OtherSettings/SiteName`, singleLineText),
  };
}

export function buildMisc(r: ValueReader): Pick<Config, 'lateBinding' | 'deleteEmptyUserFolders' | 'displayNotifications' | 'defaultPrintQueue'> {
  return {
    lateBinding: { enabled: r.one('LateBindingSettings/LateBindingEnabled', boolean, DEFAULTS.lateBindingEnabled) },
    deleteEmptyUserFolders: {
      enabled: r.one('DeleteEmptyUserFolderSetting/DeleteEmptyUserFolders', boolean, DEFAULTS.deleteEmptyUserFolders),
      lifespanDays: r.one('DeleteEmptyUserFolderSetting/DeleteEmptyUserFoldersLifespan', integer(1, LIMITS.lifespanDays, 'days'),
        DEFAULTS.deleteEmptyUserFoldersLifespanDays),
    },
    displayNotifications: r.one('DisplayNotifications', boolean, DEFAULTS.displayNotifications),
    defaultPrintQueue: r.one('DefaultPrintQueue/DefaultQueue', queueName, DEFAULTS.defaultQueue),
  };
}
