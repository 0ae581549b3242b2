import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../main/config/index.js';
import { Engine } from '../../../main/core/engine.js';
import type { EngineEvent } from '../../../main/core/engine.js';
import { createLogger } from '../../../main/log/logger.js';
import { startTestEngine, AD_SECTION } from '../../helpers/engine.js';
import { startReportReceiver } from '../../peers/report-receiver.js';

async function sendRaw(port: number, data: string): Promise<void> {
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(s, 'connect');
  s.end(data);
  s.resume();
  await once(s, 'close');
}

describe('engine', () => {
  test('starts, captures, emits events durably, stops idempotently', async () => {
    const te = await startTestEngine();
    try {
      const events: EngineEvent[] = [];
      te.engine.events.on((e) => events.push(e));
      const snap = te.engine.snapshot();
      assert.equal(snap.status, 'running');
      assert.equal(snap.modes.length, 1);
      assert.equal(snap.modes[0].kind, 'serverless-ad');
      assert.ok(snap.modes[0].listening);
      assert.ok(snap.modes[0].captureAddresses.includes('127.0.0.1'));
      assert.ok(snap.modes[0].capturePort > 0);

      await sendRaw(te.port(), '%!PS-Adobe-3.0\n%%Title: Engine test\n%%Pages: 2\n%%Page: 1 1\nshowpage\n%%Page: 2 2\nshowpage\n%%EOF\n');
      const stored = events.find((e) => e.type === 'job-stored');
      assert.ok(stored && stored.type === 'job-stored', 'job-stored emitted before the RAW connection closed');
      assert.equal(stored.job.title, 'Engine test');
      assert.equal(stored.job.pages, 2);
      assert.equal(stored.job.state, 'held');
      assert.equal(te.engine.snapshot().jobs.held, 1);

      const deleted = await te.engine.deleteJob(stored.job.id);
      assert.equal(deleted.id, stored.job.id);
      assert.ok(events.some((e) => e.type === 'job-deleted' && e.reason === 'user-deleted'));
      await assert.rejects(te.engine.deleteJob(stored.job.id), /no job/);

      await Promise.all([te.engine.stop(), te.engine.stop()]);
      await te.engine.stop();
      assert.equal(te.engine.status, 'stopped');
      assert.deepEqual(events.filter((e) => e.type === 'status').map((e) => (e.type === 'status' ? e.status : '')), ['stopping', 'stopped']);
      assert.throws(() => te.engine.listJobs(), /not running/);
    } finally {
      await te.dispose();
    }
  });

  test('a failed start (port taken) stops what it started and can be retried', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as AddressInfo).port;
    const dir = await mkdtemp(join(tmpdir(), 'pp-engine-'));
    try {
      const file = join(dir, 'configuration.xml');
      await writeFile(file, `<Configuration><Logger><LogFilePath>${join(dir, 'l.log')}</LogFilePath></Logger><LPMServerlessADSettings><CaptureSettings><LoopbackPort>${port}</LoopbackPort></CaptureSettings></LPMServerlessADSettings></Configuration>`);
      const config = await loadConfig({ configPath: file, dataDir: join(dir, 'data'), env: {} });
      const logger = createLogger({ file: null, loggingEnabled: false });
      const engine = new Engine({ config, logger });
      await assert.rejects(engine.start(), /EADDRINUSE|in use/i);
      assert.equal(engine.status, 'stopped');
      blocker.close();
      await once(blocker, 'close');
      await engine.start();
      assert.equal(engine.status, 'running');
      await engine.stop();
      const left = await readdir(join(dir, 'data'));
      assert.ok(!left.includes('control.sock'));
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a second start while running is refused', async () => {
    const te = await startTestEngine();
    try {
      await assert.rejects(te.engine.start(), /engine is running/);
    } finally {
      await te.dispose();
    }
  });

  test('every deletion of a held job reaches the report server with its reason', async () => {
    const receiver = await startReportReceiver();
    const te = await startTestEngine({
      sections: `${AD_SECTION()}
  <DeleteJobTrackerSettings>
    <TrackDeletedJob>true</TrackDeletedJob>
    <SendImmediately>true</SendImmediately>
    <ServerSettings><ServerIP>127.0.0.1</ServerIP><ServerPort>${receiver.port}</ServerPort><ServerSSL>false</ServerSSL></ServerSettings>
    <OtherSettings><SiteName>Head office</SiteName></OtherSettings>
  </DeleteJobTrackerSettings>`,
    });
    try {
      await sendRaw(te.port(), '%!PS-Adobe-3.0\n%%Title: Tracked\n%%Pages: 3\n%%EOF\n');
      const [job] = te.engine.listJobs();
      await te.engine.deleteJob(job.id, 'user-deleted');
      const deadline = Date.now() + 10_000;
      while (receiver.accepted().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const [rec] = receiver.accepted();
      assert.ok(rec, 'record delivered');
      assert.equal(rec.jobId, job.id);
      assert.equal(rec.reason, 'user-deleted');
      assert.equal(rec.title, 'Tracked');
      assert.equal(rec.pages, 3);
      assert.equal(rec.siteName, 'Head office');
      // The tracker drops the record once it has read the server's answer, just after the
      // server counted it as accepted.
      while (te.engine.requireTracker().status().pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(te.engine.requireTracker().status().pending, 0);
    } finally {
      await te.dispose();
      await receiver.close();
    }
  });
});
