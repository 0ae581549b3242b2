// The PullPrint additions that involve more than one value: the release certificate pair,
// the Directory group (present, empty, absent), and the warnings some valid values earn.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { directorySettings } from '../../../main/directory/settings.js';
import {
  AD, CL, CLOUD_SERVERS, DIRECTORY, DIRECTORY_REQUIRED, doc, errorOf, HY, HYBRID_SERVERS, issuesOf, modeOf, NO_DIRECTORY, parse,
  positionOf, TR, type AdMode, type ClMode, type HyMode,
} from './config-doc.js';

const REL = `${AD}/ReleaseSettings`;
const stripPosition = (w: string): string => w.replace(/^configuration\.xml:\d+:\d+: /, '');

describe('ReleaseSettings: CertificateFile and KeyFile go together', () => {
  test('both written: both used', () => {
    const c = parse(doc({ [`${REL}/CertificateFile`]: '/etc/pullprint/release.crt', [`${REL}/KeyFile`]: '/etc/pullprint/release.key', ...DIRECTORY_REQUIRED }));
    const { release } = modeOf(c, 'serverless-ad') as AdMode;
    assert.equal(release.certificateFile, '/etc/pullprint/release.crt');
    assert.equal(release.keyFile, '/etc/pullprint/release.key');
    assert.deepEqual(c.warnings, []);
  });

  test('one PEM file holding both certificate and key may be named twice', () => {
    const c = parse(doc({ [`${REL}/CertificateFile`]: '/etc/pullprint/release.pem', [`${REL}/KeyFile`]: '/etc/pullprint/release.pem', ...DIRECTORY_REQUIRED }));
    assert.equal((modeOf(c, 'serverless-ad') as AdMode).release.keyFile, '/etc/pullprint/release.pem');
  });

  for (const [written, missing] of [['CertificateFile', 'KeyFile'], ['KeyFile', 'CertificateFile']] as const) {
    test(`only ${written}: an error at ${missing}, naming both and the line of ${written}`, () => {
      const xml = doc({ [`${HY}/ReleaseSettings/${written}`]: 'C:\\PullPrint\\release.pem', ...HYBRID_SERVERS });
      const [issue, ...rest] = issuesOf(xml, 'win32');
      assert.deepEqual(rest, []);
      const at = positionOf(xml, `<${written}>`);
      assert.equal(issue.path, `${HY}/ReleaseSettings/${missing}`);
      assert.equal(issue.found, '(missing)');
      assert.deepEqual({ line: issue.line, column: issue.column }, positionOf(xml, '<ReleaseSettings>'));
      assert.match(issue.allowed, /CertificateFile and KeyFile both written, or neither/);
      assert.equal(issue.message, `${HY}/ReleaseSettings/${missing} (line ${issue.line}, column ${issue.column}): missing; ` +
        `CertificateFile and KeyFile go together: ${written} is written (line ${at.line}, column ${at.column}) but ${missing} is not; ` +
        'write both, or neither for a self-signed certificate');
    });
  }

  test('an invalid path and a missing partner: only the invalid path is reported', () => {
    const issues = issuesOf(doc({ [`${REL}/CertificateFile`]: 'release.crt', ...DIRECTORY_REQUIRED }));
    assert.deepEqual(issues.map((i) => i.path), [`${REL}/CertificateFile`]);
  });

  test('written with UseSSL false: loads, with a warning that they are unused', () => {
    const c = parse(doc({
      [`${REL}/UseSSL`]: 'false', [`${REL}/CertificateFile`]: '/etc/pullprint/r.crt', [`${REL}/KeyFile`]: '/etc/pullprint/r.key', ...DIRECTORY_REQUIRED,
    }));
    assert.deepEqual(c.warnings.map(stripPosition), [`${REL}/CertificateFile and KeyFile are not used: UseSSL is false`]);
  });

  test('each held mode is checked on its own', () => {
    const xml = doc({
      [`${REL}/CertificateFile`]: '/etc/a.crt', [`${REL}/KeyFile`]: '/etc/a.key', ...DIRECTORY_REQUIRED,
      [`${HY}/CaptureSettings/LoopbackPort`]: '9170', [`${HY}/ReleaseSettings/EsfListenerPort`]: '9444', [`${HY}/ReleaseSettings/KeyFile`]: '/etc/b.key',
      ...HYBRID_SERVERS,
    });
    assert.deepEqual(issuesOf(xml).map((i) => i.path), [`${HY}/ReleaseSettings/CertificateFile`]);
  });

  test('the files are not opened when the configuration is read', () => {
    const c = parse(doc({ [`${REL}/CertificateFile`]: '/nonexistent/x.crt', [`${REL}/KeyFile`]: '/nonexistent/x.key', ...DIRECTORY_REQUIRED }));
    assert.equal((modeOf(c, 'serverless-ad') as AdMode).release.certificateFile, '/nonexistent/x.crt');
  });
});

