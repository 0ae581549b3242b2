import { test, describe } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TrackerSettings } from '../../../main/config/types.js';
import type { LogMeta, Logger } from '../../../main/log/types.js';
import { FakeClock, REPORT_FILE, REPORT_PATH, createTracker, defaultWorkstation, parseReport, serializeReport } from '../../../main/tracker/index.js';
import type { DeletedJob, LastResult, Tracker, TrackerOptions } from '../../../main/tracker/index.js';
import { makeRecord } from '../../../main/tracker/record.js';
import { waitFor } from '../../helpers/process.js';
import { startReportReceiver } from '../../peers/report-receiver.js';
import type { ReportReceiver } from '../../peers/report-receiver.js';

// Local-time schedules below are written for Paris.
process.env.TZ = 'Europe/Paris';

interface LogLine {
  level: string;
  message: string;
  meta?: LogMeta;
}

function memoryLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (message: string, meta?: LogMeta): void => {
    lines.push({ level, message, meta });
  };
  const l: Logger = { critical: at('critical'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => l };
  return l;
}

type SettingsOver = Partial<Omit<TrackerSettings, 'server' | 'sendInterval'>> & {
  server?: Partial<TrackerSettings['server']>;
  sendInterval?: Partial<TrackerSettings['sendInterval']>;
};

function settingsFor(receiver: ReportReceiver | null, over: SettingsOver = {}): TrackerSettings {
  return {
    present: true,
    trackDeletedJob: over.trackDeletedJob ?? true,
    sendImmediately: over.sendImmediately ?? true,
    intervalMode: over.intervalMode ?? 'Daily',
    sendInterval: { minutes: null, daily: [{ hour: 12, minute: 0 }], weekly: { days: [], hours: [] }, ...over.sendInterval },
    server: { host: receiver ? '127.0.0.1' : '0.0.0.0', port: receiver ? receiver.port : 9780, ssl: false, caFile: null, ...over.server },
    siteName: over.siteName === undefined ? 'Lyon' : over.siteName,
  };
}

function job(n: number, over: Partial<DeletedJob> = {}): DeletedJob {
  return { id: `job-${n}`, owner: 'alice', title: `Report ${n}.pdf`, pages: n, color: n % 2 === 0, duplex: true, copies: 1, size: 1000 + n, receivedAt: '2025-06-02T07:00:00.000Z', ...over };
}

interface Rig {
  dir: string;
  receiver: ReportReceiver;
  logs: LogLine[];
  file: string;
  /** A tracker on the rig's data folder (stopped after the test). */
  make(clock: FakeClock, over?: SettingsOver, extra?: Partial<TrackerOptions>): Tracker;
}

async function rig(t: TestContext): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-tracker-'));
  const receiver = await startReportReceiver();
  const logs: LogLine[] = [];
  const made: Tracker[] = [];
  t.after(async () => {
    for (const tr of made) await tr.stop();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir, receiver, logs, file: join(dir, REPORT_FILE),
    make(clock, over = {}, extra = {}) {
      const tr = createTracker({
        settings: settingsFor(receiver, over), dataDir: dir, logger: memoryLogger(logs), clock,
        workstation: { name: 'WS-042', address: '10.1.2.3' }, random: () => 0.5,
        backoff: { initialMs: 1_000, maxMs: 4_000 }, requestTimeoutMs: 10_000, ...extra,
      });
      made.push(tr);
      return tr;
    },
  };
}

const until = <T>(what: string, check: () => T | undefined | false, ms = 20_000): Promise<T> => waitFor(what, check, ms, 10);

/** Waits for the send round under way to end (each round that sends or fails sets a new lastResult). */
function roundAfter(tr: Tracker, before: LastResult | null): Promise<LastResult> {
  return until('the send round to end', () => {
    const l = tr.status().lastResult;
    return l !== before && l !== null ? l : undefined;
  });
}

async function pendingInFile(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  const r = parseReport(await readFile(file, 'utf8'));
  assert.deepEqual(r.problems, []);
  return r.records.map((x) => x.jobId);
}

