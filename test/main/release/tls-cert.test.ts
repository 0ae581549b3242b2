// The release service's certificate: self-signed at first start and kept (key 0600),
// reused, regenerated when names change, when it nears expiry or when the pair does not
// match; configured files used as they are and checked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import { ReleaseService } from '../../../main/release/index.js';
import { loadReleaseTls, workstationNames, VALIDITY_DAYS } from '../../../main/release/tls-cert.js';
import { errorCode } from '../../../main/util/errors.js';
import { makeTestPki } from '../../peers/oidc-provider.js';
import { memoryLogger, openSpool, tempDataDir } from './fixture.js';

const NAMES = { dns: ['localhost', 'ws-17.corp.example'], ips: ['127.0.0.1', '::1', '192.0.2.10'] };
const DAY = 86_400_000;

describe('release TLS certificate', () => {
  test('self-signed at first start, persisted with an owner-only key, reused afterwards', async (t) => {
    const dataDir = await tempDataDir(t, 'release-tls');
    const a = await loadReleaseTls({ dataDir, names: () => NAMES, logger: memoryLogger() });
    assert.equal(a.source, 'self-signed');
    assert.equal(a.generated, true);
    const dir = join(dataDir, 'release-tls');
    assert.equal((await stat(join(dir, 'key.pem'))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const x = new X509Certificate(await readFile(join(dir, 'cert.pem'), 'utf8'));
    assert.equal(x.fingerprint256, a.fingerprint256);
    for (const n of ['DNS:localhost', 'DNS:ws-17.corp.example', 'IP Address:127.0.0.1', 'IP Address:192.0.2.10', 'IP Address:0:0:0:0:0:0:0:1']) {
      assert.ok(x.subjectAltName?.includes(n), `${n} in ${x.subjectAltName}`);
    }
    assert.ok(Math.abs(new Date(x.validTo).getTime() - Date.now() - VALIDITY_DAYS * DAY) < 2 * DAY);
    assert.ok(x.checkPrivateKey((await import('node:crypto')).createPrivateKey(await readFile(join(dir, 'key.pem'), 'utf8'))));
    const b = await loadReleaseTls({ dataDir, names: () => NAMES, logger: memoryLogger() });
    assert.equal(b.generated, false);
    assert.equal(b.fingerprint256, a.fingerprint256);
  });

  test('regenerated for a new address, not for one that went away', async (t) => {
    const dataDir = await tempDataDir(t, 'release-tls-names');
    const a = await loadReleaseTls({ dataDir, names: () => NAMES, logger: memoryLogger() });
    const fewer = await loadReleaseTls({ dataDir, names: () => ({ dns: NAMES.dns, ips: ['127.0.0.1'] }), logger: memoryLogger() });
    assert.equal(fewer.fingerprint256, a.fingerprint256);
    const log = memoryLogger();
    const more = await loadReleaseTls({ dataDir, names: () => ({ dns: NAMES.dns, ips: [...NAMES.ips, '2001:db8::7'] }), logger: log });
    assert.equal(more.generated, true);
    assert.notEqual(more.fingerprint256, a.fingerprint256);
    assert.ok(more.subjectAltNames.includes('IP:2001:db8::7'));
    assert.ok(log.lines.some((l) => /new names: IP:2001:db8::7/.test(String(l.meta?.reason))));
  });

  test('regenerated when it nears expiry, and when key and certificate do not match', async (t) => {
    const dataDir = await tempDataDir(t, 'release-tls-exp');
    const a = await loadReleaseTls({ dataDir, names: () => NAMES, logger: memoryLogger() });
    const soon = await loadReleaseTls({ dataDir, names: () => NAMES, now: () => new Date(Date.now() + (VALIDITY_DAYS - 20) * DAY), logger: memoryLogger() });
    assert.equal(soon.generated, true);
    assert.notEqual(soon.fingerprint256, a.fingerprint256);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(join(dataDir, 'release-tls', 'key.pem'), other, { mode: 0o600 });
    const fixed = await loadReleaseTls({ dataDir, names: () => NAMES, logger: memoryLogger() });
    assert.equal(fixed.generated, true);
    assert.ok(new X509Certificate(fixed.cert).checkPrivateKey((await import('node:crypto')).createPrivateKey(fixed.key)));
  });

  test('a stored key readable by others is made owner-only', async (t) => {
    const dataDir = await tempDataDir(t, 'release-tls-mode');
    await loadReleaseTls({ dataDir, names: () => NAMES, logger: memoryLogger() });
    const key = join(dataDir, 'release-tls', 'key.pem');
    await chmod(key, 0o644);
    const log = memoryLogger();
    const again = await loadReleaseTls({ dataDir, names: () => NAMES, logger: log });
    assert.equal(again.generated, false);
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    assert.ok(log.lines.some((l) => l.level === 'warn' && /owner-only/.test(l.message)));
  });

  test('configured files are used as they are, and served', async (t) => {
    const pki = await makeTestPki();
    t.after(() => pki.cleanup());
    const dataDir = await tempDataDir(t, 'release-tls-conf');
    const certFile = join(pki.dir, 'server.pem');
    const keyFile = join(pki.dir, 'server.key');
    const m = await loadReleaseTls({ dataDir, certFile, keyFile, logger: memoryLogger() });
    assert.equal(m.source, 'configured');
    assert.equal(m.cert, pki.certPem);
    await assert.rejects(stat(join(dataDir, 'release-tls')), /ENOENT/, 'nothing generated');

    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const service = new ReleaseService({
      spool, dataDir, logger: memoryLogger(), lateBindingEnabled: false, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
      forgetUser: async () => undefined, servers: [{ port: 0, useSsl: true, modes: ['hybrid'] }], host: '127.0.0.1', clock: REAL_CLOCK,
      tls: { certFile, keyFile },
    });
    await service.start();
    t.after(() => service.stop());
    assert.equal(service.status().certificate?.source, 'configured');
    const port = service.status().listeners[0].port;
    const peer = await new Promise<string>((resolve, reject) => {
      // Verified against the test CA, by name: the configured certificate is what is served.
      const s = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost' }, () => {
        resolve(s.getPeerX509Certificate()?.fingerprint256 ?? '');
        s.end();
      });
      s.on('error', reject);
    });
    assert.equal(peer, new X509Certificate(pki.certPem).fingerprint256);
  });

  test('configured files that are missing, half-given or do not match are clear errors', async (t) => {
    const pki = await makeTestPki();
    t.after(() => pki.cleanup());
    const dataDir = await tempDataDir(t, 'release-tls-bad');
    const other = join(dataDir, 'other.key');
    await writeFile(other, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const cases: [string, Parameters<typeof loadReleaseTls>[0], RegExp][] = [
      ['missing', { dataDir, certFile: join(pki.dir, 'nope.pem'), keyFile: join(pki.dir, 'server.key'), logger: memoryLogger() }, /CertificateFile.*ENOENT/],
      ['half', { dataDir, certFile: join(pki.dir, 'server.pem'), logger: memoryLogger() }, /together/],
      ['mismatch', { dataDir, certFile: join(pki.dir, 'server.pem'), keyFile: other, logger: memoryLogger() }, /does not belong/],
      ['not a certificate', { dataDir, certFile: other, keyFile: other, logger: memoryLogger() }, /no PEM certificate/],
    ];
    for (const [what, opts, message] of cases) {
      await assert.rejects(loadReleaseTls(opts), (e: unknown) => {
        assert.equal(errorCode(e), 'RELEASE_TLS_FILES', what);
        assert.match(String((e as Error).message), message, what);
        return true;
      });
    }
  });

  test('workstation names: hostname, localhost and loopback addresses at least', () => {
    const n = workstationNames();
    assert.ok(n.dns.includes('localhost'));
    assert.ok(n.dns.includes(hostname().toLowerCase()) || /^\d/.test(hostname()));
    assert.ok(n.ips.includes('127.0.0.1') && n.ips.includes('::1'));
    assert.ok(!n.ips.some((ip) => /^fe80/i.test(ip)), 'no link-local IPv6');
  });
});
