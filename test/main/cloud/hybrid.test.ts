// Hybrid registration through the outbox, with the reference server and the real
// provider: a held job is registered (metadata + release URL, no document) and
// unregistered when it leaves the workstation; the durable markers carry both across
// restarts, a server outage and a crash between the spool's delete and the marker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudClient } from '../../../main/cloud/api-client.js';
import { CloudOutbox } from '../../../main/cloud/outbox.js';
import type { CloudOutboxEvent } from '../../../main/cloud/outbox-events.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import type { JobRecord, Spool } from '../../../main/spool/spool.js';
import { freePort, waitFor } from '../../helpers/process.js';
import { ALICE, RigTokens, startRig, type Rig } from './cloud-rig.js';
import { FakeClock } from './fake-clock.js';
import { nextEvent, openSpool, postScript, storeJob } from './outbox-rig.js';

const releaseUrlFor = (job: JobRecord): string => `https://ws-test-7.example:9443/v1/jobs/${job.id}`;

describe('hybrid registration through the outbox', () => {
  let rig: Rig;
  let tokens: RigTokens;
  before(async () => {
    rig = await startRig();
    tokens = new RigTokens(rig);
    await tokens.signIn(ALICE);
  });
  after(() => rig?.stop());

  interface Node {
    spool: Spool;
    outbox: CloudOutbox;
    client: CloudClient;
    events: CloudOutboxEvent[];
    stop(): Promise<void>;
  }

  async function node(dataDir: string, port: number, clock?: FakeClock, tokenPort = tokens, uploads = true): Promise<Node> {
    const spool = await openSpool(dataDir, ALICE);
    const client = new CloudClient({ server: { host: '127.0.0.1', port, path: '/cpm', useSsl: true }, apiVersion: '3.0', ca: rig.idp.pki.caPem });
    const outbox = new CloudOutbox({
      spool, api: client, tokens: tokenPort, dataDir, workstation: 'WS-TEST-7', logger: nullLogger(), releaseUrlFor, uploads,
      ...(clock ? { clock } : {}),
    });
    const events: CloudOutboxEvent[] = [];
    outbox.onAny((e) => events.push(e));
    await outbox.start();
    return {
      spool, outbox, client, events,
      async stop() {
        await outbox.stop();
        await spool.close();
        await client.close();
      },
    };
  }

  const markers = async (dataDir: string): Promise<Record<string, string>> => {
    const dir = join(dataDir, 'outbox', 'hybrid');
    const out: Record<string, string> = {};
    for (const n of await readdir(dir)) out[n.replace(/\.json$/, '')] = (JSON.parse(await readFile(join(dir, n), 'utf8')) as { op: string }).op;
    return out;
  };
  /** An event already recorded by the node, or the next one (start() may have raced ahead). */
  const seen = (n: Node, type: CloudOutboxEvent['type']): Promise<CloudOutboxEvent> =>
    waitFor(`${type} event`, () => n.events.find((e) => e.type === type), 15_000);
  const token = async (): Promise<string> => (await tokens.accessTokenFor(ALICE)) as string;

  test('held → registered (no document) → released → unregistered', async (t) => {
    const server = await rig.startServer({ basePath: '/cpm' });
    const dataDir = await rig.tempDir('hybrid-');
    const n = await node(dataDir, server.port);
    t.after(() => n.stop());
    const registered = nextEvent(n.outbox, 'registered');
    const job = await storeJob(n.spool, postScript('Held job', 2), 'hybrid');
    assert.equal(job.state, 'held');
    const e = await registered;
    assert.equal(e.cloudJob.location, 'workstation');
    assert.equal(e.cloudJob.releaseUrl, releaseUrlFor(job));
    assert.equal(e.cloudJob.metadata.title, 'Held job');
    assert.equal(e.cloudJob.metadata.sha256, job.sha256);
    assert.deepEqual(await markers(dataDir), { [job.id]: 'registered' });
    const listed = await n.client.listJobs(await token());
    assert.deepEqual(listed.map((j) => [j.key, j.location]), [[job.id, 'workstation']]);
    assert.equal(n.spool.get(job.id)?.state, 'held', 'registration does not change the local state');

    const unregistered = nextEvent(n.outbox, 'unregistered');
    await n.spool.delete(job.id, 'released');
    assert.equal((await unregistered).jobId, job.id);
    assert.equal(await n.client.getJob(await token(), job.id), null);
    assert.deepEqual(await markers(dataDir), {});
  });

  test('server down: the registration waits on disk across a restart; an unregistration after a crash is not lost', async () => {
    const port = await freePort();
    const dataDir = await rig.tempDir('hybrid-restart-');
    const clock = new FakeClock();
    const n1 = await node(dataDir, port, clock);
    const job = await storeJob(n1.spool, postScript('Survives', 1), 'hybrid');
    const retry = await nextEvent(n1.outbox, 'retry-scheduled');
    assert.equal(retry.operation, 'register');
    assert.equal(retry.code, 'CLOUD_UNREACHABLE');
    assert.deepEqual(await markers(dataDir), { [job.id]: 'register' });
    await n1.stop();

    const server = await rig.startServer({ basePath: '/cpm', port });
    const created: string[] = [];
    server.events.on('job-created', (e) => created.push(e.key));
    try {
      const n2 = await node(dataDir, port);
      await seen(n2, 'registered');
      assert.deepEqual(created, [job.id]);
      // Stopped, then the job is deleted with no outbox listening: as if the process died
      // between the spool's delete and the 'unregister' marker.
      await n2.outbox.stop();
      await n2.spool.delete(job.id, 'expired');
      await n2.spool.close();
      await n2.client.close();
      assert.deepEqual(await markers(dataDir), { [job.id]: 'registered' });

      const n3 = await node(dataDir, port);
      await seen(n3, 'unregistered');
      assert.equal(await n3.client.getJob(await token(), job.id), null);
      assert.deepEqual(await markers(dataDir), {});
      await n3.stop();
    } finally {
      await server.close();
    }
  });

  test('a held job whose marker was never written (crash after storing) is registered at start', async () => {
    const server = await rig.startServer({ basePath: '/cpm' });
    const dataDir = await rig.tempDir('hybrid-orphan-');
    // The spool alone stores the job: no outbox was there to write its marker.
    const spool = await openSpool(dataDir, ALICE);
    const job = await storeJob(spool, postScript('No marker', 1), 'hybrid');
    await spool.close();
    const n = await node(dataDir, server.port);
    try {
      const e = await seen(n, 'registered');
      assert.equal(e.type === 'registered' && e.jobId, job.id);
      assert.deepEqual(await markers(dataDir), { [job.id]: 'registered' });
    } finally {
      await n.stop();
    }
  });

  test('deleted before the registration got through: unregistered, nothing left at the server', async () => {
    const port = await freePort();
    const dataDir = await rig.tempDir('hybrid-cancel-');
    const clock = new FakeClock();
    const n = await node(dataDir, port, clock);
    const job = await storeJob(n.spool, postScript('Gone soon', 1), 'hybrid');
    await nextEvent(n.outbox, 'retry-scheduled');
    await n.spool.delete(job.id, 'user-deleted');
    await waitFor('unregister marker', async () => (await markers(dataDir))[job.id] === 'unregister', 5000);
    const server = await rig.startServer({ basePath: '/cpm', port });
    try {
      const done = nextEvent(n.outbox, 'unregistered');
      clock.advance(10 * 60_000);
      await done;
      assert.deepEqual(await n.client.listJobs(await token()), []);
      assert.ok(!n.events.some((e) => e.type === 'registered'));
    } finally {
      await n.stop();
      await server.close();
    }
  });

  test('no sign-in: the registration waits (announced once), resumeUser sends it', async () => {
    const server = await rig.startServer({ basePath: '/cpm' });
    const dataDir = await rig.tempDir('hybrid-signin-');
    const nobody = new RigTokens(rig);
    const n = await node(dataDir, server.port, undefined, nobody);
    try {
      const job = await storeJob(n.spool, postScript('Later', 1), 'hybrid');
      const w = await nextEvent(n.outbox, 'waiting-for-sign-in');
      assert.deepEqual([w.jobId, w.operation], [job.id, 'register']);
      await nobody.signIn(ALICE);
      const reg = nextEvent(n.outbox, 'registered');
      n.outbox.resumeUser(ALICE);
      await reg;
      assert.equal(n.events.filter((e) => e.type === 'waiting-for-sign-in').length, 1);
    } finally {
      await n.stop();
    }
  });

  test('a registering-only outbox (uploads: false) leaves Cloud jobs alone', async () => {
    const server = await rig.startServer({ basePath: '/cpm' });
    const dataDir = await rig.tempDir('hybrid-only-');
    const n = await node(dataDir, server.port, undefined, tokens, false);
    try {
      const cloudJob = await storeJob(n.spool, postScript('Not mine', 1), 'cloud');
      const held = await storeJob(n.spool, postScript('Mine', 1), 'hybrid');
      await seen(n, 'registered');
      await n.outbox.whenIdle(2000);
      assert.equal(n.spool.get(cloudJob.id)?.state, 'queued');
      assert.deepEqual((await n.client.listJobs(await token())).map((j) => j.key), [held.id]);
    } finally {
      await n.stop();
    }
  });

  test('stopped right after a job is held: stop() waits for the marker being written', async () => {
    const dataDir = await rig.tempDir('hybrid-stop-');
    // No server at all: only the durable marker matters here.
    const n = await node(dataDir, await freePort());
    const job = await storeJob(n.spool, postScript('Held, then stop', 1), 'hybrid');
    await n.stop();
    assert.deepEqual(await markers(dataDir), { [job.id]: 'register' }, 'the marker is on disk once stop() resolved');
  });
});