describe('immediate sending', () => {
  test('each deletion is recorded with every field and delivered at once; the file goes away', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock);
    await tr.start();
    await tr.record(job(1), 'released', new Date('2025-06-02T08:30:00Z'));
    await tr.record(job(2, { title: null, pages: null, color: null, duplex: null }), 'logout');
    const got = await until('2 records at the receiver', () => r.receiver.accepted().length === 2 && r.receiver.accepted());
    await until('file removed', () => !existsSync(r.file) && tr.status().pending === 0 && tr.status().lastResult?.ok === true);
    const a = got.find((x) => x.jobId === 'job-1');
    assert.ok(a);
    assert.deepEqual({ ...a, recordId: '' }, {
      recordId: '', jobId: 'job-1', owner: 'alice', title: 'Report 1.pdf', pages: 1, color: false, duplex: true, copies: 1, size: 1001,
      submittedAt: '2025-06-02T07:00:00.000Z', deletedAt: '2025-06-02T08:30:00.000Z', reason: 'released',
      workstation: 'WS-042', workstationAddress: '10.1.2.3', siteName: 'Lyon',
    });
    const b = got.find((x) => x.jobId === 'job-2');
    assert.equal(b?.deletedAt, '2025-06-02T09:00:00.000Z', 'deletedAt defaults to the clock');
    assert.equal(b?.reason, 'logout');
    assert.equal(b?.title, null);
    for (const q of r.receiver.requests()) {
      assert.equal(q.method, 'POST');
      assert.equal(q.path, REPORT_PATH);
      assert.match(q.contentType, /^application\/xml/);
      assert.equal(q.status, 200);
    }
    const s = tr.status();
    assert.equal(s.enabled, true);
    assert.equal(s.server, `http://127.0.0.1:${r.receiver.port}${REPORT_PATH}`);
    assert.equal(s.lastResult?.ok, true);
    assert.equal(s.nextSendAt, null);
    assert.equal(r.receiver.duplicates(), 0);
  });

  test('record() resolves only once the record is in DJTReport.xml', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'hang';
    const tr = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')), {}, { requestTimeoutMs: 60_000 });
    await tr.start();
    await tr.record(job(7), 'expired');
    assert.deepEqual(await pendingInFile(r.file), ['job-7']);
    await Promise.all([tr.record(job(8), 'expired'), tr.record(job(9), 'user-deleted')]);
    assert.deepEqual((await pendingInFile(r.file)).sort(), ['job-7', 'job-8', 'job-9']);
  });

  test('a 2xx with an empty body accepts the whole batch', async (t) => {
    const r = await rig(t);
    r.receiver.listIds = false;
    const tr = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')));
    await tr.start();
    await tr.record(job(1), 'released');
    await until('sent', () => tr.status().lastResult?.ok === true && tr.status().pending === 0);
    assert.equal(r.receiver.requests()[0].status, 204);
    assert.equal(existsSync(r.file), false);
  });
});

