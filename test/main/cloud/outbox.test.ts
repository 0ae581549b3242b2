// The cloud outbox end to end with real peers on loopback: a real Spool in a temporary
// folder, the reference cloud server over HTTPS, the real OpenID provider (password grant
// → JWT access token for the API's audience). Faults come from a front that answers 500,
// hangs, trickles or drops answers; backoff is watched through a fake clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudClient } from '../../../main/cloud/api-client.js';
import { backoffDelay } from '../../../main/cloud/backoff.js';
import { CloudOutbox, type CloudOutboxOptions } from '../../../main/cloud/outbox.js';
import type { CloudOutboxEvent } from '../../../main/cloud/outbox-events.js';
import { sessionsTokenProvider } from '../../../main/cloud/token-port.js';
import type { CloudServer } from '../../../main/cloud-server/server.js';
import { IdpConnector } from '../../../main/identity/idp-client.js';
import { Sessions } from '../../../main/identity/sessions.js';
import { InMemoryVault } from '../../../main/identity/token-vault.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import type { Spool } from '../../../main/spool/spool.js';
import { freePort, waitFor } from '../../helpers/process.js';
import { FAST_RETRY, settingsFor } from '../../peers/oidc-provider.js';
import { ACCOUNTS, ALICE, BOB, RigTokens, startRig, type Rig } from './cloud-rig.js';
import { FakeClock, seeded } from './fake-clock.js';
import { sha256 } from './fixtures.js';
import { nextEvent, openSpool, postScript, startFaultFront, storeJob } from './outbox-rig.js';

/** Generous: a loaded machine must not turn a slow answer into a retry where none is expected. */
const TIMEOUTS = { connectMs: 5000, headersMs: 15_000, bodyIdleMs: 15_000, uploadIdleMs: 15_000 };
/** For the fault test: a hang costs the headers timeout; a trickle (1 byte/s) trips the body idle one. */
const TIGHT = { connectMs: 5000, headersMs: 2000, bodyIdleMs: 700, uploadIdleMs: 5000 };
const POLICY = { initialMs: 1000, maxMs: 8000 };

