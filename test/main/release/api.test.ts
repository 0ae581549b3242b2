// The printer-facing release API over real HTTPS (the service's own self-signed
// certificate, verified) with real access tokens from a real OpenID provider
// (oidc-provider, password grant, JWT access tokens for a resource): list, fetch streamed,
// late binding, print-and-keep, printed-and-deleted, delete, health; cross-user access,
// expired / not-yet-valid / forged / wrong-audience tokens, path traversal, oversized
// bodies, stalled requests, TLS versions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { connect } from 'node:tls';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { request } from 'undici';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import type { Spool } from '../../../main/spool/spool.js';
import type { DeleteReason, JobRecord } from '../../../main/spool/types.js';
import { postScriptText } from '../../helpers/documents.js';
import { ACCOUNTS, RESOURCE, startTestIdp, type TestIdp } from '../../peers/oidc-provider.js';
import { call, openSpool, startService, storeJob, tempDataDir, type RunningService } from './fixture.js';
import { accessToken, rawHttps } from './http-client.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const subjects: Record<string, string> = Object.fromEntries(Object.entries(ACCOUNTS).map(([email, a]) => [a.sub, email]));

/** A clock the tests move: the real time plus an offset. */
const movable = { offsetMs: 0, now: () => new Date(Date.now() + movable.offsetMs), setTimer: REAL_CLOCK.setTimer };