describe('outages', () => {
  test('a failing server: exponential backoff with jitter and a cap, nothing lost, nothing duplicated, reset after success', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'fail';
    const t0 = new Date('2025-06-02T09:00:00Z').getTime();
    const clock = new FakeClock(new Date(t0));
    const tr = r.make(clock);
    await tr.start();
    await tr.record(job(1), 'released');
    await until('first failure', () => clock.timers().length === 1);
    // random() = 0.5 → three quarters of each step: 1 s, 2 s, 4 s, then capped at 4 s.
    assert.equal(clock.timers()[0].getTime(), t0 + 750);
    assert.equal(tr.status().nextSendAt, new Date(t0 + 750).toISOString());
    assert.equal(tr.status().lastResult?.ok, false);
    assert.match(tr.status().lastResult?.message ?? '', /HTTP 500/);

    // A deletion during the backoff waits for the retry instead of hammering the server.
    await tr.record(job(2), 'expired');
    await sleep(100);
    assert.equal(r.receiver.requests().length, 1);

    const expected = [1500, 3000, 3000];
    let now = t0 + 750;
    for (const [i, delay] of expected.entries()) {
      clock.advanceTo(new Date(now));
      await until(`failure ${i + 2}`, () => r.receiver.requests().length === i + 2 && clock.timers().length === 1 && clock.timers()[0].getTime() > now);
      assert.equal(clock.timers()[0].getTime() - now, delay, `retry ${i + 2}`);
      now += delay;
    }
    assert.deepEqual((await pendingInFile(r.file)).sort(), ['job-1', 'job-2']);

    r.receiver.mode = 'ok';
    const failed = tr.status().lastResult;
    clock.advanceTo(new Date(now));
    assert.equal((await roundAfter(tr, failed)).ok, true);
    assert.equal(tr.status().pending, 0);
    assert.equal(existsSync(r.file), false);
    assert.deepEqual(r.receiver.accepted().map((x) => x.jobId).sort(), ['job-1', 'job-2']);
    assert.equal(r.receiver.duplicates(), 0);
    assert.equal(clock.timers().length, 0);

    // The next failure starts again from the first step.
    r.receiver.mode = 'fail';
    await tr.record(job(3), 'released');
    await until('failure after reset', () => clock.timers().length === 1);
    assert.equal(clock.timers()[0].getTime() - now, 750);
    assert.ok(r.logs.some((l) => l.level === 'warn' && /not delivered: the report server answered HTTP 500/.test(l.message)));
  });

  test('a server that is down (connection refused) and comes back', async (t) => {
    const r = await rig(t);
    await r.receiver.down();
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock);
    await tr.start();
    for (let i = 1; i <= 3; i++) await tr.record(job(i), 'expired');
    await until('retry armed', () => tr.status().lastResult?.ok === false && clock.timers().length === 1);
    assert.match(tr.status().lastResult?.message ?? '', /ECONNREFUSED|refused/i);
    await r.receiver.up();
    clock.fireNext();
    await until('delivered', () => r.receiver.accepted().length === 3 && tr.status().pending === 0);
    assert.equal(r.receiver.duplicates(), 0);
  });

  test('a server that never answers is cut off by the request timeout', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'hang';
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock, {}, { requestTimeoutMs: 300 });
    await tr.start();
    await tr.record(job(1), 'released');
    await until('timed out', () => tr.status().lastResult?.ok === false);
    assert.match(tr.status().lastResult?.message ?? '', /did not answer within 0.3 s/);
    assert.equal(tr.status().pending, 1);
  });

  test('a 200 that is not a report result (captive portal) keeps the records', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'portal';
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock);
    await tr.start();
    await tr.record(job(1), 'released');
    await until('refused answer', () => tr.status().lastResult?.ok === false);
    assert.match(tr.status().lastResult?.message ?? '', /unreadable body/);
    assert.deepEqual(await pendingInFile(r.file), ['job-1']);
  });

  test('accepted but the answer was lost: the re-send is a no-op at the receiver (effectively once)', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'accept-then-hang';
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock, {}, { requestTimeoutMs: 1_000 });
    // Recorded before start, so that both go out in the first request.
    await tr.record(job(1), 'released');
    await tr.record(job(2), 'released');
    await tr.start();
    await until('stored but unanswered', () => r.receiver.accepted().length === 2 && tr.status().lastResult?.ok === false);
    assert.equal(tr.status().pending, 2);
    r.receiver.mode = 'ok';
    clock.fireNext();
    await until('re-sent', () => tr.status().pending === 0);
    assert.equal(r.receiver.accepted().length, 2);
    assert.equal(r.receiver.duplicates(), 2, 'the repeats reached the receiver and were dropped there');
    assert.equal(r.receiver.requests().length, 2);
  });

  test('partial acceptance keeps exactly the records the server did not list', async (t) => {
    const r = await rig(t);
    r.receiver.acceptOnly = (x) => x.jobId !== 'job-2';
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock, { sendImmediately: false });
    await tr.start();
    for (let i = 1; i <= 3; i++) await tr.record(job(i), 'expired');
    const first = await tr.flush();
    assert.deepEqual({ ok: first.ok, sent: first.sent, pending: first.pending }, { ok: false, sent: 2, pending: 1 });
    assert.match(first.message, /accepted 2 of 3/);
    assert.deepEqual(await pendingInFile(r.file), ['job-2']);
    r.receiver.acceptOnly = null;
    const second = await tr.flush();
    assert.deepEqual({ ok: second.ok, sent: second.sent, pending: second.pending }, { ok: true, sent: 1, pending: 0 });
    assert.equal(r.receiver.accepted().length, 3);
    assert.equal(r.receiver.duplicates(), 0);
  });

  test('stop() during a hanging request returns promptly and keeps the records', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'hang';
    const tr = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')), {}, { requestTimeoutMs: 60_000 });
    await tr.start();
    await tr.record(job(1), 'released');
    await until('request in flight', () => r.receiver.requests().length === 1);
    const started = Date.now();
    await tr.stop();
    assert.ok(Date.now() - started < 5_000, 'stop is not held by the server (request timeout 60 s)');
    assert.deepEqual(await pendingInFile(r.file), ['job-1']);
    // After stop a deletion is still made durable (sent by the next run).
    await tr.record(job(2), 'released');
    assert.deepEqual(await pendingInFile(r.file), ['job-1', 'job-2']);
  });
});