describe('cloud outbox end to end', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => rig?.stop());

  interface Setup {
    spool: Spool;
    client: CloudClient;
    outbox: CloudOutbox;
    events: CloudOutboxEvent[];
    dataDir: string;
    done(): Promise<void>;
  }

  /** A spool + outbox (+ a server unless given), torn down by done(). */
  async function setup(o: {
    server?: CloudServer; tokens: CloudOutboxOptions['tokens']; owner?: string; dataDir?: string;
    /** Where the client connects instead of the server (a fault front, or a server not started yet). */
    remote?: { host: string; port: number };
    timeouts?: typeof TIMEOUTS;
    outbox?: Partial<CloudOutboxOptions>;
  }): Promise<Setup> {
    const dataDir = o.dataDir ?? await rig.tempDir('outbox-');
    const server = o.server ?? (o.remote ? null : await rig.startServer());
    const spool = await openSpool(dataDir, o.owner ?? ALICE);
    const remote = { ...(server ? rig.remote(server) : { path: '', useSsl: true }), ...o.remote } as ReturnType<Rig['remote']>;
    const client = new CloudClient({ server: remote, apiVersion: '3.0', ca: rig.idp.pki.caPem, timeouts: o.timeouts ?? TIMEOUTS });
    const outbox = new CloudOutbox({
      spool, api: client, tokens: o.tokens, dataDir, workstation: 'WS-TEST-7', logger: nullLogger(),
      backoff: POLICY, ...o.outbox,
    });
    const events: CloudOutboxEvent[] = [];
    outbox.onAny((e) => events.push(e));
    await outbox.start();
    return {
      spool, client, outbox, events, dataDir,
      async done() {
        await outbox.stop();
        await spool.close();
        await client.close();
      },
    };
  }

  async function download(client: CloudClient, token: string, key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of await client.openDocument(token, key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  test('a stored Cloud job arrives in the user\'s queue, byte-identical, and the local copy is removed (real Sessions)', async (t) => {
    const connector = new IdpConnector(settingsFor(rig.idp), { retry: FAST_RETRY });
    const sessions = new Sessions({ idp: () => connector.get(), vault: new InMemoryVault() });
    await sessions.signInWithPassword(ALICE, ACCOUNTS[ALICE].password);
    t.after(() => connector.close());
    const s = await setup({ tokens: sessionsTokenProvider(sessions) });
    t.after(() => s.done());
    const states: string[] = [];
    s.spool.on('job-state', (j) => states.push(j.state));
    const deleted: string[] = [];
    s.spool.on('job-deleted', (j) => deleted.push(j.id));

    const doc = postScript('Quarterly Report', 4, 400_000);
    const submitted = nextEvent(s.outbox, 'submitted');
    const job = await storeJob(s.spool, doc, 'cloud', 2);
    const e = await submitted;
    assert.equal(e.job.id, job.id);
    assert.equal(e.replayed, false);
    assert.deepEqual(e.cloudJob.metadata, {
      title: 'Quarterly Report', pages: 4, color: job.color, duplex: job.duplex, copies: 2, format: 'postscript',
      size: doc.length, sha256: sha256(doc), workstation: 'WS-TEST-7', printedAt: job.receivedAt,
    });
    const token = await sessions.accessTokenFor(ALICE);
    const queue = await s.client.listJobs(token);
    assert.deepEqual(queue.map((j) => j.key), [job.id]);
    assert.equal(sha256(await download(s.client, token, job.id)), sha256(doc));
    await waitFor('local copy removed', () => deleted.includes(job.id), 5000);
    assert.deepEqual(states, ['uploading', 'submitted']);
    assert.equal(s.spool.get(job.id), undefined);
    assert.equal(existsSync(job.file), false);
    assert.deepEqual(s.events.map((x) => x.type), ['submitted']);
  });

  test('server down for a while, then up: every job uploaded exactly once, at most 2 at a time', async (t) => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
    const clock = new FakeClock();
    const port = await freePort();
    const s = await setup({ tokens, remote: { host: '127.0.0.1', port }, outbox: { clock, random: seeded(7) } });
    t.after(() => s.done());
    const jobs = [];
    for (let i = 0; i < 5; i++) jobs.push(await storeJob(s.spool, postScript(`Job ${i}`, 1, 200_000)));
    await waitFor('five failed tries', () => s.events.filter((e) => e.type === 'retry-scheduled').length === 5, 10_000);
    assert.ok(s.events.every((e) => e.type === 'retry-scheduled' && e.code === 'CLOUD_UNREACHABLE'));
    assert.ok(s.spool.list().every((j) => j.state === 'queued'), 'jobs back to queued while backing off');

    // The server comes up on that port.
    let active = 0;
    let maxActive = 0;
    const server = await rig.startServer({
      port,
      hooks: {
        onChunk: async ({ received }) => {
          if (received > 0 && received <= 256 * 1024) {
            active++;
            maxActive = Math.max(maxActive, active);
            await sleep(40);
            active--;
          }
        },
      },
    });
    const created: string[] = [];
    server.events.on('job-created', (e) => created.push(e.key));
    // Every backoff ends at once: five jobs ready together, two uploads at a time.
    clock.advance(POLICY.maxMs);
    await waitFor('all submitted', () => s.events.filter((e) => e.type === 'submitted').length === 5, 10_000);
    assert.deepEqual([...created].sort(), jobs.map((j) => j.id).sort());
    assert.equal(maxActive, 2, 'two uploads at once, never more');
    await waitFor('local copies removed', () => s.spool.list().length === 0, 5000);
  });

  test('500s, a hang, a trickled answer and a lost answer: backoff as specified, uploaded once', async (t) => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
    const clock = new FakeClock();
    const rnd = seeded(1234);
    const expected = seeded(1234);
    const server = await rig.startServer();
    const created: string[] = [];
    const replayed: string[] = [];
    server.events.on('job-created', (e) => created.push(e.key));
    server.events.on('job-replayed', (e) => replayed.push(e.key));
    const front = await startFaultFront(server.origin, { key: rig.idp.pki.keyPem, cert: rig.idp.pki.certPem }, rig.agent);
    t.after(() => front.close());
    // After the first failure every try looks the job up first (GET), then uploads (PUT).
    front.plan.push('500', 'hang', 'pass', 'trickle', 'drop-answer');
    const s = await setup({ server, tokens, remote: front, timeouts: TIGHT, outbox: { clock, random: rnd } });
    t.after(() => s.done());
    const doc = postScript('Faulty network', 2, 300_000);
    const job = await storeJob(s.spool, doc);
    const delays: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const r = await nextEvent(s.outbox, 'retry-scheduled', (e) => e.failures === i).catch((err: Error) => {
        throw new Error(`${err.message}; seen ${JSON.stringify(front.seen)}; events ${JSON.stringify(s.events)}`);
      });
      delays.push(r.delayMs);
      assert.equal(r.jobId, job.id);
      clock.fireNext();
    }
    assert.deepEqual(delays, [1, 2, 3, 4].map((n) => backoffDelay(n, POLICY, expected)));
    assert.ok(delays[3] > delays[0], 'delays grow');
    assert.ok(delays.every((d) => d <= POLICY.maxMs));
    const sub = await nextEvent(s.outbox, 'submitted');
    assert.equal(sub.job.id, job.id);
    assert.equal(sub.replayed, true);
    // The upload whose answer trickled reached the server; later tries found it and sent nothing twice.
    assert.deepEqual(created, [job.id]);
    assert.deepEqual(front.seen.map((x) => `${x.method} ${x.fault}`), [
      'PUT 500', 'GET hang', 'GET pass', 'PUT trickle', 'GET drop-answer', 'GET pass',
    ]);
    assert.deepEqual(s.events.filter((e) => e.type === 'retry-scheduled').map((e) => e.code),
      ['CLOUD_SERVER_ERROR', 'CLOUD_TIMEOUT', 'CLOUD_TIMEOUT', 'CLOUD_UNREACHABLE']);
    assert.deepEqual(replayed, []);
    const queue = await s.client.listJobs((await tokens.accessTokenFor(ALICE)) as string);
    assert.equal(queue.length, 1);
  });

  test('token refused (expired at the server): refreshed once at the provider, then uploaded', async (t) => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
    const stale = tokens.sets.get(ALICE);
    assert.ok(stale);
    const exp = (JSON.parse(Buffer.from(stale.accessToken.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
    // The server's clock stands just past the first token's expiry; a token issued a
    // second later is still valid there.
    const server = await rig.startServer({ now: () => new Date(exp * 1000 + 500) });
    await sleep(1100);
    const s = await setup({ server, tokens });
    t.after(() => s.done());
    const job = await storeJob(s.spool, postScript('Expiring', 1));
    const sub = await nextEvent(s.outbox, 'submitted');
    assert.equal(sub.job.id, job.id);
    assert.equal(tokens.refreshes, 1);
    assert.deepEqual(tokens.calls.map((c) => c.forceRefresh), [false, true]);
    assert.equal(s.events.filter((e) => e.type === 'waiting-for-sign-in').length, 0);
  });

  test('refresh refused: waiting-for-sign-in (announced once per job), then resumeUser uploads', async (t) => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
    const set = tokens.sets.get(ALICE);
    assert.ok(set);
    const exp = (JSON.parse(Buffer.from(set.accessToken.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
    let serverNow = exp * 1000 + 500;
    const server = await rig.startServer({ now: () => new Date(serverNow) });
    // A refresh token the provider does not know: its refresh grant is refused.
    tokens.use(ALICE, { accessToken: set.accessToken, refreshToken: 'revoked-or-unknown' });
    const s = await setup({ server, tokens });
    t.after(() => s.done());
    const a = await storeJob(s.spool, postScript('Waiting A', 1));
    await nextEvent(s.outbox, 'waiting-for-sign-in', (e) => e.jobId === a.id);
    assert.equal(s.spool.get(a.id)?.state, 'waiting-for-sign-in');
    // No token at all now (the port forgot the refused sign-in): the next job waits too.
    const b = await storeJob(s.spool, postScript('Waiting B', 1));
    await nextEvent(s.outbox, 'waiting-for-sign-in', (e) => e.jobId === b.id);
    assert.equal(s.spool.get(b.id)?.state, 'waiting-for-sign-in');
    await s.outbox.whenIdle(2000);
    assert.equal(s.events.filter((e) => e.type === 'waiting-for-sign-in').length, 2);
    assert.equal(s.events.filter((e) => e.type === 'submitted').length, 0);

    serverNow = Date.now() + 1000;
    await tokens.signIn(ALICE);
    const both = Promise.all([nextEvent(s.outbox, 'submitted', (e) => e.job.id === a.id), nextEvent(s.outbox, 'submitted', (e) => e.job.id === b.id)]);
    s.outbox.resumeUser('Alice@Example.com');
    await both;
    await waitFor('local copies removed', () => s.spool.list().length === 0, 5000);
  });

  test('refused for good (413): failed with the server\'s reason, kept, remembered across a restart, retried on request', async (t) => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
    const serverDir = await rig.tempDir('small-server-');
    const small = await rig.startServer({ dataDir: serverDir, limits: { maxDocumentBytes: 100_000 } });
    const s = await setup({ server: small, tokens });
    const job = await storeJob(s.spool, postScript('Too big', 1, 150_000));
    const failed = await nextEvent(s.outbox, 'failed');
    assert.equal(failed.jobId, job.id);
    assert.equal(failed.code, 'DOCUMENT_TOO_LARGE');
    assert.equal(failed.status, 413);
    assert.match(failed.message, /at most 100000/);
    assert.equal(s.spool.get(job.id)?.state, 'failed');
    assert.ok(existsSync(job.file), 'the document stays for a retry');
    assert.equal(s.outbox.failureOf(job.id)?.code, 'DOCUMENT_TOO_LARGE');
    await s.done();
    await small.close();

    // After a restart the reason is still known; with a larger limit a retry succeeds.
    const big = await rig.startServer({ dataDir: serverDir });
    const s2 = await setup({ server: big, tokens, dataDir: s.dataDir });
    t.after(() => s2.done());
    assert.equal(s2.outbox.failureOf(job.id)?.code, 'DOCUMENT_TOO_LARGE');
    await s2.outbox.whenIdle(2000);
    assert.equal(s2.spool.get(job.id)?.state, 'failed', 'a failed job is not retried by itself');
    const sub = nextEvent(s2.outbox, 'submitted');
    await s2.outbox.retry(job.id);
    assert.equal((await sub).job.id, job.id);
    assert.equal(s2.outbox.failureOf(job.id), null);
  });

  test('a document damaged on disk after it was stored: the server\'s digest check fails it', async (t) => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
    const s = await setup({ tokens, outbox: { clock: new FakeClock() } });
    t.after(() => s.done());
    await s.outbox.stop();
    const job = await storeJob(s.spool, postScript('Damaged', 1, 10_000));
    const bytes = await readFile(job.file);
    bytes[100] ^= 0xff;
    await writeFile(job.file, bytes);
    const o2 = new CloudOutbox({ spool: s.spool, api: s.client, tokens, dataDir: s.dataDir, workstation: 'ws', logger: nullLogger() });
    t.after(() => o2.stop());
    const failed = nextEvent(o2, 'failed');
    await o2.start();
    assert.equal((await failed).code, 'DIGEST_MISMATCH');
    assert.deepEqual(await s.client.listJobs((await tokens.accessTokenFor(ALICE)) as string), []);
  });

  test('a restart while backing off: the spool\'s queued job resumes and is uploaded once', async () => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
    const server = await rig.startServer();
    const created: string[] = [];
    server.events.on('job-created', (e) => created.push(e.key));
    const front = await startFaultFront(server.origin, { key: rig.idp.pki.keyPem, cert: rig.idp.pki.certPem }, rig.agent);
    front.plan.push('500');
    const s = await setup({ server, tokens, remote: front, outbox: { clock: new FakeClock() } });
    const job = await storeJob(s.spool, postScript('Restart', 1));
    await nextEvent(s.outbox, 'retry-scheduled');
    await s.done();
    await front.close();
    const s2 = await setup({ server, tokens, dataDir: s.dataDir });
    try {
      const sub = await waitFor('submitted', () => s2.events.find((e) => e.type === 'submitted'), 15_000);
      assert.equal(sub.type === 'submitted' && sub.job.id, job.id);
      assert.deepEqual(created, [job.id]);
    } finally {
      await s2.done();
    }
  });

  test('owners are kept apart: Bob\'s job goes to Bob\'s queue with Bob\'s token', async (t) => {
    const tokens = new RigTokens(rig);
    await tokens.signIn(BOB);
    const s = await setup({ tokens, owner: BOB });
    t.after(() => s.done());
    const job = await storeJob(s.spool, postScript('Bob', 1));
    await nextEvent(s.outbox, 'submitted');
    assert.ok(tokens.calls.every((c) => c.user === BOB));
    const alice = (await rig.signIn(ALICE)).accessToken;
    assert.deepEqual(await s.client.listJobs(alice), []);
    assert.equal((await s.client.listJobs((await tokens.accessTokenFor(BOB)) as string))[0].key, job.id);
  });
});
