import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TrackerSettings } from '../../../main/config/types.js';
import type { LogMeta, Logger } from '../../../main/log/types.js';
import { FakeClock, createTracker } from '../../../main/tracker/index.js';
import type { DeletedJob, Tracker } from '../../../main/tracker/index.js';
import { waitFor } from '../../helpers/process.js';
import { startReportReceiver } from '../../peers/report-receiver.js';
import type { ReportReceiver } from '../../peers/report-receiver.js';

const run = promisify(execFile);

const JOB: DeletedJob = { id: 'tls-1', owner: 'carol', title: 'Secret.pdf', pages: 2, color: false, duplex: true, copies: 1, size: 99, receivedAt: '2025-06-02T07:00:00.000Z' };

/** A private CA (openssl req -x509) and a server certificate for 127.0.0.1 signed by it. */
async function makePki(dir: string): Promise<{ ca: string; key: string; cert: string }> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2',
    '-subj', '/CN=PullPrint Test Report CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-new', ...ec, '-keyout', join(dir, 'srv.key'), '-out', join(dir, 'srv.csr'), '-subj', '/CN=127.0.0.1']);
  await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await run('openssl', ['x509', '-req', '-in', join(dir, 'srv.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial',
    '-out', join(dir, 'srv.pem'), '-days', '2', '-extfile', join(dir, 'ext.cnf')]);
  return { ca: join(dir, 'ca.pem'), key: await readFile(join(dir, 'srv.key'), 'utf8'), cert: await readFile(join(dir, 'srv.pem'), 'utf8') };
}

function settings(receiver: ReportReceiver, ssl: boolean): TrackerSettings {
  return {
    present: true, trackDeletedJob: true, sendImmediately: true, intervalMode: 'Daily',
    sendInterval: { minutes: null, daily: [{ hour: 12, minute: 0 }], weekly: { days: [], hours: [] } },
    server: { host: '127.0.0.1', port: receiver.port, ssl, caFile: null }, siteName: null,
  };
}

describe('report server over HTTPS', () => {
  let dir: string;
  let pki: { ca: string; key: string; cert: string };
  let receiver: ReportReceiver;
  let n = 0;
  const trackers: Tracker[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-tracker-tls-'));
    pki = await makePki(dir);
    receiver = await startReportReceiver({ tls: { key: pki.key, cert: pki.cert } });
  });
  after(async () => {
    for (const t of trackers) await t.stop();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  function make(ssl: boolean, caFile: string | null, logs: string[] = []): Tracker {
    n += 1;
    const log = (message: string, meta?: LogMeta): void => {
      logs.push(`${message} ${JSON.stringify(meta ?? {})}`);
    };
    const logger: Logger = { critical: log, error: log, warn: log, info: () => undefined, debug: () => undefined, child: () => logger };
    const t = createTracker({
      settings: settings(receiver, ssl), dataDir: join(dir, `data-${n}`), logger, clock: new FakeClock(new Date('2025-06-02T09:00:00Z')),
      workstation: { name: 'WS', address: '127.0.0.1' }, caFile, requestTimeoutMs: 5_000,
    });
    trackers.push(t);
    return t;
  }

  const settled = (t: Tracker): Promise<unknown> => waitFor('a send result', () => t.status().lastResult ?? undefined, 10_000, 20);

  test('with the private CA in caFile, records are delivered over TLS', async () => {
    const t = make(true, pki.ca);
    await t.start();
    assert.match(t.status().server, /^https:\/\/127\.0\.0\.1:\d+\/djt\/v1\/reports$/);
    const before = receiver.accepted().length;
    await t.record(JOB, 'released');
    await settled(t);
    assert.equal(t.status().lastResult?.ok, true, t.status().lastResult?.message);
    assert.equal(receiver.accepted().length, before + 1);
    assert.equal(t.status().pending, 0);
  });

  test('without it, the server certificate is refused and the records are kept', async () => {
    const t = make(true, null);
    await t.start();
    const before = receiver.requests().length;
    await t.record(JOB, 'released');
    await settled(t);
    assert.equal(t.status().lastResult?.ok, false);
    assert.match(t.status().lastResult?.message ?? '', /certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i);
    assert.equal(t.status().pending, 1);
    assert.equal(receiver.requests().length, before, 'no request got through');
  });

  test('an unreadable CA file is logged as an error and nothing is sent', async () => {
    const logs: string[] = [];
    const t = make(true, join(dir, 'missing-ca.pem'), logs);
    await t.start();
    assert.ok(logs.some((l) => l.includes('TRACKER_CA_UNREADABLE')), logs.join('\n'));
    await t.record(JOB, 'released');
    await settled(t);
    assert.equal(t.status().lastResult?.ok, false);
    assert.match(t.status().lastResult?.message ?? '', /CA file/);
    assert.equal(t.status().pending, 1);
  });

  test('plain HTTP to a TLS-only server fails cleanly and keeps the records', async () => {
    const t = make(false, null);
    await t.start();
    await t.record(JOB, 'released');
    await settled(t);
    assert.equal(t.status().lastResult?.ok, false);
    assert.equal(t.status().pending, 1);
  });
});
