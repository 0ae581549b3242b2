// Late-binding indexes of held jobs: built in the background once a job is held, used by
// a release that changes copies or duplex (same bytes as without), dropped when the job
// goes, kept within their memory budget; a missing or unreadable file only means no index.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLateBindingRewriter } from '../../../main/pdl/late-binding/index.js';
import { JobIndexCache, type IndexableJob } from '../../../main/release/job-index-cache.js';
import { ReleaseService } from '../../../main/release/index.js';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import { createPclXlInspector } from '../../../main/pdl/pclxl.js';
import { gsConvert, makePostScript, tempDir } from '../../helpers/documents.js';
import { startRawSink } from '../../peers/raw-sink.js';
import { memoryLogger, openSpool, storeJob, tempDataDir, type LogLine } from './fixture.js';

const UEL = '\x1b%-12345X';

describe('late-binding index cache', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let xl: Buffer;
  let xl2: Buffer;
  before(async () => {
    dir = await tempDir('job-index-cache');
    xl = await readFile(await gsConvert(await makePostScript(dir.path, 'a.ps', { pages: 4, title: 'A' }), 'pxlmono', join(dir.path, 'a.pxl')));
    xl2 = await readFile(await gsConvert(await makePostScript(dir.path, 'b.ps', { pages: 6, title: 'B' }), 'pxlmono', join(dir.path, 'b.pxl')));
  });
  after(async () => {
    await dir.cleanup();
  });

  const jobOf = async (id: string, bytes: Buffer, pdl: IndexableJob['pdl'] = 'pclxl'): Promise<IndexableJob> => {
    const file = join(dir.path, `${id}.job`);
    await writeFile(file, bytes);
    return { id, file, pdl, title: id, size: bytes.length, sha256: `sha-of-${id}` };
  };

  test('indexes held jobs of any language; an index answers for the same bytes only; forget drops it', async () => {
    const cache = new JobIndexCache({ logger: memoryLogger() });
    const a = await jobOf('a', xl);
    const ps = await jobOf('ps', Buffer.from(`${UEL}@PJL JOB\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n%!PS\nshowpage\n${UEL}@PJL EOJ\r\n${UEL}`, 'latin1'), 'postscript');
    cache.want(a);
    cache.want(ps);
    await cache.idle();
    assert.equal(cache.get(a)?.pages, 4);
    assert.equal(cache.get(ps)?.pages, 0, 'PostScript: no PCL XL pages');
    assert.equal(cache.get(ps)?.uels.length, 2, 'the UELs before and after @PJL EOJ');
    assert.equal(cache.get({ ...a, sha256: 'other' }), null, 'other bytes under the same id');
    cache.forget('a');
    assert.equal(cache.get(a), null);
    await cache.stop();
  });

  test('the budget: an index too large is not kept; the least recently used goes first', async () => {
    const lines: LogLine[] = [];
    const tiny = new JobIndexCache({ logger: memoryLogger(lines), budgetBytes: 100 });
    const a = await jobOf('a', xl);
    tiny.want(a);
    await tiny.idle();
    assert.equal(tiny.get(a), null);
    assert.ok(lines.some((l) => /larger than its budget/.test(l.message)));

    const probe = new JobIndexCache({ logger: memoryLogger() });
    const b = await jobOf('b', xl2);
    probe.want(a);
    probe.want(b);
    await probe.idle();
    const sizeA = probe.get(a)?.bytes ?? 0;
    const sizeB = probe.get(b)?.bytes ?? 0;
    assert.ok(sizeA > 0 && sizeB > 0);
    // Room for the larger one only: indexing b after a evicts a.
    const one = new JobIndexCache({ logger: memoryLogger(), budgetBytes: Math.max(sizeA, sizeB) });
    one.want(a);
    await one.idle();
    one.want(b);
    await one.idle();
    assert.equal(one.get(a), null, 'a was evicted');
    assert.equal(one.get(b)?.pages, 6);
    await Promise.all([tiny.stop(), probe.stop(), one.stop()]);
  });

  test('a file gone before indexing: no index, no error; stop() ends a run under way', async () => {
    const cache = new JobIndexCache({ logger: memoryLogger() });
    const gone = { ...(await jobOf('gone', xl)), file: join(dir.path, 'no-such-file') };
    cache.want(gone);
    await cache.idle();
    assert.equal(cache.get(gone), null);
    // A large job (the file 200 times over) read in small pieces, stopped at once.
    const big = await jobOf('big', Buffer.concat(Array.from({ length: 200 }, () => xl)));
    const slow = new JobIndexCache({ logger: memoryLogger(), readChunkBytes: 512 });
    slow.want(big);
    await slow.stop();
    assert.equal(slow.get(big), null);
    await cache.stop();
  });

  test('the release service indexes held jobs, releases with the index, same bytes as a full scan', async (t) => {
    const dataDir = await tempDataDir(t, 'pclxl-index');
    const lines: LogLine[] = [];
    const spool = await openSpool(dataDir);
    t.after(() => spool.close());
    const sink = await startRawSink();
    t.after(() => sink.close());
    const service = new ReleaseService({
      spool, dataDir, logger: memoryLogger(lines), lateBindingEnabled: true, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
      forgetUser: async () => undefined, servers: [], clock: REAL_CLOCK,
    });
    await service.start();
    t.after(() => service.stop());
    const job = await storeJob(spool, xl, { owner: 'alice@example.com', title: 'Indexed' });
    await service.jobIndexesBuilt();
    assert.ok(lines.some((l) => l.message === 'late-binding index built' && l.meta?.pages === 4), 'indexed in the background');

    const changes = { copies: 2, sides: 'duplex-long' } as const;
    await service.releaseJob(job.id, { printer: `socket://127.0.0.1:${sink.port}`, keep: true, changes });
    const got = await sink.nextJob(5000);
    const released = lines.find((l) => l.message === 'job released to a printer');
    assert.equal(released?.meta?.lateBindingIndex, true, 'the release used the index');
    const full = createLateBindingRewriter({ changes, pdl: job.pdl, jobName: job.title });
    const expected = Buffer.concat([...full.write(xl), ...full.end()]);
    assert.ok(got.equals(expected), 'the bytes a full scan gives');
    const body = got.subarray(got.indexOf(' HP-PCL XL') - 1);
    const ins = createPclXlInspector();
    ins.write(body);
    ins.end();
    assert.equal(ins.result().duplex, true);
    assert.equal(ins.result().pages, 4);

    // PostScript with a PJL wrapper: the index spares the UEL search; same bytes as without.
    const psBytes = Buffer.from(`${UEL}@PJL JOB NAME="p"\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n%!PS-Adobe-3.0\n%%Pages: 1\n%%EndComments\n%%BeginSetup\n%%EndSetup\n%%Page: 1 1\nshowpage\n%%EOF\n${UEL}@PJL EOJ\r\n${UEL}`, 'latin1');
    const psJob = await storeJob(spool, psBytes, { owner: 'alice@example.com', title: 'PS' });
    await service.jobIndexesBuilt();
    await service.releaseJob(psJob.id, { printer: `socket://127.0.0.1:${sink.port}`, keep: true, changes });
    const gotPs = await sink.nextJob(5000);
    assert.equal(lines.filter((l) => l.message === 'job released to a printer').at(-1)?.meta?.lateBindingIndex, true);
    const fullPs = createLateBindingRewriter({ changes, pdl: psJob.pdl, jobName: psJob.title });
    assert.ok(gotPs.equals(Buffer.concat([...fullPs.write(psBytes), ...fullPs.end()])), 'PostScript: the bytes a full scan gives');

    // Deleted: its index goes with it (a new job under another id is indexed afresh).
    await spool.delete(job.id, 'user-deleted');
    const again = await storeJob(spool, xl, { owner: 'alice@example.com', title: 'Again' });
    await service.jobIndexesBuilt();
    assert.equal(lines.filter((l) => l.message === 'late-binding index built').length, 3);
    assert.notEqual(again.id, job.id);
  });
});
