// Every effective value with where it came from, for `pullprint config print`.
import { assertNever } from '../util/errors.js';
import { LOCAL_SECTION } from './build-modes.js';
import { SECTION_AD, SECTION_CLOUD, SECTION_HYBRID, SECTION_TRACKER } from './schema.js';
import type { AdDirectorySettings, CaptureSettings, CloudServerSettings, Config, IdpSettings, Mode, TimeOfDay } from './types.js';

/** A value as JSON would carry it: times of day as `HHMM` strings, unset values as null. */
export type ConfigValue = string | number | boolean | null | readonly (string | number)[];

export interface ConfigEntry {
  /** Element path, e.g. `LPMServerSettings/CaptureSettings/LoopbackPort`; repeated elements are indexed. */
  readonly path: string;
  readonly value: ConfigValue;
  /** `default`, `file:LINE` (the line of the element that set it), or `resolved` for the two paths. */
  readonly source: string;
}

const MIB = 1024 * 1024;

export function describeConfig(config: Config): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  const file = config.paths.configFile;
  const sourceOf = (path: string): string => {
    const s = config.sources[path];
    return s?.from === 'file' ? `file:${s.line}` : 'default';
  };
  const add = (path: string, value: ConfigValue): void => {
    out.push({ path, value, source: sourceOf(path) });
  };
  // Written repeatables are listed one by one (each has its line); defaults as one list.
  const addList = (path: string, values: readonly (string | number)[]): void => {
    if (config.sources[`${path}[1]`] === undefined) add(path, values);
    else values.forEach((v, i) => add(`${path}[${i + 1}]`, v));
  };

  out.push({ path: '(configuration file)', value: file, source: 'resolved' });
  out.push({ path: '(data folder)', value: config.paths.dataDir, source: 'resolved' });
  add('Logger/LogFilePath', config.logger.logFilePath);
  add('Logger/LoggingEnabled', config.logger.loggingEnabled);
  for (const mode of config.modes) describeMode(mode, add, addList);

  const t = config.tracker;
  const s = SECTION_TRACKER;
  add(`${s}/TrackDeletedJob`, t.trackDeletedJob);
  add(`${s}/SendImmediately`, t.sendImmediately);
  add(`${s}/IntervalMode`, t.intervalMode);
  add(`${s}/SendInterval/Minutes`, t.sendInterval.minutes);
  addList(`${s}/SendInterval/Daily`, t.sendInterval.daily.map(hhmm));
  addList(`${s}/SendInterval/Weekly/Day`, t.sendInterval.weekly.days);
  addList(`${s}/SendInterval/Weekly/Hour`, t.sendInterval.weekly.hours.map(hhmm));
  add(`${s}/ServerSettings/ServerIP`, t.server.host);
  add(`${s}/ServerSettings/ServerPort`, t.server.port);
  add(`${s}/ServerSettings/ServerSSL`, t.server.ssl);
  add(`${s}/ServerSettings/CAFile`, t.server.caFile);
  add(`${s}/OtherSettings/SiteName`, t.siteName);
  add('LateBindingSettings/LateBindingEnabled', config.lateBinding.enabled);
  add('DeleteEmptyUserFolderSetting/DeleteEmptyUserFolders', config.deleteEmptyUserFolders.enabled);
  add('DeleteEmptyUserFolderSetting/DeleteEmptyUserFoldersLifespan', config.deleteEmptyUserFolders.lifespanDays);
  add('DisplayNotifications', config.displayNotifications);
  add('DefaultPrintQueue/DefaultQueue', config.defaultPrintQueue);
  return out;
}

type Add = (path: string, value: ConfigValue) => void;

type AddList = (path: string, values: readonly (string | number)[]) => void;