describe('release API over HTTPS with OpenID Connect tokens', () => {
  const hooks: (() => Promise<void>)[] = [];
  const t = { after: (fn: () => Promise<void>) => void hooks.push(fn) };
  let idp: TestIdp;
  let spool: Spool;
  let svc: RunningService;
  let aliceToken: string;
  let bobToken: string;
  let dataDir: string;
  const deleted: { job: JobRecord; reason: DeleteReason }[] = [];
  const ps = Buffer.from(postScriptText({ pages: 3, title: 'Quarterly report' }));

  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

  before(async () => {
    idp = await startTestIdp();
    hooks.push(() => idp.stop());
    dataDir = await tempDataDir(t, 'release-api');
    spool = await openSpool(dataDir);
    hooks.push(() => spool.close());
    spool.on('job-deleted', (job, reason) => deleted.push({ job, reason }));
    svc = await startService(t, {
      spool, dataDir, clock: movable,
      lifespans: { hybrid: { printAndKeepLifespanHours: 24, unprintedJobsLifespanHours: 48 } },
      bearer: { issuer: idp.issuer, audience: RESOURCE, caPem: idp.pki.caPem, subjectToOwner: async (sub) => subjects[sub] ?? null },
      httpLimits: { headersTimeoutMs: 600 },
    });
    aliceToken = await accessToken(idp, ALICE, ACCOUNTS[ALICE].password);
    bobToken = await accessToken(idp, BOB, ACCOUNTS[BOB].password);
  });
  after(async () => {
    for (const h of hooks.reverse()) await h();
  });

  test('health answers without credentials and names no user', async () => {
    const r = await call(svc, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { status: 'ok', api: 'v1', lateBindingEnabled: true });
    assert.equal((await call(svc, 'POST', '/health')).status, 405);
  });

  test('no credentials: 401 with a Bearer challenge; unknown scheme likewise', async () => {
    const r = await call(svc, 'GET', '/jobs');
    assert.equal(r.status, 401);
    assert.match(String(r.headers['www-authenticate']), /^Bearer realm="PullPrint release"/);
    assert.equal((r.json() as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
    const d = await call(svc, 'GET', '/jobs', { headers: { authorization: 'Digest abc' } });
    assert.equal(d.status, 401);
  });

  test('list: the caller\'s held jobs with their facts, nobody else\'s', async () => {
    const a = await storeJob(spool, ps, { owner: ALICE, title: 'Quarterly report' });
    const b = await storeJob(spool, ps, { owner: BOB, title: 'Bob only' });
    const r = await call(svc, 'GET', '/jobs', { headers: bearer(aliceToken) });
    assert.equal(r.status, 200);
    const body = r.json() as { user: string; jobs: Record<string, unknown>[] };
    assert.equal(body.user, ALICE);
    const mine = body.jobs.find((j) => j.id === a.id);
    assert.ok(mine, 'alice sees her job');
    assert.ok(!body.jobs.some((j) => j.id === b.id), 'alice does not see bob\'s job');
    assert.equal(mine.title, 'Quarterly report');
    assert.equal(mine.pages, 3);
    assert.equal(mine.pdl, 'postscript');
    assert.equal(mine.documentFormat, 'application/postscript');
    assert.equal(mine.size, ps.length);
    assert.equal(mine.state, 'held');
    assert.equal(mine.copies, 1);
    assert.equal(mine.receivedAt, a.receivedAt);
    assert.equal(mine.expiresAt, new Date(Date.parse(a.receivedAt) + 48 * 3_600_000).toISOString());
    const bobs = (await call(svc, 'GET', '/jobs', { headers: bearer(bobToken) })).json() as { jobs: { id: string }[] };
    assert.deepEqual(bobs.jobs.map((j) => j.id).filter((id) => id === a.id || id === b.id), [b.id]);
  });

  test('fetch: the document streamed, byte for byte (sha256), and with late-binding changes', async () => {
    const job = await storeJob(spool, ps, { owner: ALICE, title: 'Fetch me' });
    const r = await call(svc, 'GET', `/jobs/${job.id}/document`, { headers: bearer(aliceToken) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/postscript');
    assert.equal(Number(r.headers['content-length']), ps.length);
    assert.equal(createHash('sha256').update(r.body).digest('hex'), job.sha256);
    assert.equal(r.headers['x-pullprint-sha256'], job.sha256);
    assert.ok(r.body.equals(ps));

    const changed = await call(svc, 'POST', `/jobs/${job.id}/document`, {
      headers: { ...bearer(aliceToken), 'content-type': 'application/json' },
      body: JSON.stringify({ changes: { copies: 2, sides: 'duplex-long' } }),
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.headers['transfer-encoding'], 'chunked');
    const text = changed.body.toString('latin1');
    assert.ok(text.startsWith('\x1b%-12345X@PJL'), 'a PJL wrapper carries the changes');
    assert.match(text, /@PJL SET QTY=2\r?\n/);
    assert.match(text, /@PJL SET DUPLEX=ON\r?\n/);
    assert.ok(text.includes(ps.toString('latin1').slice(0, 200)), 'the PostScript follows');

    const none = await call(svc, 'POST', `/jobs/${job.id}/document`, { headers: { ...bearer(aliceToken), 'content-type': 'application/json' }, body: '{"changes":{}}' });
    assert.ok(none.body.equals(ps), 'empty changes: the document as stored');

    const bad = await call(svc, 'POST', `/jobs/${job.id}/document`, { headers: { ...bearer(aliceToken), 'content-type': 'application/json' }, body: '{"changes":{"copies":0,"color":"purple"}}' });
    assert.equal(bad.status, 400);
    const err = (bad.json() as { error: { code: string; message: string } }).error;
    assert.equal(err.code, 'BAD_LATE_BINDING');
    assert.match(err.message, /copies/);
    assert.match(err.message, /color/);
    const extra = await call(svc, 'POST', `/jobs/${job.id}/document`, { headers: { ...bearer(aliceToken), 'content-type': 'application/json' }, body: '{"changes":{},"x":1}' });
    assert.equal(extra.status, 400);
    const notJson = await call(svc, 'POST', `/jobs/${job.id}/document`, { headers: { ...bearer(aliceToken), 'content-type': 'text/plain' }, body: 'copies=2' });
    assert.equal(notJson.status, 415);
  });

  test('fetch a multi-megabyte job: many chunks, same bytes, with and without changes', async () => {
    const big = Buffer.from(postScriptText({ pages: 20_000, title: 'Big' }));
    assert.ok(big.length > 2 * 1024 * 1024);
    const job = await storeJob(spool, big, { owner: ALICE, title: 'Big' });
    const r = await call(svc, 'GET', `/jobs/${job.id}/document`, { headers: bearer(aliceToken) });
    assert.equal(r.status, 200);
    assert.equal(createHash('sha256').update(r.body).digest('hex'), job.sha256);
    const changed = await call(svc, 'POST', `/jobs/${job.id}/document`, {
      headers: { ...bearer(aliceToken), 'content-type': 'application/json' }, body: '{"changes":{"color":"mono"}}',
    });
    assert.equal(changed.status, 200);
    const text = changed.body.toString('latin1');
    assert.match(text.slice(0, 300), /@PJL SET RENDERMODE=GRAYSCALE\n/);
    assert.ok(text.endsWith('%%EOF\n\x1b%-12345X@PJL EOJ\n\x1b%-12345X'), 'the whole job then the wrapper\'s end');
    assert.ok(changed.body.length > big.length);
  });

  test('print-and-keep: state released-kept, still listed, lifespan from the release', async () => {
    const job = await storeJob(spool, ps, { owner: ALICE, title: 'Keep me' });
    const r = await call(svc, 'POST', `/jobs/${job.id}/printed`, { headers: { ...bearer(aliceToken), 'content-type': 'application/json' }, body: '{"keep":true}' });
    assert.equal(r.status, 200);
    const body = r.json() as { state: string; job: { state: string; printedAt: string; expiresAt: string } };
    assert.equal(body.state, 'released-kept');
    assert.equal(spool.get(job.id)?.state, 'released-kept');
    assert.equal(body.job.expiresAt, new Date(Date.parse(body.job.printedAt) + 24 * 3_600_000).toISOString());
    const list = (await call(svc, 'GET', '/jobs', { headers: bearer(aliceToken) })).json() as { jobs: { id: string; state: string }[] };
    assert.equal(list.jobs.find((j) => j.id === job.id)?.state, 'released-kept');
  });

  test('printed without keep: deleted with reason released', async () => {
    const job = await storeJob(spool, ps, { owner: ALICE });
    const r = await call(svc, 'POST', `/jobs/${job.id}/printed`, { headers: bearer(aliceToken) });
    assert.equal(r.status, 200);
    assert.equal((r.json() as { state: string }).state, 'released-deleted');
    assert.equal(spool.get(job.id), undefined);
    assert.deepEqual(deleted.filter((d) => d.job.id === job.id).map((d) => d.reason), ['released']);
  });

  test('delete: 204, reason user-deleted, then 404', async () => {
    const job = await storeJob(spool, ps, { owner: ALICE });
    const r = await call(svc, 'DELETE', `/jobs/${job.id}`, { headers: bearer(aliceToken) });
    assert.equal(r.status, 204);
    assert.deepEqual(deleted.filter((d) => d.job.id === job.id).map((d) => d.reason), ['user-deleted']);
    assert.equal((await call(svc, 'GET', `/jobs/${job.id}`, { headers: bearer(aliceToken) })).status, 404);
  });

  test('another user\'s job is 404 on every route and is left alone', async () => {
    const job = await storeJob(spool, ps, { owner: ALICE });
    const h = bearer(bobToken);
    for (const [method, path] of [['GET', `/jobs/${job.id}`], ['GET', `/jobs/${job.id}/document`], ['POST', `/jobs/${job.id}/document`], ['POST', `/jobs/${job.id}/printed`], ['DELETE', `/jobs/${job.id}`]]) {
      const r = await call(svc, method, path, { headers: h });
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal((r.json() as { error: { code: string } }).error.code, 'JOB_NOT_FOUND');
    }
    // Indistinguishable from a job that does not exist.
    const none = '00000000-0000-4000-8000-000000000000';
    const unknown = await call(svc, 'GET', `/jobs/${none}`, { headers: h });
    const theirs = await call(svc, 'GET', `/jobs/${job.id}`, { headers: h });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.toString().replace(none, 'ID'), theirs.body.toString().replace(job.id, 'ID'));
    assert.equal(spool.get(job.id)?.state, 'held');
  });

  test('expired and not-yet-valid tokens: 401 invalid_token', async () => {
    try {
      movable.offsetMs = 2 * 3_600_000;
      const r = await call(svc, 'GET', '/jobs', { headers: bearer(aliceToken) });
      assert.equal(r.status, 401);
      assert.match(String(r.headers['www-authenticate']), /error="invalid_token"/);
      assert.match((r.json() as { error: { message: string } }).error.message, /exp/);
      movable.offsetMs = -3_600_000;
      const early = await call(svc, 'GET', '/jobs', { headers: bearer(aliceToken) });
      assert.equal(early.status, 401);
      assert.match((early.json() as { error: { message: string } }).error.message, /not valid yet/);
    } finally {
      movable.offsetMs = 0;
    }
    assert.equal((await call(svc, 'GET', '/jobs', { headers: bearer(aliceToken) })).status, 200);
  });

  test('a token signed by another key (same kid, same claims) is refused', async () => {
    const header = decodeProtectedHeader(aliceToken);
    const claims = decodeJwt(aliceToken);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: header.typ }).sign(privateKey);
    const r = await call(svc, 'GET', '/jobs', { headers: bearer(forged) });
    assert.equal(r.status, 401);
    assert.equal((r.json() as { error: { code: string } }).error.code, 'INVALID_TOKEN');
    const garbage = await call(svc, 'GET', '/jobs', { headers: bearer('not.a.jwt') });
    assert.equal(garbage.status, 401);
  });

  test('a genuine token for another audience is refused', async () => {
    const other = await startService(t, {
      spool, dataDir,
      bearer: { issuer: idp.issuer, audience: 'https://another-api.example', caPem: idp.pki.caPem, subjectToOwner: async (sub) => subjects[sub] ?? null },
    });
    const r = await call(other, 'GET', '/jobs', { headers: bearer(aliceToken) });
    assert.equal(r.status, 401);
    assert.match((r.json() as { error: { message: string } }).error.message, /aud/);
  });

  test('job ids in paths: only UUIDs; traversal never reaches a file', async () => {
    await writeFile(join(dataDir, 'secret.txt'), 'TOP-SECRET-CONTENT');
    const auth = `Authorization: Bearer ${aliceToken}\r\n`;
    const paths = [
      '/release/v1/jobs/../../../secret.txt',
      '/release/v1/jobs/..%2F..%2F..%2Fsecret.txt/document',
      '/release/v1/jobs/%2e%2e/document',
      '/release/v1/jobs/..',
      '/release/v1/jobs/secret.txt/document',
      '/release/v1/jobs/00000000-0000-4000-8000-00000000000%2F/document',
      '/release/v1/jobs//document',
      '/release/v1/jobs/00000000-0000-4000-8000-000000000000/../../secret.txt',
    ];
    for (const p of paths) {
      const r = await rawHttps(svc.port, svc.certPem, `GET ${p} HTTP/1.1\r\nHost: localhost\r\n${auth}Connection: close\r\n\r\n`);
      assert.ok(r.status === 400 || r.status === 404, `${p} answered ${r.status}`);
      assert.ok(!r.body.includes('TOP-SECRET'), p);
    }
    const bad = await rawHttps(svc.port, svc.certPem, `GET /release/v1/jobs/..%2Fsecret.txt HTTP/1.1\r\nHost: localhost\r\n${auth}Connection: close\r\n\r\n`);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /BAD_JOB_ID/);
  });

  test('oversized bodies: 413, declared or chunked', async () => {
    const job = await storeJob(spool, ps, { owner: ALICE });
    const big = JSON.stringify({ changes: {}, pad: 'x'.repeat(100_000) });
    const r = await call(svc, 'POST', `/jobs/${job.id}/printed`, { headers: { ...bearer(aliceToken), 'content-type': 'application/json' }, body: big });
    assert.equal(r.status, 413);
    const chunked = await request(`${svc.base}/jobs/${job.id}/document`, {
      method: 'POST', dispatcher: svc.agent, headers: { ...bearer(aliceToken), 'content-type': 'application/json' },
      body: Readable.from((function* () {
        for (let i = 0; i < 10; i++) yield Buffer.alloc(8192, 0x20);
      })()),
    });
    await chunked.body.dump();
    assert.equal(chunked.statusCode, 413);
    assert.equal(spool.get(job.id)?.state, 'held');
  });

  test('a request whose headers stall is cut off after the header timeout', async () => {
    const started = Date.now();
    const closed = await new Promise<{ ms: number; text: string }>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: svc.port, ca: svc.certPem, servername: 'localhost' }, () => {
        s.write('GET /release/v1/health HTTP/1.1\r\nHost: localhost\r\n');
      });
      let text = '';
      s.on('data', (b: Buffer) => {
        text += b.toString('latin1');
      });
      s.on('close', () => resolve({ ms: Date.now() - started, text }));
      s.on('error', () => undefined);
      setTimeout(() => reject(new Error('the server kept a stalled request open')), 8000).unref();
    });
    assert.ok(closed.ms >= 500, `closed after ${closed.ms} ms`);
    assert.ok(closed.ms < 4000, `closed after ${closed.ms} ms`);
    assert.match(closed.text, /^HTTP\/1\.1 408/);
  });

  test('TLS 1.0 and 1.1 are refused by the server; TLS 1.2 is accepted', async () => {
    const attempt = (opts: Record<string, unknown>): Promise<string> => new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port: svc.port, ca: svc.certPem, servername: 'localhost', ...opts });
      s.on('secureConnect', () => {
        resolve(`ok ${String(s.getProtocol())}`);
        s.end();
      });
      s.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message));
    });
    // SECLEVEL=0 lets this client offer the old versions at all: the refusal must come from the server.
    assert.equal(await attempt({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    assert.equal(await attempt({ minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }), 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    assert.equal(await attempt({ maxVersion: 'TLSv1.1' }).then((c) => c.startsWith('ok')), false);
    assert.equal(await attempt({ maxVersion: 'TLSv1.2' }), 'ok TLSv1.2');
  });
});

