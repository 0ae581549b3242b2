import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { leafPaths } from '../../../main/config/schema.js';
import type { Config, Platform } from '../../../main/config/types.js';
import {
  AD, baseFor, CL, CLOUD_SERVERS, DIRECTORY, doc, errorOf, HY, HYBRID_SERVERS, issuesOf, modeOf, NO_DIRECTORY, parse, PLATFORMS,
  positionAt, positionOf, TR, type AdMode, type ClMode, type HyMode, type Values,
} from './config-doc.js';

// ---- defaults ------------------------------------------------------------------------

type PerPlatform<T> = T | { readonly win32: T; readonly darwin: T; readonly linux: T };
interface DefaultRow {
  readonly path: string;
  readonly get: (c: Config) => unknown;
  readonly expected: PerPlatform<unknown>;
}

const LOG_DEFAULT = {
  win32: 'C:\\Users\\ann\\AppData\\Local\\PullPrint\\logs\\pullprint.log',
  darwin: '/Users/ann/Library/Logs/PullPrint/pullprint.log',
  linux: '/home/ann/.local/state/pullprint/pullprint.log',
};
const FORMAT_DEFAULT = { win32: '%d_%i.prn', darwin: '%d_%i.ps', linux: '%d_%i.ps' };

function captureRows(section: string, kind: string, port: number): DefaultRow[] {
  const m = (c: Config) => modeOf(c, kind) as { capture: Config['modes'][number]['capture'] };
  return [
    { path: `${section}/CaptureSettings/LoopbackPort`, get: (c) => m(c).capture.loopbackPort, expected: port },
    { path: `${section}/CaptureSettings/PrintJobFileNameFormat`, get: (c) => m(c).capture.printJobFileNameFormat, expected: FORMAT_DEFAULT },
    { path: `${section}/CaptureSettings/MaxJobSizeMiB`, get: (c) => m(c).capture.maxJobSizeBytes, expected: 4096 * 1024 * 1024 },
    { path: `${section}/CaptureSettings/IdleTimeoutSeconds`, get: (c) => m(c).capture.idleTimeoutSeconds, expected: 120 },
    { path: `${section}/CaptureSettings/MaxConnections`, get: (c) => m(c).capture.maxConnections, expected: 64 },
  ];
}

function heldRows(section: string, kind: string): DefaultRow[] {
  const m = (c: Config) => modeOf(c, kind) as AdMode | HyMode;
  return [
    { path: `${section}/ClientSettings/PrintAndKeepLifespan`, get: (c) => m(c).client.printAndKeepLifespanHours, expected: 48 },
    { path: `${section}/ClientSettings/UnprintedJobsLifespan`, get: (c) => m(c).client.unprintedJobsLifespanHours, expected: 48 },
    { path: `${section}/ReleaseSettings/EsfListenerPort`, get: (c) => m(c).release.esfListenerPort, expected: 9443 },
    { path: `${section}/ReleaseSettings/UseSSL`, get: (c) => m(c).release.useSsl, expected: true },
    { path: `${section}/ReleaseSettings/CertificateFile`, get: (c) => m(c).release.certificateFile, expected: null },
    { path: `${section}/ReleaseSettings/KeyFile`, get: (c) => m(c).release.keyFile, expected: null },
    { path: `${section}/ReleaseSettings/ListenAddress`, get: (c) => m(c).release.listenAddress, expected: '::' },
  ];
}

function remoteRows(at: string, kind: string, which: 'server' | 'idp'): DefaultRow[] {
  const m = (c: Config) => (modeOf(c, kind) as HyMode | ClMode)[which];
  return [
    { path: `${at}/ServerPort`, get: (c) => m(c).port, expected: 443 },
    { path: `${at}/UseSSL`, get: (c) => m(c).useSsl, expected: true },
    { path: `${at}/CAFile`, get: (c) => m(c).caFile, expected: null },
  ];
}

function idpRows(at: string, kind: string): DefaultRow[] {
  const m = (c: Config) => (modeOf(c, kind) as HyMode | ClMode).idp;
  return [
    ...remoteRows(at, kind, 'idp'),
    { path: `${at}/ClientId`, get: (c) => m(c).clientId, expected: 'pullprint' },
    { path: `${at}/Scopes`, get: (c) => m(c).scopes, expected: ['openid', 'email', 'profile', 'offline_access'] },
    { path: `${at}/Resource`, get: (c) => m(c).resource, expected: null },
    { path: `${at}/UserMatchPolicy`, get: (c) => m(c).userMatchPolicy, expected: 'accept-and-record' },
  ];
}

/** Read when the Directory group is present (with its URL and BaseDN). */
function directoryRows(): DefaultRow[] {
  const d = (c: Config) => (modeOf(c, 'serverless-ad') as AdMode).server.directory;
  return [
    { path: `${DIRECTORY}/UserFilter`, get: (c) => d(c)?.userFilter, expected: '(|(userPrincipalName={user})(mail={user})(sAMAccountName={user})(uid={user}))' },
    { path: `${DIRECTORY}/BindDNTemplate`, get: (c) => d(c)?.bindDnTemplate, expected: null },
    { path: `${DIRECTORY}/StartTLS`, get: (c) => d(c)?.startTls, expected: 'required' },
    { path: `${DIRECTORY}/CAFile`, get: (c) => d(c)?.caFile, expected: null },
    { path: `${DIRECTORY}/ConnectTimeoutSeconds`, get: (c) => d(c)?.connectTimeoutMs, expected: 5000 },
    { path: `${DIRECTORY}/OperationTimeoutSeconds`, get: (c) => d(c)?.operationTimeoutMs, expected: 10000 },
  ];
}

const DEFAULT_ROWS: readonly DefaultRow[] = [
  { path: 'Logger/LogFilePath', get: (c) => c.logger.logFilePath, expected: LOG_DEFAULT },
  { path: 'Logger/LoggingEnabled', get: (c) => c.logger.loggingEnabled, expected: false },
  ...captureRows(AD, 'serverless-ad', 9167),
  ...heldRows(AD, 'serverless-ad'),
  { path: `${AD}/ServerSettings/ActiveDirectoryUserProperty`, get: (c) => (modeOf(c, 'serverless-ad') as AdMode).server.activeDirectoryUserProperty, expected: 'otherLoginWorkstations' },
  { path: `${AD}/ServerSettings/ServiceAccountUserName`, get: (c) => (modeOf(c, 'serverless-ad') as AdMode).server.serviceAccountUserName, expected: null },
  ...directoryRows(),
  { path: `${AD}/ADWriteSettings/ADWriteOption`, get: (c) => (modeOf(c, 'serverless-ad') as AdMode).adWrite.option, expected: 'AtPrintTime' },
  ...captureRows(HY, 'hybrid', 9167),
  ...heldRows(HY, 'hybrid'),
  ...remoteRows(`${HY}/ServerSettings`, 'hybrid', 'server'),
  { path: `${HY}/ServerAPISettings/APIVersion`, get: (c) => (modeOf(c, 'hybrid') as HyMode).apiVersion, expected: '3.0' },
  ...idpRows(`${HY}/ServerAPISettings/IDPServerSettings`, 'hybrid'),
  ...captureRows(CL, 'cloud', 9168),
  ...remoteRows(`${CL}/ServerSettings`, 'cloud', 'server'),
  ...idpRows(`${CL}/IDPServerSettings`, 'cloud'),
  { path: `${CL}/APIVersion`, get: (c) => (modeOf(c, 'cloud') as ClMode).apiVersion, expected: '3.0' },
  { path: `${TR}/TrackDeletedJob`, get: (c) => c.tracker.trackDeletedJob, expected: true },
  { path: `${TR}/SendImmediately`, get: (c) => c.tracker.sendImmediately, expected: true },
  { path: `${TR}/IntervalMode`, get: (c) => c.tracker.intervalMode, expected: { win32: 'Daily', darwin: 'Minutes', linux: 'Daily' } },
  { path: `${TR}/SendInterval/Minutes`, get: (c) => c.tracker.sendInterval.minutes, expected: null },
  { path: `${TR}/SendInterval/Daily`, get: (c) => c.tracker.sendInterval.daily, expected: [{ hour: 12, minute: 0 }] },
  { path: `${TR}/SendInterval/Weekly/Day`, get: (c) => c.tracker.sendInterval.weekly.days, expected: [] },
  { path: `${TR}/SendInterval/Weekly/Hour`, get: (c) => c.tracker.sendInterval.weekly.hours, expected: [] },
  { path: `${TR}/ServerSettings/ServerIP`, get: (c) => c.tracker.server.host, expected: '0.0.0.0' },
  { path: `${TR}/ServerSettings/ServerPort`, get: (c) => c.tracker.server.port, expected: 9780 },
  { path: `${TR}/ServerSettings/ServerSSL`, get: (c) => c.tracker.server.ssl, expected: false },
  { path: `${TR}/ServerSettings/CAFile`, get: (c) => c.tracker.server.caFile, expected: null },
  { path: `${TR}/OtherSettings/SiteName`, get: (c) => c.tracker.siteName, expected: null },
  { path: 'LateBindingSettings/LateBindingEnabled', get: (c) => c.lateBinding.enabled, expected: false },
  { path: 'DeleteEmptyUserFolderSetting/DeleteEmptyUserFolders', get: (c) => c.deleteEmptyUserFolders.enabled, expected: false },
  { path: 'DeleteEmptyUserFolderSetting/DeleteEmptyUserFoldersLifespan', get: (c) => c.deleteEmptyUserFolders.lifespanDays, expected: 7 },
  { path: 'DisplayNotifications', get: (c) => c.displayNotifications, expected: true },
  { path: 'DefaultPrintQueue/DefaultQueue', get: (c) => c.defaultPrintQueue, expected: 'LPMCloud' },
];

