// The reference cloud server as the executable specification of API v3, over HTTPS with
// tokens from the real OpenID provider: ownership, idempotency, integrity checks, limits,
// registrations, durability across a restart. Malformed requests are sent raw.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { CloudClient } from '../../../main/cloud/api-client.js';
import { CloudError } from '../../../main/cloud/errors.js';
import { encodeMetadataHeader, METADATA_HEADER, type CloudJob } from '../../../main/cloud/wire.js';
import type { CloudServer } from '../../../main/cloud-server/server.js';
import { ALICE, BOB, startRig, type Rig } from '../cloud/cloud-rig.js';
import { filesUnder, makeDoc, sha256 } from '../cloud/fixtures.js';

async function refused(p: Promise<unknown>, status: number, serverCode: string): Promise<CloudError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CloudError, `expected a CloudError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.equal(err.serverCode, serverCode, err.message);
    return err;
  }
  assert.fail(`expected HTTP ${status} ${serverCode}, but it succeeded`);
}

describe('reference cloud server', () => {
  let rig: Rig;
  let server: CloudServer;
  let client: CloudClient;
  let alice: string;
  let bob: string;
  let dir: string;
  const created: string[] = [];

  before(async () => {
    rig = await startRig();
    server = await rig.startServer({ limits: { maxDocumentBytes: 1 << 20, bodyIdleTimeoutMs: 400 } });
    server.events.on('job-created', (e) => created.push(e.key));
    client = new CloudClient({ server: rig.remote(server), apiVersion: '3.0', ca: rig.idp.pki.caPem });
    alice = (await rig.signIn(ALICE)).accessToken;
    bob = (await rig.signIn(BOB)).accessToken;
    dir = await rig.tempDir('server-docs-');
  });
  after(async () => {
    await client?.close();
    await rig?.stop();
  });

  const url = (route: string): string => new URL(route, client.baseUrl).href;
  const raw = (route: string, opts: Parameters<typeof request>[1] = {}) => request(url(route), { dispatcher: rig.agent, ...opts });
  const ownerDir = (owner: string): string => server.store.ownerDir(owner);

  test('capabilities: versions and limits, no token needed', async () => {
    const caps = await client.capabilities();
    assert.deepEqual(caps.apiVersions, ['3.0']);
    assert.equal(caps.limits.maxDocumentBytes, 1 << 20);
    assert.equal(caps.limits.bodyIdleTimeoutSeconds, 1);
    assert.ok(caps.features.includes('idempotency-keys'));
  });

  test('another major version, a newer minor, an unknown route', async () => {
    const v2 = await raw('/v2/capabilities');
    assert.equal(v2.statusCode, 404);
    assert.equal(((await v2.body.json()) as { error: { code: string } }).error.code, 'API_VERSION_UNSUPPORTED');
    const minor = await raw('capabilities', { headers: { 'pullprint-api-version': '3.7' } });
    assert.equal(minor.statusCode, 400);
    assert.equal(((await minor.body.json()) as { error: { code: string } }).error.code, 'API_VERSION_UNSUPPORTED');
    const nowhere = await raw('printers', { headers: { authorization: `Bearer ${alice}` } });
    assert.equal(nowhere.statusCode, 404);
    await nowhere.body.dump();
    const method = await raw('jobs', { method: 'POST', headers: { authorization: `Bearer ${alice}` } });
    assert.equal(method.statusCode, 405);
    assert.equal(method.headers.allow, 'GET');
    await method.body.dump();
  });

  test('no token: 401 MISSING_TOKEN with a Bearer challenge', async () => {
    const res = await raw('jobs');
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['www-authenticate']), /^Bearer /);
    assert.deepEqual(((await res.body.json()) as { error: { code: string } }).error.code, 'MISSING_TOKEN');
    await refused(client.listJobs('not-a-jwt'), 401, 'INVALID_TOKEN');
  });

  test('upload → list → byte-identical download → owner-only → delete → tombstone', async () => {
    const doc = await makeDoc(dir, 'roundtrip.pdf', 300_000);
    const up = await client.uploadDocument(alice, 'job-roundtrip', doc.meta, doc.path);
    assert.equal(up.replayed, false);
    assert.equal(up.job.location, 'cloud');
    assert.equal(up.job.owner, 'sub-alice-0001');
    assert.deepEqual(up.job.metadata, doc.meta);

    const listed = await client.listJobs(alice);
    assert.deepEqual(listed.map((j) => j.key), ['job-roundtrip']);
    const chunks: Buffer[] = [];
    for await (const c of await client.openDocument(alice, 'job-roundtrip')) chunks.push(c as Buffer);
    assert.equal(sha256(Buffer.concat(chunks)), doc.meta.sha256);

    // Bob sees nothing of Alice's: every route answers as if the job did not exist.
    assert.deepEqual(await client.listJobs(bob), []);
    assert.equal(await client.getJob(bob, 'job-roundtrip'), null);
    await refused(client.openDocument(bob, 'job-roundtrip'), 404, 'NOT_FOUND');
    assert.equal(await client.deleteJob(bob, 'job-roundtrip'), false);
    // Bob's own job under the same key is a different job in his own namespace.
    const bobDoc = await makeDoc(dir, 'bob.pdf', 1000);
    await client.uploadDocument(bob, 'job-roundtrip', bobDoc.meta, bobDoc.path);
    assert.equal((await client.getJob(alice, 'job-roundtrip'))?.metadata.sha256, doc.meta.sha256);

    assert.equal(await client.deleteJob(alice, 'job-roundtrip'), true);
    assert.equal(await client.getJob(alice, 'job-roundtrip'), null);
    assert.equal(await client.deleteJob(alice, 'job-roundtrip'), false);
    await refused(client.uploadDocument(alice, 'job-roundtrip', doc.meta, doc.path), 410, 'JOB_GONE');
    const left = await filesUnder(ownerDir('sub-alice-0001'));
    assert.deepEqual(left, ['.gone/job-roundtrip']);
    assert.equal((await client.getJob(bob, 'job-roundtrip'))?.metadata.sha256, bobDoc.meta.sha256);
  });

  test('idempotency: the same upload again is a replay, another document under the key a conflict', async () => {
    // Large enough that the replay is answered while the client is still sending.
    const doc = await makeDoc(dir, 'idem.ps', 1000_000, { format: 'postscript' });
    const before = created.filter((k) => k === 'job-idem').length;
    const first = await client.uploadDocument(alice, 'job-idem', doc.meta, doc.path);
    const second = await client.uploadDocument(alice, 'job-idem', doc.meta, doc.path);
    assert.equal(first.replayed, false);
    assert.equal(second.replayed, true);
    assert.deepEqual(second.job, first.job);
    assert.equal(created.filter((k) => k === 'job-idem').length - before, 1);
    const other = await makeDoc(dir, 'idem2.ps', 50_000, { format: 'postscript' });
    await refused(client.uploadDocument(alice, 'job-idem', other.meta, other.path), 409, 'IDEMPOTENCY_CONFLICT');
    assert.equal((await client.getJob(alice, 'job-idem'))?.metadata.sha256, doc.meta.sha256);
  });

  test('too large for the server: 413 before any byte is stored', async () => {
    const doc = await makeDoc(dir, 'big.pdf', (1 << 20) + 1);
    await refused(client.uploadDocument(alice, 'job-big', doc.meta, doc.path), 413, 'DOCUMENT_TOO_LARGE');
    assert.equal(await client.getJob(alice, 'job-big'), null);
    assert.ok(!(await filesUnder(ownerDir('sub-alice-0001'))).some((f) => f.includes('job-big') || f.startsWith('.tmp-')));
  });

  test('sha256 mismatch: 422 DIGEST_MISMATCH and nothing stored', async () => {
    const doc = await makeDoc(dir, 'digest.pdf', 200_000);
    const lie = { ...doc.meta, sha256: sha256(Buffer.from('something else')) };
    await refused(client.uploadDocument(alice, 'job-digest', lie, doc.path), 422, 'DIGEST_MISMATCH');
    assert.equal(await client.getJob(alice, 'job-digest'), null);
    assert.ok(!(await filesUnder(ownerDir('sub-alice-0001'))).some((f) => f.includes('job-digest') || f.startsWith('.tmp-')));
    // The same key still works with the right document.
    await client.uploadDocument(alice, 'job-digest', doc.meta, doc.path);
  });

  /** A chunked PUT with a body that differs from what the metadata announces. */
  async function chunkedPut(key: string, announced: Buffer, sent: Buffer): Promise<{ status: number; code: string }> {
    const meta = (await makeDoc(dir, `${key}.bin`, 1)).meta;
    const m = { ...meta, size: announced.length, sha256: sha256(announced) };
    const res = await raw(`jobs/${key}/document`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice}`, [METADATA_HEADER]: encodeMetadataHeader(m), 'content-type': 'application/octet-stream' },
      // A stream without a length goes chunked, so the server alone can notice the lie.
      body: Readable.from([sent]),
    });
    const body = (await res.body.json()) as { error: { code: string } };
    return { status: res.statusCode, code: body.error.code };
  }

  test('more or fewer bytes than announced: refused, nothing stored', async () => {
    const doc = Buffer.alloc(10_000, 7);
    assert.deepEqual(await chunkedPut('job-more', doc, Buffer.concat([doc, Buffer.from('x')])), { status: 413, code: 'SIZE_MISMATCH' });
    assert.deepEqual(await chunkedPut('job-fewer', doc, doc.subarray(0, 9_000)), { status: 400, code: 'SIZE_MISMATCH' });
    assert.equal(await client.getJob(alice, 'job-more'), null);
    assert.equal(await client.getJob(alice, 'job-fewer'), null);
    assert.ok(!(await filesUnder(ownerDir('sub-alice-0001'))).some((f) => f.startsWith('.tmp-')));
  });

  test('bad metadata, bad key, Content-Length disagreeing with the metadata', async () => {
    const doc = await makeDoc(dir, 'meta.pdf', 100);
    const put = (key: string, headers: Record<string, string>) => raw(`jobs/${key}/document`, {
      method: 'PUT', body: doc.bytes, headers: { authorization: `Bearer ${alice}`, ...headers },
    });
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['job-m1', {}, 400, 'INVALID_METADATA'],
      ['job-m2', { [METADATA_HEADER]: 'not base64!' }, 400, 'INVALID_METADATA'],
      ['job-m3', { [METADATA_HEADER]: Buffer.from('{"title":1}').toString('base64url') }, 400, 'INVALID_METADATA'],
      ['job-m4', { [METADATA_HEADER]: encodeMetadataHeader({ ...doc.meta, copies: 0 }) }, 400, 'INVALID_METADATA'],
      ['job-m5', { [METADATA_HEADER]: encodeMetadataHeader({ ...doc.meta, size: 99 }) }, 400, 'SIZE_MISMATCH'],
      ['.hidden', { [METADATA_HEADER]: encodeMetadataHeader(doc.meta) }, 400, 'INVALID_KEY'],
      ['a%2Fb', { [METADATA_HEADER]: encodeMetadataHeader(doc.meta) }, 400, 'INVALID_KEY'],
    ];
    for (const [key, headers, status, code] of cases) {
      const res = await put(key, headers);
      assert.equal(res.statusCode, status, `${key}`);
      assert.equal(((await res.body.json()) as { error: { code: string } }).error.code, code, key);
    }
    assert.deepEqual((await client.listJobs(alice)).filter((j) => j.key.startsWith('job-m')), []);
  });

  test('a body that stalls: 408 BODY_TIMEOUT, nothing stored', async () => {
    const doc = await makeDoc(dir, 'stall.pdf', 64_000);
    const base = new URL(url('jobs/job-stall/document'));
    const req = httpsRequest({
      host: base.hostname, port: base.port, path: base.pathname, method: 'PUT', ca: rig.idp.pki.caPem,
      headers: {
        authorization: `Bearer ${alice}`, [METADATA_HEADER]: encodeMetadataHeader(doc.meta),
        'content-length': String(doc.meta.size), 'content-type': 'application/octet-stream',
      },
    });
    req.write(doc.bytes.subarray(0, 1000));
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    req.destroy();
    assert.equal(res.statusCode, 408);
    assert.equal((JSON.parse(Buffer.concat(chunks).toString()) as { error: { code: string } }).error.code, 'BODY_TIMEOUT');
    assert.equal(await client.getJob(alice, 'job-stall'), null);
    assert.ok(!(await filesUnder(ownerDir('sub-alice-0001'))).some((f) => f.startsWith('.tmp-')));
  });

  test('registration: create, replay, update, conflicts with documents, validation', async () => {
    const doc = await makeDoc(dir, 'held.pdf', 4096);
    const reg = { metadata: doc.meta, releaseUrl: 'https://[::1]:9443/v1/jobs/job-held' };
    const a = await client.register(alice, 'job-held', reg);
    assert.equal(a.location, 'workstation');
    assert.equal(a.releaseUrl, reg.releaseUrl);
    const again = await client.register(alice, 'job-held', reg);
    assert.deepEqual(again, a);
    const moved = await client.register(alice, 'job-held', { ...reg, releaseUrl: 'https://ws2.example:9443/v1/jobs/job-held' });
    assert.equal(moved.createdAt, a.createdAt);
    assert.equal(moved.releaseUrl, 'https://ws2.example:9443/v1/jobs/job-held');
    const listed = (await client.listJobs(alice)).find((j) => j.key === 'job-held') as CloudJob;
    assert.equal(listed.location, 'workstation');
    await refused(client.openDocument(alice, 'job-held'), 409, 'NOT_IN_CLOUD');
    await refused(client.uploadDocument(alice, 'job-held', doc.meta, doc.path), 409, 'KEY_CONFLICT');
    await client.uploadDocument(alice, 'job-doc-first', doc.meta, doc.path);
    await refused(client.register(alice, 'job-doc-first', reg), 409, 'KEY_CONFLICT');
    await refused(client.register(alice, 'job-bad-url', { ...reg, releaseUrl: 'ftp://x/y' }), 400, 'INVALID_REGISTRATION');
    const wrongType = await raw('jobs/job-x/registration', { method: 'PUT', body: JSON.stringify(reg), headers: { authorization: `Bearer ${alice}`, 'content-type': 'text/plain' } });
    assert.equal(wrongType.statusCode, 415);
    await wrongType.body.dump();
    const huge = await raw('jobs/job-x/registration', {
      method: 'PUT', body: JSON.stringify({ ...reg, pad: 'x'.repeat(70_000) }), headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
    });
    assert.equal(huge.statusCode, 413);
    await huge.body.dump();
    assert.equal(await client.deleteJob(alice, 'job-held'), true);
    await refused(client.register(alice, 'job-held', reg), 410, 'JOB_GONE');
  });

  test('a document of several write batches is stored in order, byte for byte', async (t) => {
    // The server writes 1 MiB batches, a few at once, each at its offset: the stored file
    // (read back from the data folder and through the API) must be the upload exactly.
    const s = await rig.startServer();
    t.after(() => s.close());
    const c = new CloudClient({ server: rig.remote(s), apiVersion: '3.0', ca: rig.idp.pki.caPem });
    t.after(() => c.close());
    const doc = await makeDoc(dir, 'batches.ps', 7 * 1024 * 1024 + 12_345, { format: 'postscript' });
    await c.uploadDocument(alice, 'job-batches', doc.meta, doc.path);
    const chunks: Buffer[] = [];
    for await (const chunk of await c.openDocument(alice, 'job-batches')) chunks.push(chunk as Buffer);
    const back = Buffer.concat(chunks);
    assert.equal(back.length, doc.bytes.length);
    assert.ok(back.equals(doc.bytes), 'the downloaded document is the uploaded one');
  });

  test('the same key on two connections at once: the second is told to come back', async (t) => {
    let release!: () => void;
    const holding = new Promise<void>((r) => {
      release = r;
    });
    let receiving!: () => void;
    const firstIsReceiving = new Promise<void>((r) => {
      receiving = r;
    });
    const s = await rig.startServer({
      hooks: {
        onChunk: async ({ key, received }) => {
          if (key !== 'job-twice' || received === 0) return;
          receiving();
          await holding;
        },
      },
    });
    t.after(() => s.close());
    const c = new CloudClient({ server: rig.remote(s), apiVersion: '3.0', ca: rig.idp.pki.caPem });
    t.after(() => c.close());
    const doc = await makeDoc(dir, 'twice.pdf', 500_000);
    const first = c.uploadDocument(alice, 'job-twice', doc.meta, doc.path);
    // The first upload is being received (and held) before the second one starts.
    await firstIsReceiving;
    const err = await refused(c.uploadDocument(alice, 'job-twice', doc.meta, doc.path), 409, 'UPLOAD_IN_PROGRESS');
    assert.equal(err.kind, 'transient');
    assert.equal(err.retryAfterMs, 1000);
    release();
    assert.equal((await first).replayed, false);
  });

  test('a restart keeps jobs and removes what an interrupted upload left', async (t) => {
    const dataDir = await rig.tempDir('server-restart-');
    const s1 = await rig.startServer({ dataDir });
    const c1 = new CloudClient({ server: rig.remote(s1), apiVersion: '3.0', ca: rig.idp.pki.caPem });
    const doc = await makeDoc(dir, 'durable.pdf', 10_000);
    await c1.uploadDocument(alice, 'job-durable', doc.meta, doc.path);
    await c1.close();
    await s1.close();
    const od = s1.store.ownerDir('sub-alice-0001');
    await writeFile(join(od, '.tmp-deadbeef'), 'partial');
    await writeFile(join(od, 'job-orphan.doc'), 'no record');
    await mkdir(join(od, '.gone'), { recursive: true });
    const s2 = await rig.startServer({ dataDir });
    t.after(() => s2.close());
    const c2 = new CloudClient({ server: rig.remote(s2), apiVersion: '3.0', ca: rig.idp.pki.caPem });
    t.after(() => c2.close());
    assert.deepEqual((await c2.listJobs(alice)).map((j) => j.key), ['job-durable']);
    assert.deepEqual(await filesUnder(od), ['job-durable.doc', 'job-durable.json']);
    assert.equal(sha256(await readFile(join(od, 'job-durable.doc'))), doc.meta.sha256);
  });
});