describe('release API switches', () => {
  test('late binding disabled: changes refused with 409 LATE_BINDING_DISABLED, plain fetch works', async (t) => {
    const idp = await startTestIdp();
    t.after(() => idp.stop());
    const dataDir = await tempDataDir(t, 'release-lb');
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const svc = await startService(t, {
      spool, dataDir, lateBindingEnabled: false,
      bearer: { issuer: idp.issuer, audience: RESOURCE, caPem: idp.pki.caPem, subjectToOwner: async (sub) => subjects[sub] ?? null },
    });
    const token = await accessToken(idp, ALICE, ACCOUNTS[ALICE].password);
    const job = await storeJob(spool, Buffer.from(postScriptText({ pages: 1 })), { owner: ALICE });
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const r = await call(svc, 'POST', `/jobs/${job.id}/document`, { headers: h, body: '{"changes":{"copies":3}}' });
    assert.equal(r.status, 409);
    assert.equal((r.json() as { error: { code: string } }).error.code, 'LATE_BINDING_DISABLED');
    assert.equal(((await call(svc, 'GET', '/health')).json() as { lateBindingEnabled: boolean }).lateBindingEnabled, false);
    const plain = await call(svc, 'GET', `/jobs/${job.id}/document`, { headers: h });
    assert.equal(plain.status, 200);
    assert.equal(createHash('sha256').update(plain.body).digest('hex'), job.sha256);
  });

  test('failed authentications are rate-limited per address: 429 with Retry-After', async (t) => {
    const idp = await startTestIdp();
    t.after(() => idp.stop());
    const dataDir = await tempDataDir(t, 'release-rl');
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const svc = await startService(t, {
      spool, dataDir, rateLimit: { capacity: 3, refillMs: 60_000 },
      bearer: { issuer: idp.issuer, audience: RESOURCE, caPem: idp.pki.caPem },
    });
    const good = await accessToken(idp, ALICE, ACCOUNTS[ALICE].password);
    assert.equal((await call(svc, 'GET', '/jobs', { headers: { authorization: `Bearer ${good}` } })).status, 200);
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(svc, 'GET', '/jobs', { headers: { authorization: `Bearer bad.${i}.token` } })).status, 401, `failure ${i + 1}`);
    }
    const limited = await call(svc, 'GET', '/jobs', { headers: { authorization: 'Bearer bad.4.token' } });
    assert.equal(limited.status, 429);
    const retry = Number(limited.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal((limited.json() as { error: { code: string } }).error.code, 'TOO_MANY_FAILURES');
    // While limited, even good credentials wait (nothing is checked), but health still answers.
    assert.equal((await call(svc, 'GET', '/jobs', { headers: { authorization: `Bearer ${good}` } })).status, 429);
    assert.equal((await call(svc, 'GET', '/health')).status, 200);
  });
});
