// The app facade over a REAL engine (capture on a free port): state counts follow real
// jobs, onChange fires once per burst, delete reaches the spool, problems appear and
// clear, sign-in is refused without an identity provider, About reflects the engine.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createAppFacade, type AppFacade } from '../../../main/ui/app-facade.js';
import { lifespansOf } from '../../../main/ui/expiry.js';
import { PullPrintError } from '../../../main/util/errors.js';
import { postScriptText } from '../../helpers/documents.js';
import { startTestEngine, type TestEngine } from '../../helpers/engine.js';

async function printRaw(te: TestEngine, title: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: te.port() }, () => s.end(postScriptText({ pages: 1, title })));
    s.on('error', reject);
    s.on('close', () => resolve());
    s.resume();
  });
}

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('app facade over the real engine', () => {
  let te: TestEngine;
  let facade: AppFacade;
  const released: Array<[string, unknown]> = [];

  before(async () => {
    te = await startTestEngine({ loggingEnabled: 'false' });
    facade = createAppFacade({
      engine: te.engine,
      signIn: async () => undefined,
      signOut: async () => undefined,
      releaseJob: async (id, req) => {
        released.push([id, req]);
      },
      savedPrinters: async () => [{ name: 'Floor 2', uri: 'ipp://printer.example/ipp/print' }],
      lateBindingEnabled: true,
      lifespans: lifespansOf(te.config),
      runtime: { node: '20', electron: '45' },
    });
  });
  after(async () => {
    facade?.dispose();
    await te?.dispose();
  });

  test('initial state: running, no identity provider, nothing held', () => {
    assert.deepEqual(facade.snapshot(), {
      engine: 'running',
      signInAvailable: false,
      session: { user: null, state: 'signed-out' },
      jobs: { held: 0, kept: 0, queued: 0, uploading: 0, failed: 0, waitingForSignIn: 0 },
      problem: null,
      lateBindingEnabled: true,
    });
  });

  test('jobs arriving change the counts and call onChange; a burst of events gives one call per tick', async () => {
    let calls = 0;
    const off = facade.onChange(() => {
      calls += 1;
    });
    await printRaw(te, 'One');
    await printRaw(te, 'Two');
    await until(() => facade.snapshot().jobs.held === 2);
    assert.ok(calls >= 1);
    const views = facade.jobViews();
    assert.deepEqual(views.map((v) => v.title).sort(), ['One', 'Two']);
    assert.ok(views.every((v) => v.expiresAt !== null && !('file' in v) && !('sha256' in v)), 'no paths or digests for the page');
    assert.equal(facade.listJobs().length, 2);
    // Three synchronous engine events in one tick: one notification.
    calls = 0;
    for (let i = 0; i < 3; i += 1) te.engine.events.emit({ type: 'status', status: 'running' });
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 1);
    off();
  });

  test('delete reaches the spool; unknown ids are JOB_NOT_FOUND', async () => {
    const [first] = facade.listJobs();
    await facade.deleteJob(first.id);
    assert.equal(te.engine.getJob(first.id), undefined);
    await assert.rejects(facade.deleteJob(first.id), (e: unknown) => e instanceof PullPrintError && e.code === 'JOB_NOT_FOUND');
  });

  test('release and saved printers go to the injected functions', async () => {
    const [job] = facade.listJobs();
    await facade.releaseJob(job.id, { printer: 'Floor 2', keep: false });
    assert.deepEqual(released, [[job.id, { printer: 'Floor 2', keep: false }]]);
    assert.deepEqual(await facade.savedPrinters(), [{ name: 'Floor 2', uri: 'ipp://printer.example/ipp/print' }]);
  });

  test('an engine error becomes the problem until the engine shows it works again', async () => {
    te.engine.events.emit({ type: 'error', code: 'DISK_FULL', message: 'no space left' });
    assert.deepEqual(facade.snapshot().problem, { code: 'DISK_FULL', message: 'no space left' });
    await printRaw(te, 'Three');
    await until(() => facade.snapshot().problem === null);
  });

  test('sign-in and sign-out without an identity provider: SIGN_IN_UNAVAILABLE', async () => {
    await assert.rejects(facade.signIn({ sso: true }), (e: unknown) => e instanceof PullPrintError && e.code === 'SIGN_IN_UNAVAILABLE');
    await assert.rejects(facade.signOut(), (e: unknown) => e instanceof PullPrintError && e.code === 'SIGN_IN_UNAVAILABLE');
  });

  test('about: version, files, queues with the real port, runtime', () => {
    const a = facade.about();
    assert.equal(a.product, 'PullPrint');
    assert.equal(a.engine, 'running');
    assert.equal(a.configFile, te.config.paths.configFile);
    assert.deepEqual(a.queues, [{ mode: 'serverless-ad', queue: 'PullPrint-AD', port: te.port(), listening: true }]);
    assert.deepEqual(a.runtime, { node: '20', electron: '45' });
  });

  test('after the engine stops: zero counts, empty lists, status stopped', async () => {
    await te.stop();
    const s = facade.snapshot();
    assert.equal(s.engine, 'stopped');
    assert.equal(s.jobs.held, 0);
    assert.deepEqual(facade.jobViews(), []);
  });
});