describe('ReleaseSettings: ListenAddress', () => {
  const listen = (value: string) => parse(doc({ [`${REL}/ListenAddress`]: value, ...DIRECTORY_REQUIRED }));

  for (const [value, stored] of [['0.0.0.0', '0.0.0.0'], ['192.0.2.10', '192.0.2.10'], ['2001:DB8::10', '2001:db8::10'], ['::', '::']] as const) {
    test(`${value} is accepted without a warning`, () => {
      const c = listen(value);
      assert.equal((modeOf(c, 'serverless-ad') as AdMode).release.listenAddress, stored);
      assert.deepEqual(c.warnings, []);
    });
  }

  for (const value of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
    test(`loopback ${value} is allowed, with a warning at the element`, () => {
      const xml = doc({ [`${REL}/ListenAddress`]: value, ...DIRECTORY_REQUIRED });
      const c = parse(xml);
      assert.equal((modeOf(c, 'serverless-ad') as AdMode).release.listenAddress, value);
      const at = positionOf(xml, '<ListenAddress>');
      assert.deepEqual(c.warnings, [`configuration.xml:${at.line}:${at.column}: ${REL}/ListenAddress: ${value} is a loopback address: ` +
        'printers cannot reach the release service; use it only behind a local proxy or for tests']);
    });
  }
});