describe('lifecycle', () => {
  test('stop() waits for a record() still under way, so the deletion is on disk when it returns', async (t) => {
    const r = await rig(t);
    const tr = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')), { sendImmediately: false });
    await tr.start();
    const pending = tr.record(job(1), 'released');
    await tr.stop();
    assert.deepEqual(await pendingInFile(r.file), ['job-1']);
    await pending;
    await assert.rejects(tr.start(), { code: 'TRACKER_STATE' });
    await assert.rejects(tr.flush(), { code: 'TRACKER_NOT_RUNNING' });
  });

  test('a job with an invalid time is refused with a typed error and nothing is written', async (t) => {
    const r = await rig(t);
    const tr = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')), { sendImmediately: false });
    await tr.start();
    await assert.rejects(tr.record(job(1, { receivedAt: 'not a time' }), 'released'), { code: 'TRACKER_BAD_RECORD' });
    assert.equal(tr.status().pending, 0);
    assert.equal(existsSync(r.file), false);
  });

  test('defaultWorkstation: host name and the first external IPv4, else a global IPv6, else loopback', () => {
    const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;
    assert.deepEqual(defaultWorkstation({ lo: [iface('127.0.0.1', 'IPv4', true)], eth0: [iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6'), iface('192.0.2.7', 'IPv4')] }, 'ws1'), { name: 'ws1', address: '192.0.2.7' });
    assert.deepEqual(defaultWorkstation({ eth0: [iface('fe80::1', 'IPv6'), iface('2001:db8::5', 'IPv6')] }, 'ws2'), { name: 'ws2', address: '2001:db8::5' });
    assert.deepEqual(defaultWorkstation({ lo: [iface('127.0.0.1', 'IPv4', true)] }, 'ws3'), { name: 'ws3', address: '127.0.0.1' });
    assert.equal(typeof defaultWorkstation().name, 'string');
  });
});

describe('schedules', () => {
  test('Minutes: batched at each multiple of N minutes, one request per slot', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-02T10:01:00Z'));
    const tr = r.make(clock, { sendImmediately: false, intervalMode: 'Minutes', sendInterval: { minutes: 5 } });
    await tr.start();
    assert.equal(tr.status().nextSendAt, '2025-06-02T10:05:00.000Z');
    assert.equal(clock.timers().length, 0, 'no timer while nothing is pending');
    await tr.record(job(1), 'released');
    assert.deepEqual(clock.timers().map((d) => d.toISOString()), ['2025-06-02T10:05:00.000Z']);
    await sleep(50);
    assert.equal(r.receiver.requests().length, 0);
    clock.advanceTo(new Date('2025-06-02T10:06:00Z'));
    assert.equal((await roundAfter(tr, null)).ok, true);
    assert.equal(r.receiver.accepted().length, 1);
    assert.equal(tr.status().pending, 0);
    await tr.record(job(2), 'released');
    await tr.record(job(3), 'released');
    assert.deepEqual(clock.timers().map((d) => d.toISOString()), ['2025-06-02T10:10:00.000Z']);
    const before = tr.status().lastResult;
    clock.advanceTo(new Date('2025-06-02T10:10:00Z'));
    await roundAfter(tr, before);
    assert.equal(r.receiver.accepted().length, 3);
    assert.equal(tr.status().pending, 0);
    assert.equal(r.receiver.requests().length, 2);
    assert.equal(r.receiver.requests()[1].ids.length, 2);
  });

  test('Hourly: the top of the next local hour', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-02T08:20:00Z')); // 10:20 in Paris
    const tr = r.make(clock, { sendImmediately: false, intervalMode: 'Hourly' });
    await tr.start();
    await tr.record(job(1), 'released');
    assert.deepEqual(clock.timers().map((d) => d.toISOString()), ['2025-06-02T09:00:00.000Z']);
    clock.fireNext();
    assert.equal((await roundAfter(tr, null)).ok, true);
    assert.equal(r.receiver.accepted().length, 1);
  });

  test('Daily with several times, including one skipped by the spring change', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-03-29T09:00:00Z')); // Saturday 10:00 CET
    const tr = r.make(clock, { sendImmediately: false, intervalMode: 'Daily', sendInterval: { daily: [{ hour: 23, minute: 0 }, { hour: 12, minute: 0 }, { hour: 2, minute: 30 }] } });
    await tr.start();
    const fired: string[] = [];
    for (let i = 1; i <= 4; i++) {
      await tr.record(job(i), 'expired');
      const before = tr.status().lastResult;
      const at = clock.fireNext();
      assert.ok(at);
      fired.push(at.toISOString());
      await roundAfter(tr, before);
      assert.equal(r.receiver.accepted().length, i);
    }
    // 12:00 CET, 23:00 CET, 02:30 does not exist on 30 March → 03:00 CEST, then 12:00 CEST.
    assert.deepEqual(fired, ['2025-03-29T11:00:00.000Z', '2025-03-29T22:00:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-30T10:00:00.000Z']);
  });

  test('Weekly with several days and hours', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-01T10:00:00Z')); // Sunday
    const tr = r.make(clock, {
      sendImmediately: false, intervalMode: 'Weekly',
      sendInterval: { weekly: { days: [2, 6], hours: [{ hour: 15, minute: 0 }, { hour: 10, minute: 0 }] } },
    });
    await tr.start();
    assert.match(tr.status().schedule, /weekly on Monday, Friday at 10:00, 15:00/);
    const fired: string[] = [];
    for (let i = 1; i <= 4; i++) {
      await tr.record(job(i), 'expired');
      const before = tr.status().lastResult;
      fired.push(clock.fireNext()?.toISOString() ?? 'none');
      await roundAfter(tr, before);
      assert.equal(r.receiver.accepted().length, i);
    }
    assert.deepEqual(fired, ['2025-06-02T08:00:00.000Z', '2025-06-02T13:00:00.000Z', '2025-06-06T08:00:00.000Z', '2025-06-06T13:00:00.000Z']);
  });

  test('a failed slot is retried with backoff, not left to the next slot; flush sends at once', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'fail';
    const clock = new FakeClock(new Date('2025-06-02T08:00:00Z'));
    const tr = r.make(clock, { sendImmediately: false, intervalMode: 'Daily' });
    await tr.start();
    await tr.record(job(1), 'released');
    const slot = clock.fireNext();
    assert.equal(slot?.toISOString(), '2025-06-02T10:00:00.000Z');
    await until('retry armed', () => clock.timers()[0]?.getTime() === (slot?.getTime() ?? 0) + 750);
    r.receiver.mode = 'ok';
    const res = await tr.flush();
    assert.deepEqual({ ok: res.ok, sent: res.sent, pending: res.pending }, { ok: true, sent: 1, pending: 0 });
    assert.equal(clock.timers().length, 0);
    assert.equal(existsSync(r.file), false);
  });

  test('a backlog larger than one batch goes out in several requests', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-02T08:00:00Z'));
    const tr = r.make(clock, { sendImmediately: false });
    await tr.start();
    await Promise.all(Array.from({ length: 1100 }, (_, i) => tr.record(job(i), 'expired')));
    assert.equal((await pendingInFile(r.file)).length, 1100);
    const res = await tr.flush();
    assert.equal(res.sent, 1100);
    assert.deepEqual(r.receiver.requests().map((q) => q.ids.length), [500, 500, 100]);
    assert.equal(new Set(r.receiver.accepted().map((x) => x.jobId)).size, 1100);
  });
});