const expectedOn = (e: PerPlatform<unknown>, p: Platform): unknown =>
  e !== null && typeof e === 'object' && !Array.isArray(e) && 'linux' in e ? (e as Record<Platform, unknown>)[p] : e;

describe('defaults: every element, every platform', () => {
  for (const platform of PLATFORMS) {
    for (const row of DEFAULT_ROWS) {
      test(`${platform}: ${row.path}`, () => {
        // The section is present (so the mode or tracker is read) but the element is not.
        const parent = row.path.includes('/') ? row.path.split('/')[0] : null;
        const c = parse(doc({ ...(parent ? { [parent]: null } : {}), ...baseFor(row.path) }), platform);
        assert.deepEqual(row.get(c), expectedOn(row.expected, platform));
        assert.deepEqual(c.sources[row.path], { from: 'default' });
      });
    }
  }

  test('the table covers every element of the schema except the required server addresses and Directory/URL, BaseDN', () => {
    const covered = new Set(DEFAULT_ROWS.map((r) => r.path));
    const required = leafPaths().filter((p) => /^(LPMServerlessSettings|LPMServerSettings)\/.*ServerIP$|\/Directory\/(URL|BaseDN)$/.test(p));
    assert.deepEqual(leafPaths().filter((p) => !covered.has(p)).sort(), required.sort());
    assert.equal(required.length, 6);
  });

  test('without a Directory group, directory is null and the config carries a warning at ServerSettings (or the section)', () => {
    for (const xml of [doc({ [AD]: null }), doc({ [`${AD}/ServerSettings/ServiceAccountUserName`]: 'svc-print' })]) {
      const c = parse(xml);
      assert.equal((modeOf(c, 'serverless-ad') as AdMode).server.directory, null);
      const at = xml.includes('<ServerSettings>') ? positionOf(xml, '<ServerSettings>') : positionOf(xml, `<${AD}/>`);
      assert.deepEqual(c.warnings, [`configuration.xml:${at.line}:${at.column}: ${NO_DIRECTORY}`]);
      assert.equal(c.sources[`${DIRECTORY}/UserFilter`], undefined);
    }
  });
});

// ---- every element read ----------------------------------------------------------------

