// SIGKILL during an upload: a child process running a real Spool and CloudOutbox is
// killed while the reference server is receiving its job, and again right after the
// server stored the job but before the child heard so. After a restart the job is in the
// queue exactly once: the server's idempotency key (the spool job id) is the proof.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CloudServer } from '../../../main/cloud-server/server.js';
import { startDaemon, waitFor, type Daemon } from '../../helpers/process.js';
import { ALICE, startRig, type Rig } from './cloud-rig.js';
import { filesUnder, sha256 } from './fixtures.js';
import { openSpool, postScript, storeJob } from './outbox-rig.js';

const CHILD = join(process.env.PULLPRINT_REPO_ROOT ?? process.cwd(), 'test/main/cloud/outbox-child.ts');

describe('SIGKILL during an upload', () => {
  let rig: Rig;
  let token: string;
  before(async () => {
    rig = await startRig();
    token = (await rig.signIn(ALICE)).accessToken;
  });
  after(() => rig?.stop());

  function child(dataDir: string, server: CloudServer): Daemon {
    return startDaemon(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        PULLPRINT_CHILD_DATA_DIR: dataDir,
        PULLPRINT_CHILD_TOKEN: token,
        PULLPRINT_CHILD_OWNER: ALICE,
        PULLPRINT_CHILD_PORT: String(server.port),
        PULLPRINT_CHILD_CA_FILE: rig.idp.pki.caFile,
      },
    });
  }

  const lines = (d: Daemon): Array<Record<string, unknown>> =>
    d.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

  async function kill(d: Daemon): Promise<void> {
    d.child.kill('SIGKILL');
    await waitFor('child gone', () => d.exited(), 5000);
  }

  /** A spool in a fresh folder holding one Cloud job, stored before any outbox runs. */
  async function spoolWithJob(size: number): Promise<{ dataDir: string; id: string; doc: Buffer }> {
    const dataDir = await rig.tempDir('crash-');
    const spool = await openSpool(dataDir, ALICE);
    const doc = postScript('Killed midway', 3, size);
    const job = await storeJob(spool, doc);
    await spool.close();
    return { dataDir, id: job.id, doc };
  }

  async function stateOnDisk(dataDir: string, id: string): Promise<string | undefined> {
    const spool = await openSpool(dataDir, ALICE);
    try {
      return spool.get(id)?.state;
    } finally {
      await spool.close();
    }
  }

  test('killed while the body is on the wire: nothing half-stored, uploaded once after restart', async () => {
    let midway!: () => void;
    const reachedMidway = new Promise<void>((r) => {
      midway = r;
    });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let stop = false;
    const server = await rig.startServer({
      hooks: {
        onChunk: async ({ received }) => {
          if (received >= 1 << 20 && !stop) {
            midway();
            await held;
          }
        },
      },
    });
    const created: string[] = [];
    server.events.on('job-created', (e) => created.push(e.key));
    // Larger than what the loopback socket buffers can hold, so the kill really cuts the body.
    const { dataDir, id, doc } = await spoolWithJob(64 << 20);

    const first = child(dataDir, server);
    await reachedMidway;
    await kill(first);
    stop = true;
    release();
    const ownerDir = server.store.ownerDir('sub-alice-0001');
    await waitFor('partial upload removed at the server', async () => (await filesUnder(ownerDir)).length === 0, 10_000);
    assert.deepEqual(created, []);
    assert.equal(await stateOnDisk(dataDir, id), 'uploading');

    const second = child(dataDir, server);
    try {
      await waitFor('submitted after restart', () => lines(second).find((l) => l.type === 'submitted'), 20_000);
      assert.deepEqual(created, [id]);
      assert.equal(sha256(await readFile(join(ownerDir, `${id}.doc`))), sha256(doc));
      await waitFor('local copy removed', async () => (await stateOnDisk(dataDir, id)) === undefined, 5000);
    } finally {
      await second.stop();
    }
  });

  test('killed after the server stored the job, before the child heard: found, not sent again', async () => {
    let committed!: () => void;
    const stored = new Promise<void>((r) => {
      committed = r;
    });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let holdNext = true;
    const server = await rig.startServer({
      hooks: {
        afterCommit: async () => {
          if (!holdNext) return;
          holdNext = false;
          committed();
          await held;
        },
      },
    });
    const created: string[] = [];
    const replays: string[] = [];
    server.events.on('job-created', (e) => created.push(e.key));
    server.events.on('job-replayed', (e) => replays.push(e.key));
    const { dataDir, id } = await spoolWithJob(256 * 1024);

    const first = child(dataDir, server);
    await stored;
    await kill(first);
    release();
    assert.equal(await stateOnDisk(dataDir, id), 'uploading');
    assert.deepEqual(created, [id]);

    const second = child(dataDir, server);
    try {
      const sub = await waitFor('submitted after restart', () => lines(second).find((l) => l.type === 'submitted'), 20_000);
      assert.equal(sub.id, id);
      assert.equal(sub.replayed, true, 'the restarted outbox found the job instead of sending it');
      assert.deepEqual(created, [id], 'one job at the server');
      assert.deepEqual(replays, [], 'and not even a second PUT');
    } finally {
      await second.stop();
    }
  });
});
