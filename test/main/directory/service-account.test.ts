// The release service's service-account check against a real slapd: only the configured
// account, a real bind, brief caching of successes (counted in slapd's own log and proven
// by stopping slapd), failures never cached as successes, no password in the logs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogMeta, Logger } from '../../../main/log/types.js';
import { FakeClock } from '../../../main/util/fake-clock.js';
import { LdapServiceAccountVerifier } from '../../../main/directory/service-account.js';
import { directorySettings } from '../../../main/directory/settings.js';
import { ACCOUNTS, SUFFIX, startSlapd, type Slapd } from '../../peers/slapd.js';

const SVC = ACCOUNTS.svc;
const PEER = '192.0.2.50';

let slapd: Slapd;
before(async () => {
  slapd = await startSlapd();
});
after(async () => {
  await slapd?.cleanup();
});

function make(serviceAccountUserName: string | null = SVC.sAMAccountName): { v: LdapServiceAccountVerifier; clock: FakeClock; logs: string[] } {
  const logs: string[] = [];
  const at = (level: string) => (message: string, meta?: LogMeta): void => {
    logs.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  };
  const log: Logger = { critical: at('critical'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => log };
  const clock = new FakeClock(new Date('2030-02-01T10:00:00Z'));
  const settings = directorySettings({ urls: [slapd.ldapsUrl], baseDn: SUFFIX, caFile: slapd.caFile });
  return { v: new LdapServiceAccountVerifier({ settings, serviceAccountUserName, log, clock }), clock, logs };
}

const binds = (): number => slapd.bindCount(SVC.dn);

describe('service account check', () => {
  test('the right password passes with one bind; within 60 s it is answered from the cache, even with the directory down', async () => {
    const { v, clock, logs } = make();
    const b0 = binds();
    assert.equal(await v.verify(SVC.sAMAccountName, SVC.password, PEER), true);
    assert.equal(binds() - b0, 1);
    assert.equal(await v.check(SVC.sAMAccountName, SVC.password, PEER), 'cached');
    assert.equal(binds() - b0, 1, 'no second bind');
    await slapd.stop();
    try {
      clock.advance(59_000);
      assert.equal(await v.verify(SVC.sAMAccountName.toUpperCase(), SVC.password, PEER), true, 'name compared case-insensitively');
      clock.advance(1_000);
      assert.equal(await v.check(SVC.sAMAccountName, SVC.password, PEER), 'unreachable', 'expired: the directory is asked again');
      assert.equal(await v.verify(SVC.sAMAccountName, SVC.password, PEER), false);
    } finally {
      await slapd.start();
    }
    assert.equal(await v.verify(SVC.sAMAccountName, SVC.password, PEER), true);
    assert.ok(!logs.join('\n').includes(SVC.password), 'the password is never logged');
  });

  test('a wrong password fails, is not asked again for a while, and never turns a later right password into a failure', async () => {
    const { v, clock, logs } = make();
    const b0 = binds();
    assert.equal(await v.check(SVC.sAMAccountName, 'stale-password', PEER), 'invalid-credentials');
    assert.equal(await v.check(SVC.sAMAccountName, 'stale-password', PEER), 'recently-failed');
    assert.equal(binds() - b0, 1, 'a repeated wrong password does not reach the directory (lockout protection)');
    assert.equal(await v.check(SVC.sAMAccountName, SVC.password, PEER), 'ok');
    assert.equal(await v.check(SVC.sAMAccountName, 'stale-password', PEER), 'recently-failed', 'a success for one password never vouches for another');
    clock.advance(60_000);
    assert.equal(await v.check(SVC.sAMAccountName, 'stale-password', PEER), 'invalid-credentials');
    assert.equal(binds() - b0, 3);
    assert.ok(!logs.join('\n').includes('stale-password'));
  });

  test('any other account is refused without contacting the directory, even with its right password', async () => {
    const { v } = make();
    const before = { alice: slapd.bindCount(ACCOUNTS.alice.dn), svc: binds() };
    assert.equal(await v.check(ACCOUNTS.alice.sAMAccountName, ACCOUNTS.alice.password, PEER), 'other-account');
    assert.equal(await v.check(`${SVC.sAMAccountName}x`, SVC.password, PEER), 'other-account');
    assert.equal(await v.check(SVC.sAMAccountName, '', PEER), 'empty-password');
    assert.equal(slapd.bindCount(ACCOUNTS.alice.dn), before.alice);
    assert.equal(binds(), before.svc);
  });

  test('no ServiceAccountUserName configured: every check fails', async () => {
    const { v } = make(null);
    assert.equal(await v.check(SVC.sAMAccountName, SVC.password, PEER), 'not-configured');
  });

  test('simultaneous checks of the same credentials share one bind', async () => {
    const { v } = make();
    const b0 = binds();
    const results = await Promise.all(Array.from({ length: 5 }, () => v.verify(SVC.sAMAccountName, SVC.password, PEER)));
    assert.deepEqual(results, [true, true, true, true, true]);
    assert.equal(binds() - b0, 1);
  });
});