describe('every element is read from the file', () => {
  test('a value written for each schema element is the effective value, sourced from its line', () => {
    const values: Values = {};
    // A valid non-default value for every leaf (ports all distinct).
    const sample: Record<string, string | string[]> = {
      'Logger/LogFilePath': '/var/log/pp/pp.log',
      'Logger/LoggingEnabled': 'debug',
      [`${TR}/TrackDeletedJob`]: 'false',
      [`${TR}/SendImmediately`]: 'false',
      [`${TR}/IntervalMode`]: 'weekly',
      [`${TR}/SendInterval/Minutes`]: '15',
      [`${TR}/SendInterval/Daily`]: ['0630', '1815'],
      [`${TR}/SendInterval/Weekly/Day`]: ['1', '7'],
      [`${TR}/SendInterval/Weekly/Hour`]: ['0000', '2359'],
      [`${TR}/ServerSettings/ServerIP`]: 'reports.example.com',
      [`${TR}/ServerSettings/ServerPort`]: '9781',
      [`${TR}/ServerSettings/ServerSSL`]: 'TRUE',
      [`${TR}/ServerSettings/CAFile`]: '/etc/pullprint/reports-ca.pem',
      [`${TR}/OtherSettings/SiteName`]: 'Lyon &amp; Co',
      'LateBindingSettings/LateBindingEnabled': 'True',
      'DeleteEmptyUserFolderSetting/DeleteEmptyUserFolders': 'true',
      'DeleteEmptyUserFolderSetting/DeleteEmptyUserFoldersLifespan': '30',
      DisplayNotifications: 'false',
      'DefaultPrintQueue/DefaultQueue': 'Office-Queue',
      [`${AD}/ServerSettings/ActiveDirectoryUserProperty`]: 'extensionAttribute7',
      [`${AD}/ServerSettings/ServiceAccountUserName`]: 'CORP\\svc-print',
      [`${AD}/ADWriteSettings/ADWriteOption`]: 'atstartup',
      [`${DIRECTORY}/URL`]: ['LDAPS://DC1.Corp.Example:636', 'ldaps://[2001:DB8::5]'],
      [`${DIRECTORY}/BaseDN`]: 'OU=People, DC=corp,DC=example',
      [`${DIRECTORY}/UserFilter`]: '(&amp;(objectClass=user)(sAMAccountName={user}))',
      [`${DIRECTORY}/BindDNTemplate`]: 'CORP\\{user}',
      [`${DIRECTORY}/StartTLS`]: 'None',
      [`${DIRECTORY}/CAFile`]: '/etc/pullprint/corp-ca.pem',
      [`${DIRECTORY}/ConnectTimeoutSeconds`]: '3',
      [`${DIRECTORY}/OperationTimeoutSeconds`]: '600',
      [`${HY}/ServerAPISettings/APIVersion`]: '4.1',
      [`${CL}/APIVersion`]: '4.2',
    };
    let port = 20000;
    for (const [section, kind] of [[AD, 'ad'], [HY, 'hy'], [CL, 'cl']] as const) {
      sample[`${section}/CaptureSettings/LoopbackPort`] = String(port++);
      sample[`${section}/CaptureSettings/PrintJobFileNameFormat`] = `${kind}-%u-%pq-%pd-%d-%i-100%%.job`;
      sample[`${section}/CaptureSettings/MaxJobSizeMiB`] = '512';
      sample[`${section}/CaptureSettings/IdleTimeoutSeconds`] = '30';
      sample[`${section}/CaptureSettings/MaxConnections`] = '8';
      if (section !== CL) {
        sample[`${section}/ClientSettings/PrintAndKeepLifespan`] = '12';
        sample[`${section}/ClientSettings/UnprintedJobsLifespan`] = '72';
        sample[`${section}/ReleaseSettings/EsfListenerPort`] = String(port++);
        sample[`${section}/ReleaseSettings/UseSSL`] = 'false';
        sample[`${section}/ReleaseSettings/CertificateFile`] = `/etc/pullprint/${kind}.crt`;
        sample[`${section}/ReleaseSettings/KeyFile`] = `/etc/pullprint/${kind}.key`;
        sample[`${section}/ReleaseSettings/ListenAddress`] = section === AD ? '192.0.2.10' : '2001:DB8::10';
      }
    }
    for (const at of [`${HY}/ServerSettings`, `${HY}/ServerAPISettings/IDPServerSettings`, `${CL}/ServerSettings`, `${CL}/IDPServerSettings`]) {
      const n = port++;
      sample[`${at}/ServerIP`] = `[2001:DB8::${n.toString(16).toUpperCase()}]/p/`;
      sample[`${at}/ServerPort`] = String(n);
      sample[`${at}/UseSSL`] = 'false';
      sample[`${at}/CAFile`] = `/etc/pullprint/ca-${n}.pem`;
      if (at.endsWith('IDPServerSettings')) {
        sample[`${at}/ClientId`] = `client-${n}`;
        sample[`${at}/Scopes`] = 'email openid api://print/jobs.read';
        sample[`${at}/Resource`] = at.startsWith(HY) ? 'https://print-api.example.com' : 'print-api';
        sample[`${at}/UserMatchPolicy`] = 'Reject';
      }
    }
    assert.deepEqual(Object.keys(sample).sort(), leafPaths().sort(), 'the sample names every schema element');
    Object.assign(values, sample);
    const xml = doc(values);
    const c = parse(xml);
    // The only warnings: every release certificate and every CA file is unused, TLS being off.
    const unused = c.warnings.map((w) => w.replace(/^configuration\.xml:\d+:\d+: /, '')).sort();
    assert.deepEqual(unused, [
      `${AD}/ReleaseSettings/CertificateFile and KeyFile are not used: UseSSL is false`,
      `${HY}/ReleaseSettings/CertificateFile and KeyFile are not used: UseSSL is false`,
      ...[`${HY}/ServerSettings`, `${HY}/ServerAPISettings/IDPServerSettings`, `${CL}/ServerSettings`, `${CL}/IDPServerSettings`]
        .map((at) => `${at}/CAFile: ${sample[`${at}/CAFile`] as string} is not used: UseSSL is false`),
    ].sort());
    for (const path of leafPaths()) {
      const v = sample[path];
      const first = Array.isArray(v) ? v[0] : v;
      assert.deepEqual(c.sources[path], { from: 'file', ...positionAt(xml, path, first) }, path);
    }
    const [ad, hy, cl] = c.modes as [AdMode, HyMode, ClMode];
    assert.deepEqual(c.modes.map((m) => m.kind), ['serverless-ad', 'hybrid', 'cloud']);
    assert.deepEqual(c.logger, { logFilePath: '/var/log/pp/pp.log', loggingEnabled: 'debug' });
    assert.deepEqual(ad.capture, { loopbackPort: 20000, printJobFileNameFormat: 'ad-%u-%pq-%pd-%d-%i-100%%.job', maxJobSizeBytes: 512 * 1024 * 1024, idleTimeoutSeconds: 30, maxConnections: 8 });
    assert.deepEqual(ad.client, { printAndKeepLifespanHours: 12, unprintedJobsLifespanHours: 72 });
    assert.deepEqual(ad.release, {
      esfListenerPort: 20001, useSsl: false, certificateFile: '/etc/pullprint/ad.crt', keyFile: '/etc/pullprint/ad.key', listenAddress: '192.0.2.10',
    });
    assert.deepEqual(ad.server, {
      activeDirectoryUserProperty: 'extensionAttribute7',
      serviceAccountUserName: 'CORP\\svc-print',
      directory: {
        urls: ['ldaps://dc1.corp.example:636', 'ldaps://[2001:db8::5]'],
        baseDn: 'OU=People, DC=corp,DC=example',
        userFilter: '(&(objectClass=user)(sAMAccountName={user}))',
        bindDnTemplate: 'CORP\\{user}',
        startTls: 'none',
        caFile: '/etc/pullprint/corp-ca.pem',
        connectTimeoutMs: 3000,
        operationTimeoutMs: 600_000,
      },
    });
    assert.deepEqual(ad.adWrite, { option: 'AtStartup' });
    assert.equal(hy.capture.loopbackPort, 20002);
    assert.equal(hy.release.esfListenerPort, 20003);
    assert.equal(hy.release.listenAddress, '2001:db8::10');
    assert.equal(hy.apiVersion, '4.1');
    assert.deepEqual(hy.server, { host: '[2001:db8::4e25]', path: '/p', port: 20005, useSsl: false, caFile: '/etc/pullprint/ca-20005.pem' });
    const idp = { scopes: ['email', 'openid', 'api://print/jobs.read'], userMatchPolicy: 'reject' };
    assert.deepEqual(hy.idp, {
      host: '[2001:db8::4e26]', path: '/p', port: 20006, useSsl: false,
      caFile: '/etc/pullprint/ca-20006.pem', clientId: 'client-20006', resource: 'https://print-api.example.com', ...idp,
    });
    assert.equal(cl.capture.loopbackPort, 20004);
    assert.equal(cl.apiVersion, '4.2');
    assert.deepEqual(cl.server, { host: '[2001:db8::4e27]', path: '/p', port: 20007, useSsl: false, caFile: '/etc/pullprint/ca-20007.pem' });
    assert.deepEqual(cl.idp, {
      host: '[2001:db8::4e28]', path: '/p', port: 20008, useSsl: false,
      caFile: '/etc/pullprint/ca-20008.pem', clientId: 'client-20008', resource: 'print-api', ...idp,
    });
    assert.deepEqual(c.tracker, {
      present: true,
      trackDeletedJob: false,
      sendImmediately: false,
      intervalMode: 'Weekly',
      sendInterval: {
        minutes: 15,
        daily: [{ hour: 6, minute: 30 }, { hour: 18, minute: 15 }],
        weekly: { days: [1, 7], hours: [{ hour: 0, minute: 0 }, { hour: 23, minute: 59 }] },
      },
      server: { host: 'reports.example.com', port: 9781, ssl: true, caFile: '/etc/pullprint/reports-ca.pem' },
      siteName: 'Lyon & Co',
    });
    assert.deepEqual(c.lateBinding, { enabled: true });
    assert.deepEqual(c.deleteEmptyUserFolders, { enabled: true, lifespanDays: 30 });
    assert.equal(c.displayNotifications, false);
    assert.equal(c.defaultPrintQueue, 'Office-Queue');
    const daily2 = positionOf(xml, '<Daily>1815</Daily>');
    assert.deepEqual(c.sources[`${TR}/SendInterval/Daily[2]`], { from: 'file', ...daily2 });
  });
});

// ---- invalid values --------------------------------------------------------------------

interface InvalidRow {
  readonly path: string;
  readonly value: string;
  /** A fragment the `allowed` text must contain. */
  readonly allowed: string;
  readonly platform?: Platform;
  /** A fragment the message must contain (a hint). */
  readonly hint?: string;
}

const portRows = (path: string): InvalidRow[] => [
  { path, value: '0', allowed: '1 to 65535' },
  { path, value: '65536', allowed: '1 to 65535' },
];

