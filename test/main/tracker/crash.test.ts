import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrackerSettings } from '../../../main/config/types.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { FakeClock, REPORT_FILE, createTracker, parseReport } from '../../../main/tracker/index.js';
import { waitFor } from '../../helpers/process.js';
import { startReportReceiver } from '../../peers/report-receiver.js';
import type { ReportReceiver } from '../../peers/report-receiver.js';

// A child process records deletions with the real tracker, then is killed with SIGKILL at
// a chosen moment; a new tracker on the same data folder must deliver exactly those
// records, once each at the receiver.

const TRACKER = fileURLToPath(new URL('../../../main/tracker/index.ts', import.meta.url));
const NULL_LOGGER = fileURLToPath(new URL('../../../main/log/null-logger.ts', import.meta.url));

// The child: records COUNT jobs (before start when EARLY=1, so they leave in one request),
// printing "durable <id>" as each record() resolves and "recorded" at the end, then waits.
const CHILD = `
const { createTracker } = await import(${JSON.stringify(TRACKER)});
const { nullLogger } = await import(${JSON.stringify(NULL_LOGGER)});
const env = process.env;
const tracker = createTracker({
  settings: JSON.parse(env.PP_SETTINGS), dataDir: env.PP_DATA, logger: nullLogger(),
  workstation: { name: 'WS-CHILD', address: '127.0.0.1' }, requestTimeoutMs: 120000,
});
setInterval(() => {}, 1000);
if (env.PP_EARLY !== '1') await tracker.start();
for (let i = 0; i < Number(env.PP_COUNT); i++) {
  await tracker.record({ id: 'job-' + i, owner: 'bob', title: 'T' + i, pages: 1, color: false, duplex: false, copies: 1, size: 10, receivedAt: new Date().toISOString() }, 'expired');
  process.stdout.write('durable job-' + i + '\\n');
}
if (env.PP_EARLY === '1') await tracker.start();
process.stdout.write('recorded\\n');
`;

function settings(receiver: ReportReceiver | null): TrackerSettings {
  return {
    present: true, trackDeletedJob: true, sendImmediately: true, intervalMode: 'Daily',
    sendInterval: { minutes: null, daily: [{ hour: 12, minute: 0 }], weekly: { days: [], hours: [] } },
    server: receiver ? { host: '127.0.0.1', port: receiver.port, ssl: false, caFile: null } : { host: '0.0.0.0', port: 9780, ssl: false, caFile: null },
    siteName: 'Crash Site',
  };
}

interface Child {
  proc: ChildProcess;
  out(): string;
}

function startChild(t: TestContext, env: Record<string, string>): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  t.after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, out: () => (err ? `${out}\n[stderr] ${err}` : out) };
}

async function kill(c: Child): Promise<void> {
  // 'close' rather than 'exit': every line the child wrote has then been read.
  const exited = once(c.proc, 'close');
  c.proc.kill('SIGKILL');
  const [, signal] = (await exited) as [number | null, string | null];
  assert.equal(signal, 'SIGKILL');
}

async function setup(t: TestContext): Promise<{ dir: string; receiver: ReportReceiver }> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-tracker-crash-'));
  const receiver = await startReportReceiver();
  t.after(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, receiver };
}

/** A fresh tracker in this process on the same folder: start, deliver, stop. */
async function recover(dir: string, receiver: ReportReceiver): Promise<void> {
  const tr = createTracker({
    settings: settings(receiver), dataDir: dir, logger: nullLogger(), clock: new FakeClock(new Date()),
    workstation: { name: 'WS-NEW', address: '127.0.0.1' }, requestTimeoutMs: 5_000,
  });
  await tr.start();
  try {
    await waitFor('recovered records delivered', () => tr.status().pending === 0 && tr.status().lastResult?.ok === true, 15_000, 20);
  } finally {
    await tr.stop();
  }
}

test('SIGKILL while the send is in flight: the next run sends exactly those records, once', async (t) => {
  const { dir, receiver } = await setup(t);
  receiver.mode = 'hang';
  const child = startChild(t, { PP_SETTINGS: JSON.stringify(settings(receiver)), PP_DATA: dir, PP_COUNT: '5' });
  await waitFor('child recorded and is sending', () => child.out().includes('recorded') && receiver.requests().length >= 1, 30_000, 20)
    .catch((err: unknown) => {
      throw new Error(`${String(err)}; child said: ${child.out()}`);
    });
  await kill(child);
  assert.equal(receiver.accepted().length, 0, 'the hanging receiver stored nothing');

  receiver.mode = 'ok';
  await recover(dir, receiver);
  assert.deepEqual(receiver.accepted().map((r) => r.jobId).sort(), ['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
  assert.equal(receiver.duplicates(), 0);
  assert.ok(receiver.accepted().every((r) => r.workstation === 'WS-CHILD' && r.siteName === 'Crash Site'), 'records are sent as they were made');
  assert.equal(existsSync(join(dir, REPORT_FILE)), false);
});

test('SIGKILL after the server stored the batch but before the file was updated: re-sent, dropped as repeats', async (t) => {
  const { dir, receiver } = await setup(t);
  receiver.mode = 'accept-then-hang';
  const child = startChild(t, { PP_SETTINGS: JSON.stringify(settings(receiver)), PP_DATA: dir, PP_COUNT: '4', PP_EARLY: '1' });
  await waitFor('receiver stored the batch', () => receiver.accepted().length === 4, 30_000, 20).catch((err: unknown) => {
    throw new Error(`${String(err)}; child said: ${child.out()}`);
  });
  await kill(child);
  const firstIds = receiver.accepted().map((r) => r.recordId).sort();

  receiver.mode = 'ok';
  await recover(dir, receiver);
  assert.deepEqual(receiver.accepted().map((r) => r.recordId).sort(), firstIds, 'nothing new, nothing lost');
  assert.equal(receiver.duplicates(), 4, 'every repeat reached the receiver and was a no-op');
});

test('SIGKILL in the middle of recording: the file is never torn and every durable record is delivered once', async (t) => {
  const { dir, receiver } = await setup(t);
  const child = startChild(t, { PP_SETTINGS: JSON.stringify(settings(null)), PP_DATA: dir, PP_COUNT: '100000' });
  await waitFor('some records durable', () => (child.out().match(/^durable /gm) ?? []).length >= 40, 30_000, 5).catch((err: unknown) => {
    throw new Error(`${String(err)}; child said: ${child.out()}`);
  });
  await kill(child);
  const durable = [...child.out().matchAll(/^durable (job-\d+)$/gm)].map((m) => m[1]);

  const text = await readFile(join(dir, REPORT_FILE), 'utf8');
  const parsed = parseReport(text);
  assert.deepEqual(parsed.problems, [], 'an atomic replace never leaves a torn file');
  const inFile = new Set(parsed.records.map((r) => r.jobId));
  for (const id of durable) assert.ok(inFile.has(id), `${id} was reported durable but is missing`);
  // At most the one record whose write was under way when the process died is extra.
  assert.ok(inFile.size <= durable.length + 1);

  await recover(dir, receiver);
  const got = receiver.accepted().map((r) => r.jobId);
  assert.equal(new Set(got).size, got.length);
  assert.deepEqual([...got].sort(), [...inFile].sort());
  assert.equal(receiver.duplicates(), 0);
  assert.ok(!(await readdir(dir)).some((n) => n.includes('.tmp-')), 'the leftover temporary file was cleaned up');
});
