// `pullprint tracker status|flush` against a real control channel served by a real tracker.
// (Lives beside the tracker tests; main/cli/tracker-commands.ts is the code under test.)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerTrackerCommands, renderTrackerStatus } from '../../../main/cli/tracker-commands.js';
import type { Io } from '../../../main/cli/output.js';
import { callEngine } from '../../../main/control/client.js';
import { answer, startControlServer } from '../../../main/control/server.js';
import type { ControlServer } from '../../../main/control/server.js';
import type { TrackerSettings } from '../../../main/config/types.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { FakeClock, createTracker, trackerControlMethods } from '../../../main/tracker/index.js';
import type { Tracker } from '../../../main/tracker/index.js';
import { startReportReceiver } from '../../peers/report-receiver.js';
import type { ReportReceiver } from '../../peers/report-receiver.js';

process.env.TZ = 'Europe/Paris';

interface Captured extends Io {
  stdout: string[];
  stderr: string[];
}

function captureIo(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('pullprint tracker', () => {
  let dir: string;
  let receiver: ReportReceiver;
  let tracker: Tracker;
  let server: ControlServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-tracker-cli-'));
    receiver = await startReportReceiver();
    const settings: TrackerSettings = {
      present: true, trackDeletedJob: true, sendImmediately: false, intervalMode: 'Daily',
      sendInterval: { minutes: null, daily: [{ hour: 23, minute: 0 }, { hour: 12, minute: 0 }], weekly: { days: [], hours: [] } },
      server: { host: '127.0.0.1', port: receiver.port, ssl: false, caFile: null }, siteName: null,
    };
    tracker = createTracker({
      settings, dataDir: join(dir, 'data'), logger: nullLogger(), clock: new FakeClock(new Date('2025-06-02T08:00:00Z')),
      workstation: { name: 'WS', address: '127.0.0.1' }, requestTimeoutMs: 2_000,
    });
    await tracker.start();
    server = await startControlServer(join(dir, 'c.sock'), trackerControlMethods(tracker), nullLogger());
  });
  after(async () => {
    await server.close();
    await tracker.stop();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(args: string[], call?: (m: string, p?: Record<string, unknown>) => Promise<unknown>): Promise<Captured> {
    const io = captureIo();
    const program = new Command('pullprint').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    registerTrackerCommands(program, { io, call: call ?? ((m, p) => callEngine(server.path, m, p ?? {})) });
    program.commands.forEach((c) => c.exitOverride().commands.forEach((s) => s.exitOverride()));
    await program.parseAsync(args, { from: 'user' });
    return io;
  }

  test('status: pending count, next send in local time, schedule, no result yet', async () => {
    await tracker.record({ id: 'j1', owner: 'a', title: null, pages: null, color: null, duplex: null, copies: 1, size: 1, receivedAt: '2025-06-02T07:00:00Z' }, 'expired');
    await tracker.record({ id: 'j2', owner: 'a', title: null, pages: null, color: null, duplex: null, copies: 1, size: 1, receivedAt: '2025-06-02T07:00:00Z' }, 'logout');
    const io = await cli(['tracker', 'status']);
    const text = io.stdout.join('\n');
    assert.match(text, /Deleted-job tracking: enabled/);
    assert.match(text, /Pending records: +2/);
    assert.match(text, /Next send: +2025-06-02 12:00:00 \+02:00/);
    assert.match(text, /Schedule: +daily at 12:00, 23:00 \(local time\)/);
    assert.match(text, /Last result: +none yet/);
    assert.match(text, new RegExp(`Report server: +http://127\\.0\\.0\\.1:${receiver.port}/djt/v1/reports`));

    const json = JSON.parse((await cli(['tracker', 'status', '--json'])).stdout.join('')) as Record<string, unknown>;
    assert.equal(json.pending, 2);
    assert.equal(json.nextSendAt, '2025-06-02T10:00:00.000Z');
    assert.equal(json.enabled, true);
  });

  test('flush: delivers and says so; a failed flush is an error (exit 1) with the JSON still printed', async () => {
    const ok = await cli(['tracker', 'flush']);
    assert.deepEqual(ok.stdout, ['sent 2 record(s); 0 pending']);
    assert.equal(receiver.accepted().length, 2);

    await tracker.record({ id: 'j3', owner: 'a', title: 't', pages: 1, color: true, duplex: true, copies: 1, size: 1, receivedAt: '2025-06-02T07:00:00Z' }, 'released');
    receiver.mode = 'fail';
    try {
      const io = captureIo();
      const program = new Command('pullprint').exitOverride();
      registerTrackerCommands(program, { io, call: (m, p) => callEngine(server.path, m, p ?? {}) });
      await assert.rejects(program.parseAsync(['tracker', 'flush', '--json'], { from: 'user' }), (err: unknown) => {
        assert.equal((err as { code?: string }).code, 'TRACKER_FLUSH_FAILED');
        assert.match((err as Error).message, /HTTP 500.*1 still pending/);
        return true;
      });
      const printed = JSON.parse(io.stdout.join('')) as { ok: boolean; pending: number };
      assert.deepEqual([printed.ok, printed.pending], [false, 1]);
      const status = (await cli(['tracker', 'status'])).stdout.join('\n');
      assert.match(status, /Last result: +2025-06-02 10:00:00 \+02:00 FAILED: the report server answered HTTP 500/);
    } finally {
      receiver.mode = 'ok';
    }
  });

  test('no engine, an unreadable answer, a wrong command line', async () => {
    await assert.rejects(cli(['tracker', 'status'], (m, p) => callEngine(join(dir, 'nobody.sock'), m, p ?? {})), { code: 'ENGINE_NOT_RUNNING' });
    await assert.rejects(cli(['tracker', 'status'], async () => ({ pending: 'many' })), { code: 'BAD_RESPONSE' });
    await assert.rejects(cli(['tracker', 'status', '--frobnicate']), (err: unknown) => err instanceof CommanderError);
  });

  test('the control methods validate their parameters', async () => {
    const methods = trackerControlMethods(tracker);
    const bad = await answer(JSON.stringify({ id: 1, method: 'tracker.flush', params: { now: true } }), methods);
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.error.code, 'BAD_PARAMS');
    const good = await answer(JSON.stringify({ id: 2, method: 'tracker.status' }), methods);
    assert.equal(good.ok, true);
  });

  test('rendering without a schedule field (an older engine) and with nothing pending', () => {
    const text = renderTrackerStatus({ enabled: false, pending: 0, nextSendAt: null, lastResult: null, server: 'not configured' });
    assert.match(text, /disabled \(TrackDeletedJob is false\)/);
    assert.match(text, /Next send: +-/);
    assert.doesNotMatch(text, /Schedule/);
  });
});