const INVALID_ROWS: readonly InvalidRow[] = [
  { path: 'Logger/LogFilePath', value: 'logs/pullprint.log', allowed: 'absolute file path' },
  { path: 'Logger/LogFilePath', value: 'C:\\ProgramData\\x.log', allowed: 'absolute file path', hint: 'Windows path' },
  { path: 'Logger/LogFilePath', value: 'x.log', allowed: 'absolute file path', platform: 'win32' },
  { path: 'Logger/LogFilePath', value: '/var/log/', allowed: 'absolute file path', hint: 'names a folder' },
  { path: 'Logger/LoggingEnabled', value: 'verbose', allowed: 'debug' },
  ...[AD, HY, CL].flatMap((s): InvalidRow[] => [
    ...portRows(`${s}/CaptureSettings/LoopbackPort`),
    { path: `${s}/CaptureSettings/LoopbackPort`, value: '9167.5', allowed: '1 to 65535', hint: 'whole numbers' },
    { path: `${s}/CaptureSettings/PrintJobFileNameFormat`, value: '%d.prn', allowed: 'containing %i', hint: '%i (the cycle counter) is required' },
    { path: `${s}/CaptureSettings/PrintJobFileNameFormat`, value: '%d_%i_%x.prn', allowed: '%d %i %u %pd %pq', hint: 'unknown token "%x"' },
    { path: `${s}/CaptureSettings/PrintJobFileNameFormat`, value: '../%i.prn', allowed: 'without /', hint: 'not a path' },
    { path: `${s}/CaptureSettings/MaxJobSizeMiB`, value: '0', allowed: 'from 1 to 1048576' },
    { path: `${s}/CaptureSettings/IdleTimeoutSeconds`, value: '-5', allowed: 'from 1 to 86400' },
    { path: `${s}/CaptureSettings/MaxConnections`, value: 'many', allowed: 'from 1 to 10000' },
  ]),
  ...[AD, HY].flatMap((s): InvalidRow[] => [
    { path: `${s}/ClientSettings/PrintAndKeepLifespan`, value: '0', allowed: 'integer from 1' },
    { path: `${s}/ClientSettings/UnprintedJobsLifespan`, value: '2.5', allowed: 'integer from 1' },
    ...portRows(`${s}/ReleaseSettings/EsfListenerPort`),
    { path: `${s}/ReleaseSettings/UseSSL`, value: 'yes', allowed: 'true or false', hint: 'write true or false' },
    { path: `${s}/ReleaseSettings/CertificateFile`, value: 'certs/release.pem', allowed: 'absolute file path, e.g. /etc/pullprint/corp-ca.pem' },
    { path: `${s}/ReleaseSettings/CertificateFile`, value: 'release.pem', allowed: 'C:\\ProgramData\\PullPrint\\corp-ca.pem', platform: 'win32' },
    { path: `${s}/ReleaseSettings/KeyFile`, value: 'C:\\keys\\release.key', allowed: 'absolute file path', hint: 'Windows path' },
    { path: `${s}/ReleaseSettings/KeyFile`, value: '/etc/pullprint/', allowed: 'absolute file path', hint: 'names a folder' },
    { path: `${s}/ReleaseSettings/ListenAddress`, value: 'ws-042.corp.example', allowed: 'IPv4 or IPv6 address', hint: 'not a host name' },
    { path: `${s}/ReleaseSettings/ListenAddress`, value: '[::1]', allowed: 'IPv4 or IPv6 address', hint: 'without brackets: ::1' },
    { path: `${s}/ReleaseSettings/ListenAddress`, value: '192.0.2.10:9443', allowed: 'IPv4 or IPv6 address', hint: 'the port is EsfListenerPort' },
    { path: `${s}/ReleaseSettings/ListenAddress`, value: '256.1.1.1', allowed: ':: or 0.0.0.0 for every interface' },
    { path: `${s}/ReleaseSettings/ListenAddress`, value: '', allowed: 'IPv4 or IPv6 address' },
  ]),
  { path: `${AD}/ServerSettings/ActiveDirectoryUserProperty`, value: 'other Login', allowed: 'LDAP attribute name' },
  { path: `${AD}/ServerSettings/ServiceAccountUserName`, value: 'a&#10;b', allowed: 'text on one line' },
  { path: `${AD}/ADWriteSettings/ADWriteOption`, value: 'Always', allowed: 'AtStartup, AtPrintTime or AtStartupAndPrintTime' },
  { path: `${DIRECTORY}/URL`, value: 'https://dc1.corp.example', allowed: 'ldaps://host[:port] or ldap://host[:port]', hint: '"https://" is not a directory scheme' },
  { path: `${DIRECTORY}/URL`, value: 'dc1.corp.example', allowed: 'ldaps://host', hint: 'write ldaps://dc1.corp.example' },
  { path: `${DIRECTORY}/URL`, value: 'ldaps://dc1.corp.example/DC=corp,DC=example', allowed: 'no path', hint: 'the search base is BaseDN' },
  { path: `${DIRECTORY}/URL`, value: 'ldap://dc1.corp.example:0', allowed: 'no path', hint: 'the port must be 1 to 65535' },
  { path: `${DIRECTORY}/URL`, value: 'ldaps://2001:db8::5', allowed: 'IPv6 in brackets', hint: 'write IPv6 addresses in brackets: ldaps://[2001:db8::5]' },
  { path: `${DIRECTORY}/URL`, value: 'ldaps://admin@dc1.corp.example', allowed: 'no path', hint: 'no user name in the URL' },
  { path: `${DIRECTORY}/URL`, value: '', allowed: 'ldaps://host[:port]' },
  { path: `${DIRECTORY}/BaseDN`, value: 'corp.example', allowed: 'a distinguished name', hint: '"corp.example" is not attribute=value' },
  { path: `${DIRECTORY}/BaseDN`, value: 'DC=corp,,DC=example', allowed: 'a distinguished name', hint: 'is not attribute=value' },
  { path: `${DIRECTORY}/BaseDN`, value: 'OU=A\\B,DC=example', allowed: 'a distinguished name', hint: 'escapes nothing' },
  { path: `${DIRECTORY}/BaseDN`, value: '', allowed: 'a distinguished name' },
  { path: `${DIRECTORY}/UserFilter`, value: '(sAMAccountName=alice)', allowed: 'containing {user}', hint: '{user} marks where the sign-in name goes' },
  { path: `${DIRECTORY}/UserFilter`, value: '(sAMAccountName={user}', allowed: 'RFC 4515', hint: '")" missing' },
  { path: `${DIRECTORY}/UserFilter`, value: 'sAMAccountName={user}', allowed: 'RFC 4515', hint: '"(" expected at character 1' },
  { path: `${DIRECTORY}/UserFilter`, value: '(|(uid={user})(mail={user}*))(x=1)', allowed: 'RFC 4515', hint: 'text after the closing' },
  { path: `${DIRECTORY}/UserFilter`, value: '(cn=a(b){user})', allowed: 'RFC 4515', hint: 'write it as \\28' },
  { path: `${DIRECTORY}/BindDNTemplate`, value: 'uid=alice,ou=people,dc=example,dc=com', allowed: 'containing {user}', hint: '{user} marks' },
  { path: `${DIRECTORY}/BindDNTemplate`, value: '', allowed: 'a bind name containing {user}' },
  { path: `${DIRECTORY}/StartTLS`, value: 'optional', allowed: 'required or none' },
  { path: `${DIRECTORY}/CAFile`, value: 'corp-ca.pem', allowed: 'absolute file path' },
  { path: `${DIRECTORY}/ConnectTimeoutSeconds`, value: '121', allowed: 'from 1 to 120 (seconds)' },
  { path: `${DIRECTORY}/ConnectTimeoutSeconds`, value: '0', allowed: 'from 1 to 120 (seconds)' },
  { path: `${DIRECTORY}/OperationTimeoutSeconds`, value: '601', allowed: 'from 1 to 600 (seconds)' },
  { path: `${DIRECTORY}/OperationTimeoutSeconds`, value: '1.5', allowed: 'from 1 to 600', hint: 'whole numbers' },
  ...[`${HY}/ServerSettings`, `${HY}/ServerAPISettings/IDPServerSettings`, `${CL}/ServerSettings`, `${CL}/IDPServerSettings`].flatMap((at): InvalidRow[] => [
    { path: `${at}/ServerIP`, value: 'https://print.example.com/api', allowed: 'no scheme', hint: 'remove "https://" and write print.example.com/api' },
    { path: `${at}/ServerIP`, value: 'print.example.com:8443', allowed: 'no scheme or port', hint: 'put the port in ServerPort' },
    ...portRows(`${at}/ServerPort`),
    { path: `${at}/UseSSL`, value: 'ssl', allowed: 'true or false' },
    { path: `${at}/CAFile`, value: 'ca.pem', allowed: 'absolute file path' },
    { path: `${at}/CAFile`, value: '', allowed: 'absolute file path' },
  ]),
  ...[`${HY}/ServerAPISettings/IDPServerSettings`, `${CL}/IDPServerSettings`].flatMap((at): InvalidRow[] => [
    { path: `${at}/ClientId`, value: 'pull print', allowed: '1 to 200 printable ASCII characters', hint: 'no spaces' },
    { path: `${at}/ClientId`, value: 'c'.repeat(201), allowed: '1 to 200 printable ASCII characters' },
    { path: `${at}/ClientId`, value: 'pullprint\u00e9', allowed: 'printable ASCII' },
    { path: `${at}/Scopes`, value: 'email profile', allowed: 'including openid', hint: 'add openid' },
    { path: `${at}/Scopes`, value: 'openid,email', allowed: 'separated by spaces', hint: 'separate scopes with spaces, not commas' },
    { path: `${at}/Scopes`, value: 'openid email openid', allowed: 'including openid', hint: '"openid" is written twice' },
    { path: `${at}/Scopes`, value: 'openid "email"', allowed: 'scope tokens', hint: 'is not a scope token' },
    { path: `${at}/Scopes`, value: 'OpenID email', allowed: 'including openid', hint: 'add openid' },
    { path: `${at}/Resource`, value: 'https://print-api.example.com/#v1', allowed: 'absolute URI without a fragment', hint: 'forbids a fragment' },
    { path: `${at}/Resource`, value: 'print api', allowed: 'or a plain identifier' },
    { path: `${at}/Resource`, value: 'https:///jobs', allowed: 'absolute URI', hint: 'needs a host' },
    { path: `${at}/Resource`, value: '//print-api.example.com', allowed: 'absolute URI', hint: 'add the scheme' },
    { path: `${at}/UserMatchPolicy`, value: 'warn', allowed: 'accept-and-record or reject' },
  ]),
  { path: `${HY}/ServerAPISettings/APIVersion`, value: 'v3', allowed: 'version number' },
  { path: `${CL}/APIVersion`, value: '3.0-beta', allowed: 'version number' },
  { path: `${TR}/TrackDeletedJob`, value: '1', allowed: 'true or false' },
  { path: `${TR}/SendImmediately`, value: 'now', allowed: 'true or false' },
  { path: `${TR}/IntervalMode`, value: 'Monthly', allowed: 'Minutes, Hourly, Daily or Weekly' },
  { path: `${TR}/SendInterval/Minutes`, value: '0', allowed: 'from 1' },
  { path: `${TR}/SendInterval/Daily`, value: '2400', allowed: 'HHMM, 0000 to 2359' },
  { path: `${TR}/SendInterval/Daily`, value: '12:30', allowed: 'HHMM', hint: 'write 1230 without the colon' },
  { path: `${TR}/SendInterval/Weekly/Day`, value: '8', allowed: '1 to 7' },
  { path: `${TR}/SendInterval/Weekly/Day`, value: '0', allowed: '1 to 7' },
  { path: `${TR}/SendInterval/Weekly/Hour`, value: '1260', allowed: 'HHMM' },
  { path: `${TR}/ServerSettings/ServerIP`, value: 'reports.example.com/x', allowed: 'no scheme, port or path', hint: 'host only' },
  ...portRows(`${TR}/ServerSettings/ServerPort`),
  { path: `${TR}/ServerSettings/ServerSSL`, value: 'off', allowed: 'true or false' },
  { path: `${TR}/ServerSettings/CAFile`, value: 'reports-ca.pem', allowed: 'absolute file path' },
  { path: `${TR}/ServerSettings/CAFile`, value: 'reports-ca.pem', allowed: 'C:\\ProgramData', platform: 'win32' },
  { path: `${TR}/OtherSettings/SiteName`, value: 'x'.repeat(257), allowed: '1 to 256 characters' },
  { path: 'LateBindingSettings/LateBindingEnabled', value: 'enabled', allowed: 'true or false' },
  { path: 'DeleteEmptyUserFolderSetting/DeleteEmptyUserFolders', value: 'tru', allowed: 'true or false' },
  { path: 'DeleteEmptyUserFolderSetting/DeleteEmptyUserFoldersLifespan', value: '0', allowed: 'from 1 to 36500' },
  { path: 'DisplayNotifications', value: 'maybe', allowed: 'true or false' },
  { path: 'DefaultPrintQueue/DefaultQueue', value: 'My Queue', allowed: 'no spaces' },
  { path: 'DefaultPrintQueue/DefaultQueue', value: '', allowed: 'print queue name' },
  { path: 'DisplayNotifications', value: '', allowed: 'true or false' },
];

