// CUPS's `ipp` backend, run directly as cupsd would run it for an ipp:// queue, printing
// to the capture printer: Create-Job + chunked Send-Document by default, Print-Job with
// ?version=1.0. The stored bytes must equal the file and the metadata what CUPS sent.
// Then the same through a private cupsd with ipp:// queues (raw and a PostScript driver).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makePdf, tempDir } from '../../../helpers/documents.js';
import { run } from '../../../helpers/process.js';
import { CUPS_MODELS, startCups, type Cups } from '../../../peers/cups.js';
import { startHarness, type Harness } from './harness.js';

const BACKEND = '/usr/lib/cups/backend/ipp';

describe('CUPS ipp backend → capture printer', () => {
  let h: Harness;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let pdf: string;
  before(async () => {
    h = await startHarness({ maxJobSizeBytes: 10 * 1024 * 1024 });
    work = await tempDir('ipp-backend');
    pdf = await makePdf(work.path, 'report.pdf', { pages: 3, title: 'Quarterly Report', colorPages: [2] });
  });
  after(async () => {
    await h.close();
    await work.cleanup();
  });

  function backend(uri: string, args: string[], env: Record<string, string> = {}) {
    return run(BACKEND, args, { env: { ...process.env, DEVICE_URI: uri, TMPDIR: work.path, ...env }, cwd: work.path, timeoutMs: 60_000 });
  }

  test('Create-Job + Send-Document: exit 0, bytes equal the file, user/title/copies/sides/colour recorded', async () => {
    const r = await backend(h.uri, ['101', 'alice', 'Quarterly Report', '2', 'sides=two-sided-long-edge print-color-mode=monochrome', pdf], {
      CONTENT_TYPE: 'application/pdf',
      FINAL_CONTENT_TYPE: 'application/pdf',
    });
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /Create-Job: successful-ok/);
    assert.match(r.stderr, /Send-Document: successful-ok/);
    assert.match(r.stderr, /job-state enum completed/, 'CUPS saw the job completed and stopped polling');
    const stored = h.sink.jobs.at(-1);
    assert.ok(stored);
    assert.ok((await h.sink.bytesOf(stored.job.seq)).equals(await readFile(pdf)));
    assert.equal(stored.meta.user, 'alice');
    assert.equal(stored.meta.jobName, 'Quarterly Report');
    assert.equal(stored.meta.copies, 2);
    assert.equal(stored.meta.sides, 'two-sided-long-edge');
    assert.equal(stored.meta.colorMode, 'monochrome');
    assert.equal(stored.meta.documentFormat, 'application/pdf');
    assert.equal(stored.meta.queue, 'pullq');
  });

  test('a PPD-style queue (no final type) sends application/octet-stream, as PROTOCOLS.md §4 says', async () => {
    const r = await backend(h.uri, ['102', 'bob', 'Memo', '1', 'job-priority=50', pdf]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const stored = h.sink.jobs.at(-1);
    assert.ok(stored);
    assert.equal(stored.meta.user, 'bob');
    assert.equal(stored.meta.documentFormat, 'application/octet-stream');
    assert.equal(stored.meta.copies, null, 'one copy: CUPS sends no copies attribute');
    assert.ok((await h.sink.bytesOf(stored.job.seq)).equals(await readFile(pdf)));
  });

  test('?version=1.0 forces Print-Job, named "<job-id> - <title>"', async () => {
    // (Not with snmp=false: CUPS 2.4.2 then FD_SETs fd -1 in the Print-Job path and aborts.)
    const r = await backend(`${h.uri}?version=1.0`, ['103', 'carol', 'Budget', '3', 'media=iso_a4_210x297mm', pdf], {
      FINAL_CONTENT_TYPE: 'application/pdf',
    });
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /Print-Job: successful-ok/);
    const stored = h.sink.jobs.at(-1);
    assert.ok(stored);
    assert.equal(stored.meta.jobName, '103 - Budget');
    assert.equal(stored.meta.user, 'carol');
    assert.equal(stored.meta.copies, 3);
    assert.ok((await h.sink.bytesOf(stored.job.seq)).equals(await readFile(pdf)));
  });

  test('a document over the limit is refused with request-entity-too-large and nothing is stored', async () => {
    const small = await startHarness({ maxJobSizeBytes: 1000 });
    try {
      const r = await backend(small.uri, ['104', 'dave', 'Too Big', '1', 'sides=one-sided', pdf]);
      assert.match(r.stderr, /client-error-request-entity-too-large/);
      assert.equal(small.sink.jobs.length, 0);
      assert.equal(small.sink.aborted[0]?.code, 'JOB_TOO_LARGE');
      assert.deepEqual(await small.sink.files(), []);
    } finally {
      await small.close();
    }
  });
});

describe('lp → private cupsd → ipp:// queue → capture printer', () => {
  let h: Harness;
  let cups: Cups;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let pdf: string;
  before(async () => {
    h = await startHarness();
    cups = await startCups();
    work = await tempDir('ipp-cupsd');
    pdf = await makePdf(work.path, 'report.pdf', { pages: 2, title: 'Quarterly Report' });
  });
  after(async () => {
    await cups.stop();
    await h.close();
    await work.cleanup();
  });

  test('a raw queue delivers the file unchanged with user, title, copies and sides', async () => {
    await cups.addQueue('pull-raw', h.uri, CUPS_MODELS.raw);
    const id = await cups.print('pull-raw', pdf, { title: 'Quarterly Report', copies: 2, user: 'alice', sides: 'two-sided-long-edge' });
    await cups.waitJobDone(id, 30_000);
    const stored = h.sink.jobs.at(-1);
    assert.ok(stored, 'the job reached the capture printer');
    assert.ok((await h.sink.bytesOf(stored.job.seq)).equals(await readFile(pdf)));
    assert.equal(stored.meta.user, 'alice');
    assert.equal(stored.meta.jobName, 'Quarterly Report');
    assert.equal(stored.meta.copies, 2);
    assert.equal(stored.meta.sides, 'two-sided-long-edge');
  });

  test('a PostScript-driver queue delivers the filtered PostScript', async () => {
    await cups.addQueue('pull-ps', h.uri, CUPS_MODELS.genericPostScript);
    const before = h.sink.jobs.length;
    const id = await cups.print('pull-ps', pdf, { title: 'Filtered', user: 'bob' });
    await cups.waitJobDone(id, 60_000);
    const stored = h.sink.jobs.at(-1);
    assert.ok(stored && h.sink.jobs.length === before + 1);
    assert.match((await h.sink.bytesOf(stored.job.seq)).subarray(0, 4).toString('latin1'), /^%!PS/);
    assert.equal(stored.meta.user, 'bob');
    assert.equal(stored.meta.jobName, 'Filtered');
    // PPD queues end in printer/<name>, so CUPS falls back to octet-stream (PROTOCOLS.md §4).
    assert.equal(stored.meta.documentFormat, 'application/octet-stream');
  });
});