describe('restart', () => {
  test('immediate mode: a new tracker on the same folder sends what the old one kept', async (t) => {
    const r = await rig(t);
    await r.receiver.down();
    const a = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')));
    await a.start();
    for (let i = 1; i <= 3; i++) await a.record(job(i), 'expired');
    await a.stop();
    await r.receiver.up();
    const b = r.make(new FakeClock(new Date('2025-06-02T09:30:00Z')));
    await b.start();
    await until('resumed', () => r.receiver.accepted().length === 3 && b.status().pending === 0);
    assert.equal(r.receiver.duplicates(), 0);
  });

  test('batch mode: a slot missed while stopped is caught up at start; otherwise the next slot is awaited', async (t) => {
    const r = await rig(t);
    const over: SettingsOver = { sendImmediately: false, intervalMode: 'Daily' };
    const a = r.make(new FakeClock(new Date('2025-06-02T08:00:00Z')), over); // 10:00, slot 12:00
    await a.start();
    await a.record(job(1), 'released');
    await a.stop();

    const early = new FakeClock(new Date('2025-06-02T09:00:00Z')); // 11:00: slot still ahead
    const b = r.make(early, over);
    await b.start();
    assert.equal(b.status().pending, 1);
    assert.deepEqual(early.timers().map((d) => d.toISOString()), ['2025-06-02T10:00:00.000Z']);
    await sleep(50);
    assert.equal(r.receiver.requests().length, 0);
    await b.stop();

    const late = new FakeClock(new Date('2025-06-02T11:00:00Z')); // 13:00: slot missed
    const c = r.make(late, over);
    await c.start();
    await until('caught up', () => r.receiver.accepted().length === 1 && c.status().pending === 0);
  });
});