describe('ServerSettings/Directory (Serverless AD)', () => {
  test('absent: directory null, one warning; the rest of the mode loads', () => {
    const xml = doc({ [`${AD}/ServerSettings/ActiveDirectoryUserProperty`]: 'extensionAttribute7' });
    const c = parse(xml);
    const ad = modeOf(c, 'serverless-ad') as AdMode;
    assert.equal(ad.server.directory, null);
    assert.equal(ad.server.activeDirectoryUserProperty, 'extensionAttribute7');
    assert.deepEqual(c.warnings.map(stripPosition), [NO_DIRECTORY]);
  });

  test('the warning travels with a ConfigError too', () => {
    const err = errorOf(doc({ [`${AD}/ReleaseSettings/UseSSL`]: 'maybe' }));
    assert.deepEqual(err.warnings.map(stripPosition), [NO_DIRECTORY]);
  });

  test('present and empty: URL and BaseDN are required, each named, at the Directory element', () => {
    const xml = doc({ [DIRECTORY]: null });
    const issues = issuesOf(xml);
    const at = positionOf(xml, '<Directory/>');
    assert.deepEqual(issues.map((i) => [i.path, i.found, i.line, i.column]), [
      [`${DIRECTORY}/URL`, '(missing)', at.line, at.column],
      [`${DIRECTORY}/BaseDN`, '(missing)', at.line, at.column],
    ]);
    assert.match(issues[0].message, /missing; at least one directory URL is required when ServerSettings\/Directory is present/);
    assert.match(issues[1].message, /missing; the directory has no default search base/);
  });

  test('present with URL and BaseDN only: the defaults, no warning', () => {
    const c = parse(doc(DIRECTORY_REQUIRED));
    assert.deepEqual((modeOf(c, 'serverless-ad') as AdMode).server.directory, {
      urls: ['ldaps://dc1.corp.example'],
      baseDn: 'DC=corp,DC=example',
      userFilter: '(|(userPrincipalName={user})(mail={user})(sAMAccountName={user})(uid={user}))',
      bindDnTemplate: null,
      startTls: 'required',
      caFile: null,
      connectTimeoutMs: 5000,
      operationTimeoutMs: 10000,
    });
    assert.deepEqual(c.warnings, []);
  });

  test('URL repeats: every URL in file order, each sourced from its line; one bad URL is reported by index', () => {
    const urls = ['ldaps://dc2.corp.example', 'LDAP://DC1.corp.example:389/', 'ldaps://[2001:db8::7]:3269'];
    const xml = doc({ ...DIRECTORY_REQUIRED, [`${DIRECTORY}/URL`]: urls });
    const c = parse(xml);
    assert.deepEqual((modeOf(c, 'serverless-ad') as AdMode).server.directory?.urls,
      ['ldaps://dc2.corp.example', 'ldap://dc1.corp.example:389', 'ldaps://[2001:db8::7]:3269']);
    assert.deepEqual(c.sources[`${DIRECTORY}/URL[2]`], { from: 'file', ...positionOf(xml, `<URL>${urls[1]}`) });
    const [issue, ...rest] = issuesOf(doc({ ...DIRECTORY_REQUIRED, [`${DIRECTORY}/URL`]: ['ldaps://a.example', 'ftp://b.example'] }));
    assert.deepEqual(rest, []);
    assert.equal(issue.path, `${DIRECTORY}/URL[2]`);
  });

  test('BaseDN written twice is an error (only URL repeats in the group)', () => {
    const issues = issuesOf(doc({ ...DIRECTORY_REQUIRED, [`${DIRECTORY}/BaseDN`]: ['DC=a', 'DC=b'] }));
    assert.deepEqual(issues.map((i) => i.path), [`${DIRECTORY}/BaseDN`]);
    assert.match(issues[0].message, /appears more than once/);
  });

  test('StartTLS none with an ldap:// URL loads with a clear-text warning; with ldaps:// only, no warning', () => {
    const xml = doc({ ...DIRECTORY_REQUIRED, [`${DIRECTORY}/URL`]: ['ldaps://dc1.corp.example', 'ldap://dc2.corp.example'], [`${DIRECTORY}/StartTLS`]: 'none' });
    const c = parse(xml);
    assert.equal((modeOf(c, 'serverless-ad') as AdMode).server.directory?.startTls, 'none');
    const at = positionOf(xml, '<StartTLS>');
    assert.equal(c.warnings.length, 1);
    assert.ok(c.warnings[0].startsWith(`configuration.xml:${at.line}:${at.column}: ${DIRECTORY}/StartTLS: none with ldap://dc2.corp.example: `));
    assert.match(c.warnings[0], /passwords cross the network in clear text/);
    assert.deepEqual(parse(doc({ ...DIRECTORY_REQUIRED, [`${DIRECTORY}/StartTLS`]: 'NONE' })).warnings, []);
    assert.deepEqual(parse(doc({ ...DIRECTORY_REQUIRED, [`${DIRECTORY}/URL`]: 'ldap://dc2.corp.example' })).warnings, []);
  });

  test('a CAFile with only plain LDAP is unused, and said so', () => {
    const c = parse(doc({
      ...DIRECTORY_REQUIRED, [`${DIRECTORY}/URL`]: 'ldap://dc2.corp.example', [`${DIRECTORY}/StartTLS`]: 'none', [`${DIRECTORY}/CAFile`]: '/etc/ca.pem',
    }));
    assert.equal(c.warnings.length, 2);
    assert.equal(stripPosition(c.warnings[1]), `${DIRECTORY}/CAFile: /etc/ca.pem is not used: every URL is ldap:// and StartTLS is none`);
  });

  test('what the file accepts, main/directory accepts: the loaded group builds DirectorySettings unchanged', () => {
    const c = parse(doc({
      [`${DIRECTORY}/URL`]: ['ldaps://dc1.corp.example:636', 'ldap://[2001:db8::5]'],
      [`${DIRECTORY}/BaseDN`]: 'OU=People\\2C Staff, DC=corp,DC=example',
      [`${DIRECTORY}/UserFilter`]: '(&amp;(objectClass=person)(|(uid={user})(mail={user}*)(cn:caseExactMatch:={user})))',
      [`${DIRECTORY}/BindDNTemplate`]: 'uid={user},ou=people,dc=example,dc=com',
      [`${DIRECTORY}/CAFile`]: '/etc/pullprint/corp-ca.pem',
      [`${DIRECTORY}/ConnectTimeoutSeconds`]: '1',
      [`${DIRECTORY}/OperationTimeoutSeconds`]: '120',
    }));
    const ad = modeOf(c, 'serverless-ad') as AdMode;
    const dir = ad.server.directory;
    assert.ok(dir);
    const built = directorySettings({ ...dir, attribute: ad.server.activeDirectoryUserProperty });
    assert.deepEqual({ ...built }, { ...dir, urls: [...dir.urls], attribute: 'otherLoginWorkstations' });
  });
});

