// Serverless AD: printers authenticate with HTTP Basic as ServiceAccountUserName and name
// the user. Route-level behaviour uses a verifier implementing the ServiceAccountVerifier
// port (the directory module's own tests prove the LDAP bind); one test runs the real
// LdapServiceAccountVerifier against a private slapd.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { LdapServiceAccountVerifier } from '../../../main/directory/service-account.js';
import { directorySettings } from '../../../main/directory/settings.js';
import type { ReleaseServiceAccountVerifier } from '../../../main/release/index.js';
import { postScriptText } from '../../helpers/documents.js';
import { ACCOUNTS as LDAP_ACCOUNTS, SUFFIX, startSlapd } from '../../peers/slapd.js';
import { call, memoryLogger, openSpool, startService, storeJob, tempDataDir } from './fixture.js';

const SVC_USER = 'svc-print';
const SVC_PASSWORD = 'Svc-Pa55 wörd';

class FakeVerifier implements ReleaseServiceAccountVerifier {
  calls = 0;
  down = false;
  async verify(user: string, password: string): Promise<boolean> {
    return (await this.check(user, password)) === 'ok';
  }
  async check(user: string, password: string): Promise<string> {
    this.calls += 1;
    if (this.down) return 'unreachable';
    return user.toLowerCase() === SVC_USER && password === SVC_PASSWORD ? 'ok' : 'invalid-credentials';
  }
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const doc = Buffer.from(postScriptText({ pages: 2, title: 'AD job' }));

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('release API with the service account (Serverless AD)', () => {
  test('Basic challenge, the named user\'s jobs only, header or query, the user is required', async (t) => {
    const dataDir = await tempDataDir(t, 'release-ad');
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const verifier = new FakeVerifier();
    const svc = await startService(t, { spool, dataDir, serviceAccount: verifier }, ['serverless-ad']);
    const mine = await storeJob(spool, doc, { owner: 'jdoe', mode: 'serverless-ad', title: 'AD job' });
    const other = await storeJob(spool, doc, { owner: 'asmith', mode: 'serverless-ad' });

    const none = await call(svc, 'GET', '/jobs');
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="PullPrint release", charset="UTF-8"');

    const auth = { authorization: basic(SVC_USER, SVC_PASSWORD) };
    const listed = await call(svc, 'GET', '/jobs', { headers: { ...auth, 'x-pullprint-user': 'CORP\\jdoe' } });
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.json() as { jobs: { id: string }[] }).jobs.map((j) => j.id), [mine.id]);
    const byQuery = await call(svc, 'GET', '/jobs?user=asmith%40corp.example', { headers: auth });
    assert.deepEqual((byQuery.json() as { jobs: { id: string }[] }).jobs.map((j) => j.id), [other.id]);

    const noUser = await call(svc, 'GET', '/jobs', { headers: auth });
    assert.equal(noUser.status, 400);
    assert.equal((noUser.json() as { error: { code: string } }).error.code, 'USER_REQUIRED');

    const cross = await call(svc, 'GET', `/jobs/${other.id}/document`, { headers: { ...auth, 'x-pullprint-user': 'jdoe' } });
    assert.equal(cross.status, 404);
    const got = await call(svc, 'GET', `/jobs/${mine.id}/document`, { headers: { ...auth, 'x-pullprint-user': 'jdoe' } });
    assert.equal(got.status, 200);
    assert.equal(createHash('sha256').update(got.body).digest('hex'), mine.sha256);
    const printed = await call(svc, 'POST', `/jobs/${mine.id}/printed`, { headers: { ...auth, 'x-pullprint-user': 'jdoe', 'content-type': 'application/json' }, body: '{"keep":false}' });
    assert.equal(printed.status, 200);
    assert.equal(spool.get(mine.id), undefined);

    // A Bearer token is not a scheme this listener accepts: treated as no credentials.
    const bearer = await call(svc, 'GET', '/jobs', { headers: { authorization: 'Bearer abc.def.ghi' } });
    assert.equal(bearer.status, 401);
    assert.equal((bearer.json() as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
  });

  test('wrong password: 401, then 429 once the address used up its failures; directory down: 503', async (t) => {
    const dataDir = await tempDataDir(t, 'release-ad-rl');
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const verifier = new FakeVerifier();
    const svc = await startService(t, { spool, dataDir, serviceAccount: verifier, rateLimit: { capacity: 2, refillMs: 30_000 } }, ['serverless-ad']);
    const h = (pw: string): Record<string, string> => ({ authorization: basic(SVC_USER, pw), 'x-pullprint-user': 'jdoe' });

    verifier.down = true;
    const down = await call(svc, 'GET', '/jobs', { headers: h(SVC_PASSWORD) });
    assert.equal(down.status, 503);
    assert.equal(down.headers['retry-after'], '30');
    assert.equal((down.json() as { error: { code: string } }).error.code, 'DIRECTORY_UNAVAILABLE');
    verifier.down = false;

    assert.equal((await call(svc, 'GET', '/jobs', { headers: h('wrong') })).status, 401);
    assert.equal((await call(svc, 'GET', '/jobs', { headers: { authorization: 'Basic !!!', 'x-pullprint-user': 'jdoe' } })).status, 401);
    const calls = verifier.calls;
    const limited = await call(svc, 'GET', '/jobs', { headers: h(SVC_PASSWORD) });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '30', 'one more attempt after refillMs');
    assert.equal(verifier.calls, calls, 'a limited address does not reach the directory');
  });

  test('one listener for both modes: both challenges; each scheme sees its own mode\'s jobs; IdP down is 503', async (t) => {
    const dataDir = await tempDataDir(t, 'release-both');
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const idpPort = await closedPort();
    const svc = await startService(t, {
      spool, dataDir, serviceAccount: new FakeVerifier(),
      bearer: { issuer: `https://127.0.0.1:${idpPort}`, audience: 'https://print-api.example', requestTimeoutMs: 1000 },
    }, ['hybrid', 'serverless-ad']);
    const hybrid = await storeJob(spool, doc, { owner: 'jdoe', mode: 'hybrid' });
    const ad = await storeJob(spool, doc, { owner: 'jdoe', mode: 'serverless-ad' });
    const none = await call(svc, 'GET', '/jobs');
    assert.deepEqual(none.headers['www-authenticate'], ['Bearer realm="PullPrint release"', 'Basic realm="PullPrint release", charset="UTF-8"']);
    const viaBasic = await call(svc, 'GET', '/jobs', { headers: { authorization: basic(SVC_USER, SVC_PASSWORD), 'x-pullprint-user': 'jdoe' } });
    const ids = (viaBasic.json() as { jobs: { id: string }[] }).jobs.map((j) => j.id);
    assert.ok(ids.includes(ad.id));
    assert.ok(!ids.includes(hybrid.id), 'a Hybrid job is for the user\'s token, not the service account');
    const idpDown = await call(svc, 'GET', '/jobs', { headers: { authorization: 'Bearer a.b.c' } });
    assert.equal(idpDown.status, 503);
    assert.equal((idpDown.json() as { error: { code: string } }).error.code, 'IDP_UNAVAILABLE');
  });

  test('the embedded local mode: health answers, job routes say no printer authentication is configured', async (t) => {
    const dataDir = await tempDataDir(t, 'release-local');
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const svc = await startService(t, { spool, dataDir }, ['local']);
    assert.equal((await call(svc, 'GET', '/health')).status, 200);
    const r = await call(svc, 'GET', '/jobs', { headers: { authorization: basic('x', 'y') } });
    assert.equal(r.status, 403);
    assert.equal((r.json() as { error: { code: string } }).error.code, 'AUTH_NOT_CONFIGURED');
  });

  test('with the real LdapServiceAccountVerifier against slapd', async (t) => {
    const slapd = await startSlapd();
    t.after(() => slapd.cleanup());
    const dataDir = await tempDataDir(t, 'release-ldap');
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const svcAccount = LDAP_ACCOUNTS.svc;
    const verifier = new LdapServiceAccountVerifier({
      settings: directorySettings({ urls: [slapd.ldapsUrl], baseDn: SUFFIX, caFile: slapd.caFile }),
      serviceAccountUserName: svcAccount.sAMAccountName,
      log: memoryLogger(),
    });
    const svc = await startService(t, { spool, dataDir, serviceAccount: verifier }, ['serverless-ad']);
    const job = await storeJob(spool, doc, { owner: 'alice', mode: 'serverless-ad' });
    const ok = await call(svc, 'GET', '/jobs', { headers: { authorization: basic(svcAccount.sAMAccountName, svcAccount.password), 'x-pullprint-user': 'alice' } });
    assert.equal(ok.status, 200);
    assert.deepEqual((ok.json() as { jobs: { id: string }[] }).jobs.map((j) => j.id), [job.id]);
    const bad = await call(svc, 'GET', '/jobs', { headers: { authorization: basic(svcAccount.sAMAccountName, 'not-the-password'), 'x-pullprint-user': 'alice' } });
    assert.equal(bad.status, 401);
    const otherAccount = await call(svc, 'GET', '/jobs', { headers: { authorization: basic(LDAP_ACCOUNTS.alice.sAMAccountName, LDAP_ACCOUNTS.alice.password), 'x-pullprint-user': 'alice' } });
    assert.equal(otherAccount.status, 401, 'only the service account is accepted');
    await slapd.stop();
    verifier.clear();
    const down = await call(svc, 'GET', '/jobs', { headers: { authorization: basic(svcAccount.sAMAccountName, svcAccount.password), 'x-pullprint-user': 'alice' } });
    assert.equal(down.status, 503);
  });
});