const decoded = (v: string): string => v.replace(/&#10;/g, '\n').replace(/&amp;/g, '&');

describe('invalid values: path, line, column, found, allowed', () => {
  for (const row of INVALID_ROWS) {
    test(`${row.path} = ${JSON.stringify(row.value.slice(0, 40))}${row.platform ? ` on ${row.platform}` : ''}`, () => {
      const xml = doc({ ...baseFor(row.path), [row.path]: row.value });
      const issues = issuesOf(xml, row.platform);
      assert.equal(issues.length, 1, issues.map((i) => i.message).join('\n'));
      const [issue] = issues;
      const isRepeated = /\/(Daily|Day|Hour|URL)$/.test(row.path);
      assert.equal(issue.path, isRepeated ? `${row.path}[1]` : row.path);
      const leaf = row.path.split('/').pop();
      assert.deepEqual({ line: issue.line, column: issue.column }, positionOf(xml, `<${leaf}>${row.value}</${leaf}>`));
      assert.equal(issue.found, decoded(row.value).trim());
      assert.ok(issue.allowed.includes(row.allowed), `allowed "${issue.allowed}" should contain "${row.allowed}"`);
      assert.ok(issue.message.startsWith(`${issue.path} (line ${issue.line}, column ${issue.column}): `), issue.message);
      if (row.value !== '') assert.ok(issue.message.includes(`found "${decoded(row.value)}"`), issue.message);
      else assert.ok(issue.message.includes('empty'), issue.message);
      if (row.hint) assert.ok(issue.message.includes(row.hint), `${issue.message} should contain "${row.hint}"`);
    });
  }

  test('the table has at least one invalid value for every element', () => {
    const covered = new Set(INVALID_ROWS.map((r) => r.path));
    assert.deepEqual(leafPaths().filter((p) => !covered.has(p)), []);
  });

  test('booleans, LoggingEnabled and the enums ignore letter case; values are trimmed', () => {
    const c = parse(doc({
      'Logger/LoggingEnabled': 'DEBUG',
      DisplayNotifications: '  FALSE \n ',
      'LateBindingSettings/LateBindingEnabled': 'tRuE',
      [`${TR}/IntervalMode`]: 'hOURLY',
      [`${AD}/ADWriteOption`]: null,
      [`${AD}/ADWriteSettings/ADWriteOption`]: 'atstartupandprinttime',
      [`${AD}/CaptureSettings/LoopbackPort`]: ' 9300 ',
    }));
    assert.equal(c.logger.loggingEnabled, 'debug');
    assert.equal(c.displayNotifications, false);
    assert.equal(c.lateBinding.enabled, true);
    assert.equal(c.tracker.intervalMode, 'Hourly');
    const ad = modeOf(c, 'serverless-ad') as AdMode;
    assert.equal(ad.adWrite.option, 'AtStartupAndPrintTime');
    assert.equal(ad.capture.loopbackPort, 9300);
  });
});

describe('required server addresses', () => {
  for (const [section, servers] of [[HY, HYBRID_SERVERS], [CL, CLOUD_SERVERS]] as const) {
    test(`${section}: both ServerIP elements are required, each named`, () => {
      const xml = doc({ [section]: null });
      const issues = issuesOf(xml);
      assert.deepEqual(issues.map((i) => i.path).sort(), Object.keys(servers).sort());
      const sectionPos = positionOf(xml, `<${section}/>`);
      for (const i of issues) {
        assert.equal(i.found, '(missing)');
        assert.deepEqual({ line: i.line, column: i.column }, sectionPos);
        assert.match(i.message, /missing; the (cloud server|identity provider) has no default/);
      }
    });
  }

  test('the position of a missing ServerIP is its nearest written parent', () => {
    const xml = doc({ [`${CL}/ServerSettings/ServerPort`]: '443', [`${CL}/IDPServerSettings/ServerIP`]: 'idp.example.com' });
    const [issue] = issuesOf(xml);
    assert.equal(issue.path, `${CL}/ServerSettings/ServerIP`);
    assert.deepEqual({ line: issue.line, column: issue.column }, positionOf(xml, '<ServerSettings>'));
  });
});

describe('all errors are reported together', () => {
  test('bad values in several sections, a duplicate and a missing address: one ConfigError lists them all in file order', () => {
    const xml = doc({
      'Logger/LoggingEnabled': 'loud',
      [`${AD}/CaptureSettings/LoopbackPort`]: '99999',
      [`${AD}/ReleaseSettings/UseSSL`]: 'nope',
      [`${CL}/ServerSettings/ServerIP`]: 'http://x.example.com',
      [`${TR}/SendInterval/Daily`]: ['1200', '2500', '9999'],
      'DeleteEmptyUserFolderSetting/DeleteEmptyUserFoldersLifespan': '-1',
    });
    const err = errorOf(xml);
    assert.deepEqual(err.issues.map((i) => i.path), [
      'Logger/LoggingEnabled',
      `${AD}/CaptureSettings/LoopbackPort`,
      `${AD}/ReleaseSettings/UseSSL`,
      // The missing IdP address is reported at its section's line, before ServerSettings/ServerIP.
      `${CL}/IDPServerSettings/ServerIP`,
      `${CL}/ServerSettings/ServerIP`,
      `${TR}/SendInterval/Daily[2]`,
      `${TR}/SendInterval/Daily[3]`,
      'DeleteEmptyUserFolderSetting/DeleteEmptyUserFoldersLifespan',
    ]);
    assert.match(err.message, /^configuration\.xml: 8 errors\n/);
    for (const i of err.issues) assert.ok(err.message.includes(i.message));
  });
});

// ---- structure, unknown elements, quirks -------------------------------------------------

describe('unknown and misplaced elements', () => {
  test('an unknown element is warned by name, with its line, and does not stop the load', () => {
    const xml = doc({ 'Logger/LoggingEnabled': 'true', 'Logger/Colour': 'blue', Extras: null });
    const c = parse(xml);
    const colour = positionOf(xml, '<Colour>');
    const extras = positionOf(xml, '<Extras/>');
    assert.deepEqual(c.warnings, [
      `configuration.xml:${colour.line}:${colour.column}: unknown element <Colour> in Logger ignored`,
      `configuration.xml:${extras.line}:${extras.column}: unknown element <Extras> in Configuration ignored`,
    ]);
  });

  test('a wrong-case element name is warned with "did you mean" and its value is not applied', () => {
    const xml = doc({ [`${CL}/CaptureSettings/loopbackport`]: '9300', ...CLOUD_SERVERS });
    const c = parse(xml);
    assert.equal((modeOf(c, 'cloud') as ClMode).capture.loopbackPort, 9168);
    const pos = positionOf(xml, '<loopbackport>');
    assert.deepEqual(c.warnings, [
      `configuration.xml:${pos.line}:${pos.column}: unknown element <loopbackport> in LPMServerSettings/CaptureSettings ignored; did you mean LoopbackPort? (element names are case-sensitive)`,
    ]);
  });

  test('a misspelt element gets the nearest name; a misspelt section too', () => {
    const c = parse(doc({ 'Logger/LogingEnabled': 'true', 'LateBindingSetings/LateBindingEnabled': 'true' }));
    assert.equal(c.warnings.length, 2);
    assert.match(c.warnings[0], /unknown element <LogingEnabled> in Logger ignored; did you mean LoggingEnabled\?$/);
    assert.match(c.warnings[1], /unknown element <LateBindingSetings> in Configuration ignored; did you mean LateBindingSettings\?$/);
    assert.equal(c.lateBinding.enabled, false);
  });

  test('an element valid elsewhere says where it belongs (IDPServerSettings directly in the Hybrid section)', () => {
    const xml = doc({ [`${HY}/ServerSettings/ServerIP`]: 'a.example.com', [`${HY}/IDPServerSettings/ServerIP`]: 'idp.example.com' });
    const err = errorOf(xml);
    assert.deepEqual(err.issues.map((i) => i.path), [`${HY}/ServerAPISettings/IDPServerSettings/ServerIP`]);
    assert.equal(err.warnings.length, 1);
    assert.match(err.warnings[0], /unknown element <IDPServerSettings> in LPMServerlessSettings ignored; <IDPServerSettings> belongs directly in LPMServerlessSettings\/ServerAPISettings or LPMServerSettings$/);
  });
});

describe('structural errors', () => {
  test('an element written twice is an error (only Daily, Day, Hour, Directory/URL repeat)', () => {
    const xml = doc({ [`${AD}/CaptureSettings/LoopbackPort`]: ['9300', '9301'] });
    const [issue] = issuesOf(xml);
    assert.equal(issue.path, `${AD}/CaptureSettings/LoopbackPort`);
    assert.deepEqual({ line: issue.line, column: issue.column }, positionOf(xml, '<LoopbackPort>9301'));
    assert.match(issue.message, /appears more than once \(first at line \d+\); only Daily, Day, Hour and Directory\/URL may repeat/);
  });

  test('a section written twice is an error', () => {
    const xml = '<Configuration><Logger/><Logger/></Configuration>';
    assert.deepEqual(issuesOf(xml).map((i) => [i.path, i.line, i.column]), [['Logger', 1, 25]]);
  });

  test('text where settings are expected, and elements where a value is expected', () => {
    const xml = '<Configuration>\n<Logger>true</Logger>\n<DisplayNotifications><b>true</b></DisplayNotifications>\n</Configuration>';
    const issues = issuesOf(xml);
    assert.deepEqual(issues.map((i) => [i.path, i.line, i.column, i.found]), [['Logger', 2, 1, 'true'], ['DisplayNotifications', 3, 1, '<b>']]);
  });

  test('the root must be Configuration; a wrong-case root is read with a warning', () => {
    assert.deepEqual(issuesOf('<Settings/>').map((i) => i.path), ['Settings']);
    const c = parse('<configuration><DisplayNotifications>false</DisplayNotifications></configuration>');
    assert.equal(c.displayNotifications, false);
    assert.match(c.warnings[0], /root element <configuration> read as <Configuration>/);
  });

  test('modes come in the order serverless-ad, hybrid, cloud whatever the order of the sections', () => {
    const xml = doc({ ...CLOUD_SERVERS, [`${HY}/CaptureSettings/LoopbackPort`]: '9170', [`${HY}/ReleaseSettings/EsfListenerPort`]: '9444', ...HYBRID_SERVERS, [AD]: null });
    assert.ok(xml.indexOf(`<${CL}>`) < xml.indexOf(`<${HY}>`) && xml.indexOf(`<${HY}>`) < xml.indexOf(`<${AD}/>`));
    assert.deepEqual(parse(xml).modes.map((m) => m.kind), ['serverless-ad', 'hybrid', 'cloud']);
  });

  test('no mode section: the local mode runs, as with no file', () => {
    const c = parse(doc({ 'Logger/LoggingEnabled': 'true' }));
    assert.deepEqual(c.modes.map((m) => m.kind), ['local']);
    assert.deepEqual(c.warnings, []);
    assert.equal(c.logger.loggingEnabled, true);
  });
});

describe('XML syntax errors carry line and column', () => {
  const cases: readonly [string, string, number, number, RegExp][] = [
    ['unclosed element', '<Configuration>\n  <Logger>\n</Configuration>', 3, 1, /closing tag <\/Configuration> does not match <Logger> opened at line 2, column 3/],
    ['garbage', '<Configuration>\n  <Logger></Logger>\n  <<x\n</Configuration>', 3, 6, /Tag '<x' is an invalid name/],
    ['text before the root', 'hello <Configuration/>', 1, 1, /char 'h' is not expected/],
    ['blank line before the declaration', '\n<?xml version="1.0"?>\n<Configuration/>', 2, 1, /remove anything .* before <\?xml/],
    ['a second root', '<Configuration/>\n<Logger/>', 2, 1, /second root element <Logger>/],
    ['a DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<Configuration/>', 2, 1, /DOCTYPE declarations .* are not supported/],
    ['an unknown entity', '<Configuration>\n<DefaultPrintQueue><DefaultQueue>a&nbsp;b</DefaultQueue></DefaultPrintQueue>\n</Configuration>', 2, 20, /unknown or malformed entity reference "&nbsp;"/],
    ['an empty file', '', 1, 1, /Start tag expected/],
  ];
  for (const [name, xml, line, column, message] of cases) {
    test(name, () => {
      const issues = issuesOf(xml);
      assert.equal(issues.length, 1);
      assert.deepEqual([issues[0].line, issues[0].column], [line, column]);
      assert.match(issues[0].message, message);
      assert.match(issues[0].message, new RegExp(`\\(line ${line}, column ${column}\\)`));
    });
  }

  test('CRLF line ends and a BOM do not shift positions', () => {
    const lf = doc({ DisplayNotifications: 'sometimes' });
    const crlf = `\ufeff${lf.replace(/\n/g, '\r\n')}`;
    assert.deepEqual(issuesOf(crlf), issuesOf(lf));
  });
});

describe("the guide's quirks", () => {
  test('a stray ">" before a value is accepted with a warning naming the element and line', () => {
    const xml = doc({ 'Logger/LoggingEnabled': '>true', DisplayNotifications: '>false' });
    const c = parse(xml);
    assert.equal(c.logger.loggingEnabled, true);
    assert.equal(c.displayNotifications, false);
    const p1 = positionOf(xml, '<LoggingEnabled>');
    assert.equal(c.warnings[0], `configuration.xml:${p1.line}:${p1.column}: Logger/LoggingEnabled: stray ">" before the value ignored (found ">true", read as "true")`);
    assert.equal(c.warnings.length, 2);
  });

  test('only one stray ">" is forgiven: ">>true" in the file (two) is an error', () => {
    const [issue] = issuesOf(doc({ DisplayNotifications: '>>true' }));
    assert.equal(issue.found, '>>true');
    assert.equal(issue.path, 'DisplayNotifications');
  });

  test('ServiceAccountUsername is accepted as ServiceAccountUserName, with a warning', () => {
    const xml = doc({ [`${AD}/ServerSettings/ServiceAccountUsername`]: 'svc-print' });
    const c = parse(xml);
    assert.equal((modeOf(c, 'serverless-ad') as AdMode).server.serviceAccountUserName, 'svc-print');
    const pos = positionOf(xml, '<ServiceAccountUsername>');
    const server = positionOf(xml, '<ServerSettings>');
    assert.deepEqual(c.warnings, [
      `configuration.xml:${pos.line}:${pos.column}: <ServiceAccountUsername> accepted as <ServiceAccountUserName> (the spelling found in the administrator's guide); please write <ServiceAccountUserName>`,
      `configuration.xml:${server.line}:${server.column}: ${NO_DIRECTORY}`,
    ]);
    assert.deepEqual(c.sources[`${AD}/ServerSettings/ServiceAccountUserName`], { from: 'file', ...pos });
  });

  for (const section of [AD, HY]) {
    test(`EsListenerPort is accepted as EsfListenerPort in ${section}, with a warning`, () => {
      const c = parse(doc({ ...baseFor(section), [section]: null, [`${section}/ReleaseSettings/EsListenerPort`]: '9444' }));
      const mode = c.modes[0] as AdMode | HyMode;
      assert.equal(mode.release.esfListenerPort, 9444);
      assert.match(c.warnings.join('\n'), /<EsListenerPort> accepted as <EsfListenerPort>/);
    });
  }

  test('an alias and its canonical element together are a duplicate', () => {
    const issues = issuesOf(doc({ [`${AD}/ReleaseSettings/EsfListenerPort`]: '9443', [`${AD}/ReleaseSettings/EsListenerPort`]: '9444' }));
    assert.deepEqual(issues.map((i) => i.path), [`${AD}/ReleaseSettings/EsfListenerPort`]);
    assert.match(issues[0].message, /appears more than once/);
  });

  test('the closing tag </DeleteEmptyFolderSetting> after <DeleteEmptyUserFolderSetting> is rejected, naming the right closing tag', () => {
    const xml = '<Configuration>\n<DeleteEmptyUserFolderSetting>\n  <DeleteEmptyUserFolders>true</DeleteEmptyUserFolders>\n</DeleteEmptyFolderSetting>\n</Configuration>';
    const [issue, ...rest] = issuesOf(xml);
    assert.deepEqual(rest, []);
    assert.deepEqual(issue, {
      path: 'DeleteEmptyUserFolderSetting',
      line: 4,
      column: 1,
      found: '</DeleteEmptyFolderSetting>',
      allowed: '</DeleteEmptyUserFolderSetting>',
      message: 'XML syntax error (line 4, column 1): closing tag </DeleteEmptyFolderSetting> does not match <DeleteEmptyUserFolderSetting> opened at line 2, column 1; close it with </DeleteEmptyUserFolderSetting>',
    });
  });

  test('a section written consistently as DeleteEmptyFolderSetting is accepted with a warning', () => {
    const c = parse('<Configuration>\n<DeleteEmptyFolderSetting><DeleteEmptyUserFolders>true</DeleteEmptyUserFolders></DeleteEmptyFolderSetting>\n</Configuration>');
    assert.equal(c.deleteEmptyUserFolders.enabled, true);
    assert.match(c.warnings[0], /^configuration\.xml:2:1: <DeleteEmptyFolderSetting> accepted as <DeleteEmptyUserFolderSetting>/);
  });

  test('an empty ClientSettings in the Cloud section is accepted silently; a filled one is ignored with a warning', () => {
    const empty = parse(doc({ [`${CL}/ClientSettings`]: null, ...CLOUD_SERVERS }));
    assert.deepEqual(empty.warnings, []);
    const filled = parse(doc({ [`${CL}/ClientSettings/PrintAndKeepLifespan`]: '5', ...CLOUD_SERVERS }));
    assert.equal(filled.warnings.length, 1);
    assert.match(filled.warnings[0], /LPMServerSettings\/ClientSettings is ignored: Cloud jobs are uploaded at once/);
    assert.equal(filled.sources[`${CL}/ClientSettings/PrintAndKeepLifespan`], undefined);
  });

  test('IntervalMode "minutes" (the macOS sample) is read as Minutes', () => {
    assert.equal(parse(doc({ [`${TR}/IntervalMode`]: 'minutes' })).tracker.intervalMode, 'Minutes');
  });
});

// ---- cross-element rules -----------------------------------------------------------------

describe('port conflicts', () => {
  test('Serverless AD and Hybrid with default ports clash twice (9167 capture, 9443 release): each error names both elements', () => {
    const xml = doc({ [AD]: null, ...HYBRID_SERVERS });
    const issues = issuesOf(xml);
    assert.deepEqual(issues.map((i) => i.path), [`${HY}/CaptureSettings/LoopbackPort`, `${HY}/ReleaseSettings/EsfListenerPort`]);
    assert.match(issues[1].message, /port 9443 \(the default; not written\) clashes with LPMServerlessADSettings\/ReleaseSettings\/EsfListenerPort \(default 9443\)/);
    assert.equal(issues[0].found, '9167');
    assert.match(issues[0].message, /: port 9167 \(the default; not written\) clashes with LPMServerlessADSettings\/CaptureSettings\/LoopbackPort \(default 9167\); each enabled mode needs its own capture port$/);
  });

  test('a release port equal to another mode\'s capture port', () => {
    const xml = doc({ ...HYBRID_SERVERS, [`${HY}/ReleaseSettings/EsfListenerPort`]: '9168', ...CLOUD_SERVERS });
    const [issue, ...rest] = issuesOf(xml);
    assert.deepEqual(rest, []);
    assert.equal(issue.path, `${HY}/ReleaseSettings/EsfListenerPort`);
    assert.deepEqual({ line: issue.line, column: issue.column }, positionOf(xml, '<EsfListenerPort>9168'));
    assert.match(issue.message, /port 9168 clashes with LPMServerSettings\/CaptureSettings\/LoopbackPort \(default 9168\); the release service needs a port/);
  });

  test('two release ports equal, each written', () => {
    const xml = doc({
      [`${AD}/CaptureSettings/LoopbackPort`]: '9170',
      [`${AD}/ReleaseSettings/EsfListenerPort`]: '8443',
      ...HYBRID_SERVERS,
      [`${HY}/ReleaseSettings/EsfListenerPort`]: '8443',
    });
    const [issue, ...rest] = issuesOf(xml);
    assert.deepEqual(rest, []);
    const first = positionOf(xml, '<EsfListenerPort>8443');
    assert.match(issue.message, new RegExp(`clashes with LPMServerlessADSettings/ReleaseSettings/EsfListenerPort \\(line ${first.line}, column ${first.column}\\)`));
  });

  test("a mode's release port equal to its own capture port", () => {
    const [issue] = issuesOf(doc({ [`${AD}/ReleaseSettings/EsfListenerPort`]: '9167' }));
    assert.equal(issue.path, `${AD}/ReleaseSettings/EsfListenerPort`);
    assert.match(issue.message, /clashes with LPMServerlessADSettings\/CaptureSettings\/LoopbackPort/);
  });

  test('distinct ports load; an invalid port adds no spurious clash', () => {
    const distinct = { [`${AD}/CaptureSettings/LoopbackPort`]: '9170', ...HYBRID_SERVERS, [`${HY}/ReleaseSettings/EsfListenerPort`]: '9444', ...CLOUD_SERVERS };
    const ok = parse(doc(distinct));
    assert.deepEqual(ok.modes.map((m) => m.capture.loopbackPort), [9170, 9167, 9168]);
    const issues = issuesOf(doc({ ...distinct, [`${AD}/CaptureSettings/LoopbackPort`]: 'x', [`${HY}/CaptureSettings/LoopbackPort`]: 'x' }));
    assert.deepEqual(issues.map((i) => i.path), [`${AD}/CaptureSettings/LoopbackPort`, `${HY}/CaptureSettings/LoopbackPort`]);
  });
});

describe('deleted-job tracker schedule', () => {
  test('batching in Minutes mode needs SendInterval/Minutes', () => {
    const xml = doc({ [`${TR}/SendImmediately`]: 'false', [`${TR}/IntervalMode`]: 'Minutes' });
    const [issue, ...rest] = issuesOf(xml);
    assert.deepEqual(rest, []);
    assert.equal(issue.path, `${TR}/SendInterval/Minutes`);
    assert.equal(issue.found, '(missing)');
    assert.deepEqual({ line: issue.line, column: issue.column }, positionOf(xml, `<${TR}>`));
    assert.match(issue.message, /required when IntervalMode is Minutes and SendImmediately is false/);
  });

  test('macOS defaults to Minutes, so batching alone needs Minutes there; Windows and Linux default to Daily 1200', () => {
    const xml = doc({ [`${TR}/SendImmediately`]: 'false' });
    assert.match(issuesOf(xml, 'darwin')[0].message, /IntervalMode is Minutes \(the default on this platform\)/);
    for (const p of ['win32', 'linux'] as const) {
      const t = parse(xml, p).tracker;
      assert.equal(t.intervalMode, 'Daily');
      assert.deepEqual(t.sendInterval.daily, [{ hour: 12, minute: 0 }]);
    }
  });

  test('batching weekly needs at least one Day and one Hour', () => {
    const issues = issuesOf(doc({ [`${TR}/SendImmediately`]: 'false', [`${TR}/IntervalMode`]: 'Weekly' }));
    assert.deepEqual(issues.map((i) => i.path), [`${TR}/SendInterval/Weekly/Day`, `${TR}/SendInterval/Weekly/Hour`]);
  });

  test('no requirement when records are sent at once or not tracked', () => {
    assert.equal(parse(doc({ [`${TR}/IntervalMode`]: 'Minutes' })).tracker.sendInterval.minutes, null);
    assert.equal(parse(doc({ [`${TR}/TrackDeletedJob`]: 'false', [`${TR}/SendImmediately`]: 'false', [`${TR}/IntervalMode`]: 'Weekly' })).tracker.present, true);
  });

  test('present reflects the section', () => {
    assert.equal(parse(doc({ DisplayNotifications: 'true' })).tracker.present, false);
    assert.equal(parse(doc({ [TR]: null })).tracker.present, true);
  });
});

describe('immutability', () => {
  test('the Config is deeply frozen', () => {
    const c = parse(doc({ [`${TR}/SendInterval/Daily`]: ['0100', '0200'], ...CLOUD_SERVERS }));
    const cloud = c.modes[0] as ClMode;
    for (const o of [c, c.paths, c.logger, c.modes, cloud, cloud.capture, cloud.server, c.tracker, c.tracker.sendInterval.daily, c.tracker.sendInterval.daily[0], c.sources, c.warnings]) {
      assert.ok(Object.isFrozen(o));
    }
    assert.throws(() => { (cloud.capture as { loopbackPort: number }).loopbackPort = 1; }, TypeError);
    assert.throws(() => { (c.tracker.sendInterval.daily as unknown[]).push({ hour: 1, minute: 1 }); }, TypeError);
    assert.equal(cloud.capture.loopbackPort, 9168);
  });
});