describe('IDPServerSettings additions', () => {
  const idpOf = (c: ReturnType<typeof parse>, kind: 'hybrid' | 'cloud') => (modeOf(c, kind) as HyMode | ClMode).idp;

  test('Scopes: any run of white space separates, order is kept', () => {
    const c = parse(doc({ ...CLOUD_SERVERS, [`${CL}/IDPServerSettings/Scopes`]: '  profile\topenid   offline_access ' }));
    assert.deepEqual(idpOf(c, 'cloud').scopes, ['profile', 'openid', 'offline_access']);
  });

  for (const resource of ['https://print-api.example.com', 'https://print-api.example.com:8443/v1?tenant=a', 'urn:example:print', 'api://0b7c6f4e-1c2d', 'print-api', '0b7c6f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b']) {
    test(`Resource ${resource} is accepted as written`, () => {
      const c = parse(doc({ ...HYBRID_SERVERS, [`${HY}/ServerAPISettings/IDPServerSettings/Resource`]: resource }));
      assert.equal(idpOf(c, 'hybrid').resource, resource);
    });
  }

  test('ClientId and UserMatchPolicy (any letter case)', () => {
    const c = parse(doc({ ...CLOUD_SERVERS, [`${CL}/IDPServerSettings/ClientId`]: '0oa1b2c3~d4.e5_F6-g7!', [`${CL}/IDPServerSettings/UserMatchPolicy`]: 'ACCEPT-AND-RECORD' }));
    assert.equal(idpOf(c, 'cloud').clientId, '0oa1b2c3~d4.e5_F6-g7!');
    assert.equal(idpOf(c, 'cloud').userMatchPolicy, 'accept-and-record');
    const r = parse(doc({ ...CLOUD_SERVERS, [`${CL}/IDPServerSettings/UserMatchPolicy`]: 'Reject' }));
    assert.equal(idpOf(r, 'cloud').userMatchPolicy, 'reject');
  });

  test('a CAFile with UseSSL false is unused, and said so; with UseSSL true it is silent', () => {
    const at = `${CL}/IDPServerSettings`;
    const off = parse(doc({ ...CLOUD_SERVERS, [`${at}/UseSSL`]: 'false', [`${at}/CAFile`]: '/etc/idp-ca.pem' }));
    assert.deepEqual(off.warnings.map(stripPosition), [`${at}/CAFile: /etc/idp-ca.pem is not used: UseSSL is false`]);
    const on = parse(doc({ ...CLOUD_SERVERS, [`${at}/CAFile`]: '/etc/idp-ca.pem', [`${CL}/ServerSettings/CAFile`]: '/etc/api-ca.pem' }));
    assert.deepEqual(on.warnings, []);
    assert.equal((modeOf(on, 'cloud') as ClMode).server.caFile, '/etc/api-ca.pem');
  });
});

describe('DeleteJobTrackerSettings/ServerSettings/CAFile', () => {
  test('used with ServerSSL; unused (warned) without', () => {
    const on = parse(doc({ [`${TR}/ServerSettings/ServerSSL`]: 'true', [`${TR}/ServerSettings/CAFile`]: 'C:\\PullPrint\\reports.pem' }), 'win32');
    assert.equal(on.tracker.server.caFile, 'C:\\PullPrint\\reports.pem');
    assert.deepEqual(on.warnings, []);
    const off = parse(doc({ [`${TR}/ServerSettings/CAFile`]: '/etc/reports.pem' }));
    assert.deepEqual(off.warnings.map(stripPosition), [`${TR}/ServerSettings/CAFile: /etc/reports.pem is not used: ServerSSL is false`]);
  });
});

describe('test/fixtures/config/additions.xml (every addition in use)', () => {
  test('loads without a warning, every addition from the file', () => {
    const xml = readFileSync(join(process.env.PULLPRINT_REPO_ROOT ?? process.cwd(), 'test/fixtures/config/additions.xml'), 'utf8');
    const c = parse(xml);
    assert.deepEqual(c.warnings, []);
    const [ad, hy] = c.modes as [AdMode, HyMode];
    assert.deepEqual(ad.release, {
      esfListenerPort: 9444, useSsl: true, certificateFile: '/etc/pullprint/release.crt', keyFile: '/etc/pullprint/release.key', listenAddress: '192.0.2.10',
    });
    assert.deepEqual(ad.server.directory?.urls, ['ldaps://dc1.corp.example', 'ldap://dc2.corp.example:389']);
    assert.equal(ad.server.directory?.bindDnTemplate, 'CORP\\{user}');
    assert.equal(hy.server.caFile, '/etc/pullprint/cloud-ca.pem');
    assert.deepEqual({ ...hy.idp, scopes: [...hy.idp.scopes] }, {
      host: 'idp.example.com', path: '/realms/corp', port: 443, useSsl: true, clientId: 'pullprint', scopes: ['openid', 'email', 'profile', 'offline_access'],
      caFile: '/etc/pullprint/idp-ca.pem', resource: 'https://print-api.example.com', userMatchPolicy: 'reject',
    });
    assert.equal(c.tracker.server.caFile, '/etc/pullprint/reports-ca.pem');
  });
});