describe('configuration cases', () => {
  test('TrackDeletedJob false: record() is a no-op', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock, { trackDeletedJob: false });
    await tr.start();
    await tr.record(job(1), 'released');
    await sleep(50);
    assert.equal(existsSync(r.file), false);
    assert.equal(r.receiver.requests().length, 0);
    assert.equal(tr.status().enabled, false);
    assert.equal(tr.status().pending, 0);
  });

  test('TrackDeletedJob false still delivers records an earlier run kept', async (t) => {
    const r = await rig(t);
    const old = makeRecord(job(5), 'expired', new Date('2025-06-01T09:00:00Z'), { workstation: { name: 'WS', address: '::1' }, siteName: null });
    await writeFile(r.file, serializeReport([old]));
    const tr = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')), { trackDeletedJob: false });
    await tr.start();
    await until('leftover sent', () => r.receiver.accepted().length === 1);
    assert.equal(r.receiver.accepted()[0].recordId, old.recordId);
  });

  test('ServerIP 0.0.0.0: records are kept, nothing is sent, it is logged once and shown in status', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock, { server: { host: '0.0.0.0', port: 9780 } });
    await tr.start();
    for (let i = 1; i <= 3; i++) await tr.record(job(i), 'released');
    assert.deepEqual(await pendingInFile(r.file), ['job-1', 'job-2', 'job-3']);
    assert.equal(clock.timers().length, 0);
    const s = tr.status();
    assert.match(s.server, /not configured/);
    assert.equal(s.nextSendAt, null);
    assert.equal(s.pending, 3);
    const res = await tr.flush();
    assert.equal(res.ok, false);
    assert.match(res.message, /not configured/);
    assert.equal(r.logs.filter((l) => /not configured/.test(l.message)).length, 1);
    assert.equal(r.receiver.requests().length, 0);
  });

  test('an unusable schedule keeps records pending and says so once', async (t) => {
    const r = await rig(t);
    const clock = new FakeClock(new Date('2025-06-02T09:00:00Z'));
    const tr = r.make(clock, { sendImmediately: false, intervalMode: 'Minutes', sendInterval: { minutes: null } });
    await tr.start();
    await tr.record(job(1), 'released');
    await tr.record(job(2), 'released');
    assert.equal(clock.timers().length, 0);
    assert.match(tr.status().schedule, /Minutes missing/);
    assert.equal(r.logs.filter((l) => l.level === 'error' && /schedule unusable/.test(l.message)).length, 1);
    assert.equal((await tr.flush()).sent, 2, 'flush still delivers');
  });
});

