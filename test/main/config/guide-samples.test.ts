// The administrator's guide's two sample files, reassembled from their page-break
// fragments (see each fixture's header), and what PullPrint makes of them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../main/config/config-error.js';
import { parseConfig } from '../../../main/config/parse-config.js';
import { resolvePaths } from '../../../main/config/paths.js';
import type { Config, Platform } from '../../../main/config/types.js';

const FIXTURES = join(process.env.PULLPRINT_REPO_ROOT ?? process.cwd(), 'test/fixtures/config');
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

function load(xml: string, platform: Platform, fileName: string): Config {
  const paths = resolvePaths({ env: {}, platform, homedir: platform === 'win32' ? 'C:\\Users\\ann' : '/Users/ann', cwd: '/' });
  return parseConfig(xml, { platform, paths, fileName });
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err;
  }
  return assert.fail('expected a ConfigError');
}

/** The 1-based line of the n-th line (0-based count of earlier matches) containing `needle`. */
function lineOf(text: string, needle: string, nth = 0): number {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && seen++ === nth) return i + 1;
  return assert.fail(`${needle} not found`);
}

describe('the Windows sample', () => {
  const xml = read('guide-windows.xml');

  test('is rejected as written: its closing tag </DeleteEmptyFolderSetting> does not match, and the error names the right one', () => {
    const err = errorOf(() => load(xml, 'win32', 'guide-windows.xml'));
    assert.equal(err.issues.length, 1);
    const [issue] = err.issues;
    assert.equal(issue.path, 'DeleteEmptyUserFolderSetting');
    assert.equal(issue.line, lineOf(xml, '</DeleteEmptyFolderSetting>', 1)); // the first mention is in the header comment
    assert.equal(issue.column, 1);
    assert.equal(issue.found, '</DeleteEmptyFolderSetting>');
    assert.equal(issue.allowed, '</DeleteEmptyUserFolderSetting>');
    assert.match(issue.message, new RegExp(`opened at line ${lineOf(xml, '<DeleteEmptyUserFolderSetting>', 1)}, column 1; close it with </DeleteEmptyUserFolderSetting>$`));
  });

  test('with that one tag corrected it loads: Hybrid and Cloud, four stray ">" forgiven with warnings', () => {
    const fixed = xml.replace('\n</DeleteEmptyFolderSetting>', '\n</DeleteEmptyUserFolderSetting>');
    assert.notEqual(fixed, xml);
    const c = load(fixed, 'win32', 'guide-windows.xml');
    assert.deepEqual(c.modes.map((m) => m.kind), ['hybrid', 'cloud']);
    const [hybrid, cloud] = c.modes;
    assert.ok(hybrid.kind === 'hybrid' && cloud.kind === 'cloud');
    assert.deepEqual(hybrid.capture, { loopbackPort: 9167, printJobFileNameFormat: '%d_%i.prn', maxJobSizeBytes: 4096 * 1024 * 1024, idleTimeoutSeconds: 120, maxConnections: 64 });
    assert.deepEqual(hybrid.client, { printAndKeepLifespanHours: 48, unprintedJobsLifespanHours: 48 });
    // The PullPrint additions are not in the sample: each takes its default.
    assert.deepEqual(hybrid.release, { esfListenerPort: 9443, useSsl: true, certificateFile: null, keyFile: null, listenAddress: '::' });
    assert.deepEqual(hybrid.server, { host: 'apis.us.iss.lexmark.com', path: '/cpm', port: 443, useSsl: true, caFile: null });
    assert.deepEqual(hybrid.idp, {
      host: 'idp.us.iss.lexmark.com', path: '', port: 443, useSsl: true,
      clientId: 'pullprint', scopes: ['openid', 'email', 'profile', 'offline_access'], caFile: null, resource: null, userMatchPolicy: 'accept-and-record',
    });
    assert.equal(hybrid.apiVersion, '3.0');
    assert.equal(cloud.capture.loopbackPort, 9168);
    assert.deepEqual(cloud.server, hybrid.server);
    assert.deepEqual(cloud.idp, hybrid.idp);
    assert.deepEqual(c.logger, { logFilePath: 'C:\\ProgramData\\LPMC\\lpmc.log', loggingEnabled: true });
    assert.equal(c.lateBinding.enabled, true);
    assert.deepEqual(c.deleteEmptyUserFolders, { enabled: false, lifespanDays: 7 });
    assert.equal(c.displayNotifications, true);
    assert.equal(c.defaultPrintQueue, 'LPMCloud');
    assert.equal(c.tracker.present, false);
    assert.equal(c.tracker.intervalMode, 'Daily');
    const stray = c.warnings.filter((w) => w.includes('stray ">"'));
    assert.equal(stray.length, 4);
    assert.equal(c.warnings.length, 4, c.warnings.join('\n'));
    assert.ok(stray[0].startsWith(`guide-windows.xml:${lineOf(fixed, '<LoggingEnabled>>true')}:5: Logger/LoggingEnabled`));
  });
});

