// Lifespans with a fake clock over a real spool: unprinted jobs expire UnprintedJobsLifespan
// hours after they arrived, printed-and-kept ones PrintAndKeepLifespan hours after their
// release; empty user folders go after DeleteEmptyUserFoldersLifespan days of no
// activity, with the user's stored tokens (forgetUser). Sweeps run at start and on timers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LifespanSweeper, expiryOf } from '../../../main/release/lifespans.js';
import { ReleaseService } from '../../../main/release/index.js';
import type { ReleaseEvent } from '../../../main/release/index.js';
import { SpoolLayout } from '../../../main/spool/layout.js';
import type { DeleteReason } from '../../../main/spool/types.js';
import { FakeClock } from '../../../main/util/fake-clock.js';
import { postScriptText } from '../../helpers/documents.js';
import { memoryLogger, openSpool, storeJob, tempDataDir } from './fixture.js';

const H = 3_600_000;
const D = 24 * H;
const LIFESPANS = { hybrid: { unprintedJobsLifespanHours: 48, printAndKeepLifespanHours: 24 } };
const doc = Buffer.from(postScriptText({ pages: 1 }));

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('lifespans', () => {
  test('expiryOf: unprinted from receipt, kept from release, none for other states or modes', () => {
    const base = { mode: 'hybrid' as const, receivedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z' };
    assert.equal(expiryOf({ ...base, state: 'held' }, LIFESPANS)?.toISOString(), '2026-01-03T00:00:00.000Z');
    assert.equal(expiryOf({ ...base, state: 'released-kept' }, LIFESPANS)?.toISOString(), '2026-01-03T00:00:00.000Z');
    assert.equal(expiryOf({ ...base, state: 'queued' }, LIFESPANS), null);
    assert.equal(expiryOf({ ...base, mode: 'local', state: 'held' }, LIFESPANS), null);
  });

  test('held jobs expire after UnprintedJobsLifespan, kept ones PrintAndKeepLifespan after release; reason expired', async (t) => {
    const t0 = new Date();
    const clock = new FakeClock(t0);
    const dataDir = await tempDataDir(t, 'release-life');
    const spool = await openSpool(dataDir, clock);
    t.after(() => spool.close());
    const deleted: { id: string; reason: DeleteReason; state: string }[] = [];
    spool.on('job-deleted', (job, reason) => deleted.push({ id: job.id, reason, state: job.state }));
    const held = await storeJob(spool, doc, { owner: 'alice@example.com' });
    const kept = await storeJob(spool, doc, { owner: 'alice@example.com' });
    const local = await storeJob(spool, doc, { owner: 'alice@example.com', mode: 'local' });
    clock.set(new Date(t0.getTime() + H));
    await spool.setState(kept.id, 'released-kept');

    const sweeper = new LifespanSweeper({
      spool, dataDir, lifespans: LIFESPANS, emptyFolders: { enabled: false, lifespanDays: 7 }, forgetUser: async () => undefined,
      clock, logger: memoryLogger(), intervalMs: 100 * H,
    });
    t.after(() => sweeper.stop());
    const first = await sweeper.start();
    assert.deepEqual(first.expired, []);
    // The next sweep is armed for the first expiry: the kept job, 24 h after its release.
    assert.deepEqual(clock.timers().map((d) => d.getTime()), [t0.getTime() + 25 * H]);

    clock.set(new Date(t0.getTime() + 25 * H - 1000));
    assert.deepEqual((await sweeper.sweep()).expired, []);
    clock.fireNext();
    await until(() => spool.get(kept.id) === undefined, 'the kept job to expire');
    assert.ok(spool.get(held.id));

    clock.set(new Date(t0.getTime() + 48 * H - 1000));
    assert.deepEqual((await sweeper.sweep()).expired, []);
    clock.set(new Date(t0.getTime() + 48 * H));
    assert.deepEqual((await sweeper.sweep()).expired, [held.id]);
    assert.deepEqual(deleted, [
      { id: kept.id, reason: 'expired', state: 'expired' },
      { id: held.id, reason: 'expired', state: 'expired' },
    ]);
    assert.ok(spool.get(local.id), 'no lifespan is configured for the local mode here');
  });

  test('the service sweeps at start and says so in its events', async (t) => {
    const t0 = new Date();
    const clock = new FakeClock(t0);
    const dataDir = await tempDataDir(t, 'release-life-start');
    const spool = await openSpool(dataDir, clock);
    t.after(() => spool.close());
    const job = await storeJob(spool, doc, { owner: 'carol@example.com' });
    clock.set(new Date(t0.getTime() + 49 * H));
    const service = new ReleaseService({
      spool, dataDir, logger: memoryLogger(), lateBindingEnabled: false, lifespans: LIFESPANS, emptyFolders: { enabled: false, lifespanDays: 7 },
      forgetUser: async () => undefined, servers: [], clock,
    });
    const events: ReleaseEvent[] = [];
    service.events.on((e) => events.push(e));
    await service.start();
    t.after(() => service.stop());
    assert.equal(spool.get(job.id), undefined);
    assert.deepEqual(events.map((e) => e.type === 'job-expired' && e.job.id), [job.id]);
  });

  test('empty user folders go after the lifespan counted from the last activity, with the user\'s tokens', async (t) => {
    const t0 = new Date();
    const clock = new FakeClock(t0);
    const dataDir = await tempDataDir(t, 'release-folders');
    const spool = await openSpool(dataDir, clock);
    t.after(() => spool.close());
    const layout = new SpoolLayout(dataDir);
    const bobJob = await storeJob(spool, doc, { owner: 'bob@example.com' });
    await storeJob(spool, doc, { owner: 'alice@example.com' });
    const forgotten: string[] = [];
    let failNext = true;
    const sweeper = new LifespanSweeper({
      spool, dataDir, lifespans: {}, emptyFolders: { enabled: true, lifespanDays: 7 },
      forgetUser: async (u) => {
        if (failNext) {
          failNext = false;
          throw new Error('keychain locked');
        }
        forgotten.push(u);
      },
      clock, logger: memoryLogger(),
    });
    t.after(() => sweeper.stop());
    await sweeper.start();
    // Bob's last job goes one hour in: the folder's week starts then.
    clock.set(new Date(t0.getTime() + H));
    await spool.delete(bobJob.id, 'user-deleted');
    const bobDir = layout.userDir('bob@example.com');
    assert.ok(existsSync(bobDir));

    clock.set(new Date(t0.getTime() + 7 * D + 30 * 60_000));
    assert.deepEqual((await sweeper.sweep()).foldersRemoved, [], 'seven days after the folder was last written, but not after the deletion');
    assert.ok(existsSync(bobDir));

    clock.set(new Date(t0.getTime() + 7 * D + H + 1000));
    assert.deepEqual((await sweeper.sweep()).foldersRemoved, ['bob@example.com']);
    assert.ok(!existsSync(bobDir));
    assert.ok(existsSync(layout.userDir('alice@example.com')), 'a folder with a job stays');
    assert.deepEqual(forgotten, [], 'the first attempt failed');
    await sweeper.sweep();
    assert.deepEqual(forgotten, ['bob@example.com'], 'retried at the next sweep');
    await sweeper.sweep();
    assert.deepEqual(forgotten, ['bob@example.com'], 'once forgotten, not again');
    assert.ok(existsSync(join(dataDir, 'spool', 'users')));
  });

  test('disabled: empty folders are kept however old', async (t) => {
    const t0 = new Date();
    const clock = new FakeClock(t0);
    const dataDir = await tempDataDir(t, 'release-folders-off');
    const spool = await openSpool(dataDir, clock);
    t.after(() => spool.close());
    const job = await storeJob(spool, doc, { owner: 'dave@example.com' });
    await spool.delete(job.id, 'user-deleted');
    const calls: string[] = [];
    const sweeper = new LifespanSweeper({
      spool, dataDir, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 1 }, forgetUser: async (u) => void calls.push(u), clock, logger: memoryLogger(),
    });
    clock.set(new Date(t0.getTime() + 400 * D));
    assert.deepEqual((await sweeper.sweep()).foldersRemoved, []);
    await sweeper.stop();
    assert.ok(existsSync(new SpoolLayout(dataDir).userDir('dave@example.com')));
    assert.deepEqual(calls, []);
  });
});