function describeMode(mode: Mode, add: Add, addList: AddList): void {
  switch (mode.kind) {
    case 'serverless-ad': {
      const s = SECTION_AD;
      describeCapture(s, mode.capture, add);
      describeHeld(s, mode, add);
      add(`${s}/ServerSettings/ActiveDirectoryUserProperty`, mode.server.activeDirectoryUserProperty);
      add(`${s}/ServerSettings/ServiceAccountUserName`, mode.server.serviceAccountUserName);
      describeDirectory(`${s}/ServerSettings/Directory`, mode.server.directory, add, addList);
      add(`${s}/ADWriteSettings/ADWriteOption`, mode.adWrite.option);
      return;
    }
    case 'hybrid': {
      const s = SECTION_HYBRID;
      describeCapture(s, mode.capture, add);
      describeHeld(s, mode, add);
      describeServer(`${s}/ServerSettings`, mode.server, add);
      add(`${s}/ServerAPISettings/APIVersion`, mode.apiVersion);
      describeIdp(`${s}/ServerAPISettings/IDPServerSettings`, mode.idp, add);
      return;
    }
    case 'cloud': {
      const s = SECTION_CLOUD;
      describeCapture(s, mode.capture, add);
      describeServer(`${s}/ServerSettings`, mode.server, add);
      describeIdp(`${s}/IDPServerSettings`, mode.idp, add);
      add(`${s}/APIVersion`, mode.apiVersion);
      return;
    }
    case 'local':
      describeCapture(LOCAL_SECTION, mode.capture, add);
      describeHeld(LOCAL_SECTION, mode, add);
      return;
    default:
      assertNever(mode, 'mode');
  }
}

function describeCapture(s: string, c: CaptureSettings, add: Add): void {
  add(`${s}/CaptureSettings/LoopbackPort`, c.loopbackPort);
  add(`${s}/CaptureSettings/PrintJobFileNameFormat`, c.printJobFileNameFormat);
  add(`${s}/CaptureSettings/MaxJobSizeMiB`, c.maxJobSizeBytes / MIB);
  add(`${s}/CaptureSettings/IdleTimeoutSeconds`, c.idleTimeoutSeconds);
  add(`${s}/CaptureSettings/MaxConnections`, c.maxConnections);
}

function describeHeld(s: string, m: Extract<Mode, { client: unknown }>, add: Add): void {
  add(`${s}/ClientSettings/PrintAndKeepLifespan`, m.client.printAndKeepLifespanHours);
  add(`${s}/ClientSettings/UnprintedJobsLifespan`, m.client.unprintedJobsLifespanHours);
  add(`${s}/ReleaseSettings/EsfListenerPort`, m.release.esfListenerPort);
  add(`${s}/ReleaseSettings/UseSSL`, m.release.useSsl);
  add(`${s}/ReleaseSettings/CertificateFile`, m.release.certificateFile);
  add(`${s}/ReleaseSettings/KeyFile`, m.release.keyFile);
  add(`${s}/ReleaseSettings/ListenAddress`, m.release.listenAddress);
}

function describeServer(at: string, r: CloudServerSettings, add: Add): void {
  add(`${at}/ServerIP`, `${r.host}${r.path}`);
  add(`${at}/ServerPort`, r.port);
  add(`${at}/UseSSL`, r.useSsl);
  add(`${at}/CAFile`, r.caFile);
}

function describeIdp(at: string, idp: IdpSettings, add: Add): void {
  describeServer(at, idp, add);
  add(`${at}/ClientId`, idp.clientId);
  // As written in the file: one space-separated string.
  add(`${at}/Scopes`, idp.scopes.join(' '));
  add(`${at}/Resource`, idp.resource);
  add(`${at}/UserMatchPolicy`, idp.userMatchPolicy);
}

/** Without the group no directory is configured: no URL, every other element null. */
function describeDirectory(at: string, d: AdDirectorySettings | null, add: Add, addList: AddList): void {
  if (d === null) addList(`${at}/URL`, []);
  else addList(`${at}/URL`, d.urls);
  add(`${at}/BaseDN`, d?.baseDn ?? null);
  add(`${at}/UserFilter`, d?.userFilter ?? null);
  add(`${at}/BindDNTemplate`, d?.bindDnTemplate ?? null);
  add(`${at}/StartTLS`, d?.startTls ?? null);
  add(`${at}/CAFile`, d?.caFile ?? null);
  add(`${at}/ConnectTimeoutSeconds`, d === null ? null : d.connectTimeoutMs / 1000);
  add(`${at}/OperationTimeoutSeconds`, d === null ? null : d.operationTimeoutMs / 1000);
}

function hhmm(t: TimeOfDay): string {
  return `${String(t.hour).padStart(2, '0')}${String(t.minute).padStart(2, '0')}`;
}