describe('the macOS sample', () => {
  const xml = read('guide-macos.xml');

  test('is rejected as written: Serverless AD and Hybrid both capture on 9167, and the error names both elements', () => {
    const err = errorOf(() => load(xml, 'darwin', 'guide-macos.xml'));
    assert.equal(err.issues.length, 1, err.message);
    const [issue] = err.issues;
    const adLine = lineOf(xml, '<LoopbackPort>9167</LoopbackPort>', 0);
    const hybridLine = lineOf(xml, '<LoopbackPort>9167</LoopbackPort>', 1);
    assert.equal(issue.path, 'LPMServerlessSettings/CaptureSettings/LoopbackPort');
    assert.equal(issue.line, hybridLine);
    assert.equal(issue.column, 5);
    assert.equal(issue.found, '9167');
    assert.match(issue.message, new RegExp(`clashes with LPMServerlessADSettings/CaptureSettings/LoopbackPort \\(line ${adLine}, column 7\\)`));
    // The warnings found on the way travel with the error, the missing Directory group's too.
    assert.ok(err.warnings.some((w) => w.includes('<ServiceAccountUsername> accepted as <ServiceAccountUserName>')));
    assert.ok(err.warnings.some((w) => w.includes('Serverless AD without ServerSettings/Directory')));
  });

  test('with the Hybrid capture port moved it loads all three modes and keeps every other value of the sample', () => {
    const fixed = xml.replace(/(<LPMServerlessSettings>\s*<CaptureSettings>\s*<LoopbackPort>)9167/, '$19169');
    assert.notEqual(fixed, xml);
    const c = load(fixed, 'darwin', 'guide-macos.xml');
    assert.deepEqual(c.modes.map((m) => m.kind), ['serverless-ad', 'hybrid', 'cloud']);
    const [ad, hybrid, cloud] = c.modes;
    assert.ok(ad.kind === 'serverless-ad' && hybrid.kind === 'hybrid' && cloud.kind === 'cloud');
    assert.deepEqual([ad.capture.loopbackPort, hybrid.capture.loopbackPort, cloud.capture.loopbackPort], [9167, 9169, 9168]);
    assert.deepEqual(c.modes.map((m) => m.capture.printJobFileNameFormat), ['%d_%i.ps', '%d_%i.ps', '%d_%i.ps']);
    const noCertificate = { certificateFile: null, keyFile: null, listenAddress: '::' };
    assert.deepEqual(ad.release, { esfListenerPort: 9443, useSsl: true, ...noCertificate });
    // The sample has no Directory group: it loads, with directory null and a warning (below).
    assert.deepEqual(ad.server, { activeDirectoryUserProperty: 'otherLoginWorkstations', serviceAccountUserName: null, directory: null });
    assert.equal(ad.adWrite.option, 'AtStartupAndPrintTime');
    assert.deepEqual(hybrid.release, { esfListenerPort: 443, useSsl: true, ...noCertificate });
    assert.deepEqual(hybrid.server, { host: 'apis.us.iss.lexmark.com', path: '/cpm', port: 443, useSsl: true, caFile: null });
    assert.equal(hybrid.idp.clientId, 'pullprint');
    assert.equal(cloud.idp.userMatchPolicy, 'accept-and-record');
    assert.deepEqual(c.logger, { logFilePath: '/var/tmp/lpmc.log', loggingEnabled: false });
    assert.deepEqual(c.tracker, {
      present: true,
      trackDeletedJob: true,
      sendImmediately: true,
      intervalMode: 'Minutes',
      sendInterval: {
        minutes: 5,
        daily: [{ hour: 12, minute: 0 }, { hour: 23, minute: 0 }],
        weekly: { days: [2, 3, 4, 5, 6], hours: [{ hour: 10, minute: 0 }, { hour: 15, minute: 0 }] },
      },
      server: { host: '0.0.0.0', port: 9780, ssl: false, caFile: null },
      siteName: null,
    });
    const stray = c.warnings.filter((w) => w.includes('stray ">"'));
    assert.equal(stray.length, 6);
    const alias = c.warnings.filter((w) => w.includes('accepted as'));
    assert.deepEqual(alias, [`guide-macos.xml:${lineOf(fixed, '<ServiceAccountUsername></ServiceAccountUsername>')}:7: <ServiceAccountUsername> accepted as <ServiceAccountUserName> (the spelling found in the administrator's guide); please write <ServiceAccountUserName>`]);
    const serverSettings = lineOf(fixed, '<ServerSettings>');
    assert.deepEqual(c.warnings.filter((w) => w.includes('Directory')), [
      `guide-macos.xml:${serverSettings}:5: Serverless AD without ServerSettings/Directory: the workstation address is not published and printers' service-account checks cannot be verified`,
    ]);
    assert.equal(c.warnings.length, 8, c.warnings.join('\n'));
  });
});