describe('DJTReport.xml damage', () => {
  test('a truncated file: a copy is kept, intact records stay pending and are sent, an error is logged', async (t) => {
    const r = await rig(t);
    const ws = { workstation: { name: 'WS', address: '::1' }, siteName: null };
    const recs = [1, 2, 3].map((i) => makeRecord(job(i), 'expired', new Date('2025-06-01T09:00:00Z'), ws));
    const full = serializeReport(recs);
    const damaged = full.slice(0, full.lastIndexOf('<Reason>'));
    await writeFile(r.file, damaged);
    await writeFile(join(r.dir, `${REPORT_FILE}.tmp-deadbeef`), 'half-written');
    // Before the 12:00 slot that follows the records, so nothing is sent at start.
    const tr = r.make(new FakeClock(new Date('2025-06-01T09:30:00Z')), { sendImmediately: false });
    await tr.start();
    const names = await readdir(r.dir);
    const copy = names.find((n) => /^DJTReport\.corrupt-20250601T093000000Z\.xml$/.test(n));
    assert.ok(copy, names.join(', '));
    assert.equal(await readFile(join(r.dir, copy), 'utf8'), damaged, 'the copy holds the original bytes');
    assert.ok(!names.some((n) => n.includes('.tmp-')), 'leftover temporary file removed');
    assert.deepEqual(await pendingInFile(r.file), ['job-1', 'job-2']);
    const err = r.logs.find((l) => l.level === 'error' && l.meta?.code === 'TRACKER_REPORT_CORRUPT');
    assert.ok(err);
    assert.equal(err.meta?.recovered, 2);
    const res = await tr.flush();
    assert.equal(res.sent, 2);
    assert.deepEqual(r.receiver.accepted().map((x) => x.recordId), recs.slice(0, 2).map((x) => x.recordId));
  });

  test('binary garbage and a folder in its place: moved aside, the tracker carries on', async (t) => {
    const r = await rig(t);
    await writeFile(r.file, Buffer.from([0xff, 0xfe, 0x00, 0x3c, 0x80, 0x81]));
    const a = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')));
    await a.start();
    assert.equal(a.status().pending, 0);
    assert.equal(existsSync(r.file), false);
    await a.stop();
    await mkdir(r.file);
    const b = r.make(new FakeClock(new Date('2025-06-02T09:00:01Z')));
    await b.start();
    await b.record(job(1), 'released');
    await until('works after damage', () => r.receiver.accepted().length === 1);
    const copies = (await readdir(r.dir)).filter((n) => n.startsWith('DJTReport.corrupt-'));
    assert.equal(copies.length, 2, copies.join(', '));
    assert.equal(r.logs.filter((l) => l.meta?.code === 'TRACKER_REPORT_CORRUPT').length, 2);
  });

  test('a write that fails rejects record() with a typed error and keeps the record in memory', async (t) => {
    const r = await rig(t);
    r.receiver.mode = 'hang';
    const tr = r.make(new FakeClock(new Date('2025-06-02T09:00:00Z')), { sendImmediately: false });
    await tr.start();
    await rm(r.dir, { recursive: true, force: true });
    await writeFile(r.dir, 'not a folder');
    await assert.rejects(tr.record(job(1), 'released'), { code: 'TRACKER_WRITE_FAILED' });
    assert.equal(tr.status().pending, 1);
    await rm(r.dir, { force: true });
    await mkdir(r.dir);
    await tr.record(job(2), 'released');
    assert.deepEqual(await pendingInFile(r.file), ['job-1', 'job-2'], 'the next write carries the earlier record');
  });
});
