// The mode sections → typed modes. A mode is enabled by the presence of its section;
// every element inside it is optional except the two server addresses of Hybrid and
// Cloud, which have no safe default (see docs/configuration.md).
import { DEFAULTS, LIMITS } from './defaults.js';
import { printJobFileNameFormat } from './file-name-format.js';
import { SECTION_AD, SECTION_CLOUD, SECTION_HYBRID } from './schema.js';
import { serverAddress } from './server-address.js';
import type {
  CaptureSettings, ClientSettings, CloudMode, HybridMode, LocalMode, ModeKind, Platform, ReleaseSettings, RemoteServer, ServerlessAdMode,
} from './types.js';
import type { ValueReader } from './value-reader.js';
import { adWriteOption, apiVersion, boolean, integer, ldapAttribute, port, singleLineText } from './values.js';

const MIB = 1024 * 1024;

/** The pseudo-section name under which the embedded local mode's values are described. */
export const LOCAL_SECTION = 'LocalMode';

export function buildCapture(r: ValueReader, section: string, kind: ModeKind, platform: Platform): CaptureSettings {
  const at = `${section}/CaptureSettings`;
  return {
    loopbackPort: r.one(`${at}/LoopbackPort`, port, DEFAULTS.loopbackPort(kind)),
    printJobFileNameFormat: r.one(`${at}/PrintJobFileNameFormat`, printJobFileNameFormat, DEFAULTS.printJobFileNameFormat(platform)),
    maxJobSizeBytes: r.one(`${at}/MaxJobSizeMiB`, integer(1, LIMITS.maxJobSizeMiB, 'MiB'), DEFAULTS.maxJobSizeMiB) * MIB,
    idleTimeoutSeconds: r.one(`${at}/IdleTimeoutSeconds`, integer(1, LIMITS.idleTimeoutSeconds, 'seconds'), DEFAULTS.idleTimeoutSeconds),
    maxConnections: r.one(`${at}/MaxConnections`, integer(1, LIMITS.maxConnections), DEFAULTS.maxConnections),
  };
}

function buildClient(r: ValueReader, section: string): ClientSettings {
  const hours = integer(1, LIMITS.lifespanHours, 'hours');
  return {
    printAndKeepLifespanHours: r.one(`${section}/ClientSettings/PrintAndKeepLifespan`, hours, DEFAULTS.printAndKeepLifespanHours),
    unprintedJobsLifespanHours: r.one(`${section}/ClientSettings/UnprintedJobsLifespan`, hours, DEFAULTS.unprintedJobsLifespanHours),
  };
}

function buildRelease(r: ValueReader, section: string): ReleaseSettings {
  return {
    esfListenerPort: r.one(`${section}/ReleaseSettings/EsfListenerPort`, port, DEFAULTS.esfListenerPort),
    useSsl: r.one(`${section}/ReleaseSettings/UseSSL`, boolean, DEFAULTS.releaseUseSsl),
  };
}

function buildRemote(r: ValueReader, at: string, what: string): RemoteServer {
  const address = r.required(`${at}/ServerIP`, serverAddress(true), { host: '', path: '' },
    'a host name or IP address with an optional path, e.g. print.example.com/api',
    `the ${what} has no default: PullPrint does not pick a vendor's server for you`);
  return {
    host: address.host,
    path: address.path,
    port: r.one(`${at}/ServerPort`, port, DEFAULTS.serverPort),
    useSsl: r.one(`${at}/UseSSL`, boolean, DEFAULTS.serverUseSsl),
  };
}

export function buildServerlessAd(r: ValueReader, platform: Platform): ServerlessAdMode {
  const s = SECTION_AD;
  return {
    kind: 'serverless-ad',
    capture: buildCapture(r, s, 'serverless-ad', platform),
    client: buildClient(r, s),
    release: buildRelease(r, s),
    server: {
      activeDirectoryUserProperty: r.one(`${s}/ServerSettings/ActiveDirectoryUserProperty`, ldapAttribute, DEFAULTS.activeDirectoryUserProperty),
      serviceAccountUserName: r.optional(`${s}/ServerSettings/ServiceAccountUserName`, singleLineText),
    },
    adWrite: { option: r.one(`${s}/ADWriteSettings/ADWriteOption`, adWriteOption, DEFAULTS.adWriteOption) },
  };
}

export function buildHybrid(r: ValueReader, platform: Platform): HybridMode {
  const s = SECTION_HYBRID;
  return {
    kind: 'hybrid',
    capture: buildCapture(r, s, 'hybrid', platform),
    client: buildClient(r, s),
    release: buildRelease(r, s),
    server: buildRemote(r, `${s}/ServerSettings`, 'cloud server'),
    apiVersion: r.one(`${s}/ServerAPISettings/APIVersion`, apiVersion, DEFAULTS.apiVersion),
    idp: buildRemote(r, `${s}/ServerAPISettings/IDPServerSettings`, 'identity provider'),
  };
}

export function buildCloud(r: ValueReader, platform: Platform): CloudMode {
  const s = SECTION_CLOUD;
  return {
    kind: 'cloud',
    capture: buildCapture(r, s, 'cloud', platform),
    server: buildRemote(r, `${s}/ServerSettings`, 'cloud server'),
    apiVersion: r.one(`${s}/APIVersion`, apiVersion, DEFAULTS.apiVersion),
    idp: buildRemote(r, `${s}/IDPServerSettings`, 'identity provider'),
  };
}

/** SPEC §2's embedded default: hold jobs locally, capture on 9167, release on 9443. */
export function buildLocal(r: ValueReader, platform: Platform): LocalMode {
  // No section holds these in the file, so they always come from the defaults.
  return {
    kind: 'local',
    capture: buildCapture(r, LOCAL_SECTION, 'local', platform),
    client: buildClient(r, LOCAL_SECTION),
    release: buildRelease(r, LOCAL_SECTION),
  };
}
