// The mode sections → typed modes. A mode is enabled by the presence of its section;
// every element inside it is optional except the two server addresses of Hybrid and
// Cloud, which have no safe default (see docs/configuration.md).
import { buildDirectory } from './build-directory.js';
import { DEFAULTS, LIMITS } from './defaults.js';
import { printJobFileNameFormat } from './file-name-format.js';
import { pemFile, warnUnusedCa } from './pem-files.js';
import { clientId, resourceIndicator, scopes } from './idp-values.js';
import { isLoopback, listenAddress } from './listen-address.js';
import { SECTION_AD, SECTION_CLOUD, SECTION_HYBRID } from './schema.js';
import { serverAddress } from './server-address.js';
import type {
  CaptureSettings, ClientSettings, CloudMode, CloudServerSettings, HybridMode, IdpSettings, LocalMode, ModeKind, Platform,
  ReleaseSettings, RemoteServer, ServerlessAdMode,
} from './types.js';
import type { ValueReader } from './value-reader.js';
import { adWriteOption, apiVersion, boolean, integer, ldapAttribute, port, singleLineText, userMatchPolicy } from './values.js';

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

function buildRelease(r: ValueReader, section: string, platform: Platform): ReleaseSettings {
  const at = `${section}/ReleaseSettings`;
  const release: ReleaseSettings = {
    esfListenerPort: r.one(`${at}/EsfListenerPort`, port, DEFAULTS.esfListenerPort),
    useSsl: r.one(`${at}/UseSSL`, boolean, DEFAULTS.releaseUseSsl),
    certificateFile: pemFile(r, `${at}/CertificateFile`, platform),
    keyFile: pemFile(r, `${at}/KeyFile`, platform),
    listenAddress: r.one(`${at}/ListenAddress`, listenAddress, DEFAULTS.releaseListenAddress),
  };
  // Allowed (a local proxy, tests) but almost always a mistake: printers are other machines.
  if (isLoopback(release.listenAddress)) {
    r.warn(`${at}/ListenAddress`, `${at}/ListenAddress: ${release.listenAddress} is a loopback address: ` +
      'printers cannot reach the release service; use it only behind a local proxy or for tests');
  }
  return release;
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

function buildServer(r: ValueReader, at: string, platform: Platform): CloudServerSettings {
  const remote = buildRemote(r, at, 'cloud server');
  const caFile = pemFile(r, `${at}/CAFile`, platform);
  warnUnusedCa(r, `${at}/CAFile`, caFile, !remote.useSsl, 'UseSSL is false');
  return { ...remote, caFile };
}

function buildIdp(r: ValueReader, at: string, platform: Platform): IdpSettings {
  const remote = buildRemote(r, at, 'identity provider');
  const caFile = pemFile(r, `${at}/CAFile`, platform);
  warnUnusedCa(r, `${at}/CAFile`, caFile, !remote.useSsl, 'UseSSL is false');
  return {
    ...remote,
    clientId: r.one(`${at}/ClientId`, clientId, DEFAULTS.idpClientId),
    scopes: r.one(`${at}/Scopes`, scopes, DEFAULTS.idpScopes),
    caFile,
    resource: r.one<string | null>(`${at}/Resource`, resourceIndicator, null),
    userMatchPolicy: r.one(`${at}/UserMatchPolicy`, userMatchPolicy, DEFAULTS.userMatchPolicy),
  };
}

export function buildServerlessAd(r: ValueReader, platform: Platform): ServerlessAdMode {
  const s = SECTION_AD;
  return {
    kind: 'serverless-ad',
    capture: buildCapture(r, s, 'serverless-ad', platform),
    client: buildClient(r, s),
    release: buildRelease(r, s, platform),
    server: {
      activeDirectoryUserProperty: r.one(`${s}/ServerSettings/ActiveDirectoryUserProperty`, ldapAttribute, DEFAULTS.activeDirectoryUserProperty),
      serviceAccountUserName: r.optional(`${s}/ServerSettings/ServiceAccountUserName`, singleLineText),
      directory: buildDirectory(r, `${s}/ServerSettings/Directory`, platform),
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
    release: buildRelease(r, s, platform),
    server: buildServer(r, `${s}/ServerSettings`, platform),
    apiVersion: r.one(`${s}/ServerAPISettings/APIVersion`, apiVersion, DEFAULTS.apiVersion),
    idp: buildIdp(r, `${s}/ServerAPISettings/IDPServerSettings`, platform),
  };
}

export function buildCloud(r: ValueReader, platform: Platform): CloudMode {
  const s = SECTION_CLOUD;
  return {
    kind: 'cloud',
    capture: buildCapture(r, s, 'cloud', platform),
    server: buildServer(r, `${s}/ServerSettings`, platform),
    apiVersion: r.one(`${s}/APIVersion`, apiVersion, DEFAULTS.apiVersion),
    idp: buildIdp(r, `${s}/IDPServerSettings`, platform),
  };
}

/** SPEC §2's embedded default: hold jobs locally, capture on 9167, release on 9443. */
export function buildLocal(r: ValueReader, platform: Platform): LocalMode {
  // No section holds these in the file, so they always come from the defaults.
  return {
    kind: 'local',
    capture: buildCapture(r, LOCAL_SECTION, 'local', platform),
    client: buildClient(r, LOCAL_SECTION),
    release: buildRelease(r, LOCAL_SECTION, platform),
  };
}
