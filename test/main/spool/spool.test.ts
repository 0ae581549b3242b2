// The spool on a real file system (temporary folders): receive → commit → list →
// restart, events after disk, abort, size limit, counter, hostile names, disk full.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, open as openFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import type { CaptureContext, ProtocolMeta } from '../../../main/capture/types.js';
import { createJobInspector } from '../../../main/pdl/inspector.js';
import type { JobInspector, PdlFacts } from '../../../main/pdl/types.js';
import { Spool, type JobRecord, type SpoolOptions } from '../../../main/spool/spool.js';
import { errorCode } from '../../../main/util/errors.js';
import { run } from '../../helpers/process.js';
import { filesUnder, memoryLogger, sha, spoolOptions, tempData, testModes } from './fixture.js';

// --- fixture -------------------------------------------------------------------

/** The real inspector, watched: proves the bytes pass through it once, in order, in the chunks written. */
class ProbeInspector implements JobInspector {
  static all: ProbeInspector[] = [];
  readonly inner = createJobInspector();
  readonly hash = createHash('sha256');
  bytes = 0;
  chunks = 0;
  finishedWith: { path: string; size: number } | null = null;
  constructor() {
    ProbeInspector.all.push(this);
  }
  push(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.chunks++;
    this.inner.push(chunk);
  }
  async finish(path: string): Promise<PdlFacts> {
    this.finishedWith = { path, size: (await stat(path)).size };
    return this.inner.finish(path);
  }
}

function options(dataDir: string, over: Partial<SpoolOptions> = {}): SpoolOptions {
  return spoolOptions(dataDir, {
    modes: testModes('%u_%i.ps'),
    inspect: () => new ProbeInspector(),
    now: () => new Date(Date.UTC(2026, 10, 24, 15, 30, 12)),
    ...over,
  });
}

const CTX: CaptureContext = { protocol: 'ipp', mode: 'local', peer: '127.0.0.1:5000' };

function postScript(title: string, pages: number): Buffer {
  const body = Array.from({ length: pages }, (_, i) => `%%Page: ${i + 1} ${i + 1}\nnewpath 72 72 moveto (p${i + 1}) show\nshowpage\n`).join('');
  return Buffer.from(`%!PS-Adobe-3.0\n%%Title: ${title}\n%%Pages: ${pages}\n%%EndComments\n${body}%%EOF\n`);
}

async function receive(spool: Spool, data: Buffer, meta: ProtocolMeta = { protocol: 'ipp' }, ctx = CTX, chunk = 1000) {
  const r = await spool.begin(ctx);
  for (let i = 0; i < data.length; i += chunk) await r.write(data.subarray(i, i + chunk));
  return r.commit(meta);
}

const temps = async (dataDir: string): Promise<string[]> => (await filesUnder(dataDir)).filter((f) => basename(f).startsWith('.tmp-'));

// --- tests ---------------------------------------------------------------------

describe('spool: store, list, restart', () => {
  test('receive → commit → list → restart gives the same jobs', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir));
    const docA = postScript('Quarterly', 3);
    const docB = Buffer.alloc(50_000, 'x');
    const a = await receive(spool, docA, { protocol: 'ipp', user: 'alice', jobName: '106 - Quarterly Report', copies: 2, sides: 'one-sided' });
    const b = await receive(spool, docB, { protocol: 'lpd', user: 'bob' }, { protocol: 'lpd', mode: 'cloud', peer: 'x' });
    assert.equal(a.seq, 1);
    assert.equal(b.seq, 2);
    assert.equal(a.sha256, sha(docA));
    assert.equal(a.size, docA.length);

    const jobs = spool.list();
    assert.deepEqual(jobs.map((j) => j.seq), [1, 2]);
    const ja = jobs[0];
    assert.equal(ja.owner, 'alice');
    assert.equal(ja.title, 'Quarterly Report');
    assert.equal(ja.declaredUser, 'alice');
    assert.equal(ja.pdl, 'postscript');
    assert.equal(ja.pages, 3);
    assert.equal(ja.copies, 2);
    assert.equal(ja.duplex, false);
    assert.equal(ja.state, 'held');
    assert.equal(ja.protocol, 'ipp');
    assert.equal(ja.receivedAt, '2026-11-24T15:30:12.000Z');
    assert.equal(ja.file, join(dataDir, 'spool', 'users', 'alice', '20261124-153012_1.prn'));
    assert.deepEqual(await readFile(ja.file), docA);
    const jb = spool.get(b.id);
    assert.ok(jb);
    assert.equal(jb.state, 'queued');
    assert.equal(jb.file, join(dataDir, 'spool', 'users', 'bob', 'bob_2.ps'));
    assert.deepEqual(spool.find(2), { id: b.id, seq: 2, size: docB.length, sha256: sha(docB) });
    assert.equal(spool.find(99), undefined);
    assert.deepEqual(spool.list({ owner: 'bob' }).map((j) => j.id), [b.id]);
    assert.deepEqual(spool.list({ states: ['held'] }).map((j) => j.id), [a.id]);

    // The inspector saw every byte once, in order, and read the flushed file before the rename.
    const probe = ProbeInspector.all.find((p) => p.finishedWith && p.bytes === docA.length);
    assert.ok(probe?.finishedWith);
    assert.equal(probe.hash.digest('hex'), sha(docA));
    assert.equal(probe.finishedWith.size, docA.length);
    assert.match(basename(probe.finishedWith.path), /^\.tmp-/);
    assert.equal(dirname(probe.finishedWith.path), dirname(ja.file), 'the temporary file is in the destination folder');

    assert.deepEqual(await temps(dataDir), []);
    assert.ok(existsSync(join(dataDir, 'spool', 'users', 'alice', '.jobs', `${a.id}.json`)));
    await spool.close();

    const again = await Spool.open(options(dataDir));
    assert.deepEqual(again.list(), jobs);
    const c = await receive(again, Buffer.from('more'));
    assert.ok(c.seq > 2);
    await again.close();
  });

  test('bytes go to disk as they are written, not buffered', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir));
    const r = await spool.begin(CTX);
    const tmp = join(dataDir, 'spool', 'users', 'alice');
    const chunk = Buffer.alloc(256 * 1024, 7);
    for (let i = 1; i <= 16; i++) {
      await r.write(chunk);
      assert.equal(r.bytesReceived, i * chunk.length);
      const [name] = (await readdir(tmp)).filter((n) => n.startsWith('.tmp-'));
      assert.equal((await stat(join(tmp, name))).size, i * chunk.length);
    }
    await r.sync();
    const job = await r.commit({ protocol: 'raw' });
    assert.equal(job.size, 16 * chunk.length);
    await spool.close();
  });

  test('the owner decided at commit moves the job to that user folder', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir, { ownerOf: (meta) => meta.user ?? 'nobody' }));
    const job = await receive(spool, Buffer.from('data'), { protocol: 'lpd', user: 'Bob' });
    const rec = spool.get(job.id);
    assert.equal(rec?.owner, 'Bob');
    assert.equal(dirname(rec?.file ?? ''), join(dataDir, 'spool', 'users', '%42ob'));
    assert.deepEqual(await temps(dataDir), []);
    await spool.close();
  });

  test('concurrent commits into one folder never share a name or a seq', async (t) => {
    const dataDir = await tempData(t);
    const opts = options(dataDir);
    opts.modes.local = { ...opts.modes.local!, fileNameFormat: 'job.prn' };
    const spool = await Spool.open(opts);
    const jobs = await Promise.all(Array.from({ length: 20 }, (_, i) => receive(spool, Buffer.from(`job ${i}`))));
    const seqs = new Set(jobs.map((j) => j.seq));
    assert.equal(seqs.size, 20);
    const files = spool.list().map((j) => basename(j.file));
    assert.equal(new Set(files).size, 20);
    assert.ok(files.includes('job.prn') && files.includes('job~2.prn'), files.join(','));
    for (const j of spool.list()) assert.equal((await readFile(j.file, 'utf8')).startsWith('job '), true);
    await spool.close();
  });

  test('a name taken by a file of another case gets a suffix', async (t) => {
    const dataDir = await tempData(t);
    const opts = options(dataDir);
    opts.modes.local = { ...opts.modes.local!, fileNameFormat: 'Report.prn' };
    const spool = await Spool.open(opts);
    const first = await receive(spool, Buffer.from('one'));
    const second = await receive(spool, Buffer.from('two'));
    assert.equal(basename(spool.get(first.id)!.file), 'Report.prn');
    assert.equal(basename(spool.get(second.id)!.file), 'Report~2.prn');
    await spool.close();
  });

  test('hostile user, queue and driver names stay inside the user folder', async (t) => {
    const dataDir = await tempData(t);
    const hostile = ['../../etc/passwd', '..\\..', 'nul\0byte', 'x'.repeat(3000), '名前/🖨️', 'CON', '.', '..'];
    const opts = options(dataDir, { ownerOf: (meta) => meta.user ?? 'alice' });
    opts.modes.local = { ...opts.modes.local!, fileNameFormat: '%u_%pq_%pd_%i.prn' };
    const spool = await Spool.open(opts);
    for (const h of hostile) {
      const job = await receive(spool, Buffer.from(h), { protocol: 'lpd', user: h, queue: h, driver: h });
      const rec = spool.get(job.id)!;
      const users = join(dataDir, 'spool', 'users');
      assert.ok(rec.file.startsWith(users + sep), rec.file);
      assert.equal(dirname(dirname(rec.file)), users, `one folder level for ${JSON.stringify(h)}: ${rec.file}`);
      assert.ok(Buffer.byteLength(basename(rec.file)) <= 200);
      assert.equal(await readFile(rec.file, 'utf8'), h);
      assert.equal(rec.owner, h);
    }
    assert.ok(!existsSync('/etc/passwd_') && !existsSync(join(dataDir, 'etc')));
    const folders = new Set(spool.list().map((j) => dirname(j.file)));
    assert.equal(folders.size, hostile.length, 'every owner has a folder of its own');
    await spool.close();
    const again = await Spool.open(opts);
    assert.equal(again.list().length, hostile.length);
    assert.deepEqual(again.list().map((j) => j.owner), hostile);
    await again.close();
  });
});

describe('spool: events come after disk', () => {
  test('job-stored, job-state and job-deleted see the change already on disk, before commit resolves', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir));
    const order: string[] = [];
    const recordPath = (j: JobRecord): string => join(dirname(j.file), '.jobs', `${j.id}.json`);
    // What each listener saw of the disk. The spool logs (and swallows) a listener's
    // exception, so the observations are asserted afterwards, not in the listener.
    const seen: Record<string, unknown> = {};
    spool.on('job-stored', (j) => {
      order.push('stored');
      seen.stored = { document: existsSync(j.file), record: existsSync(recordPath(j)), listed: spool.get(j.id)?.id === j.id };
    });
    spool.on('job-state', (j, previous) => {
      order.push(`state:${previous}->${j.state}`);
      seen.state = { onDisk: (JSON.parse(readFileSync(recordPath(j), 'utf8')) as { state: string }).state, inMemory: spool.get(j.id)?.state };
    });
    spool.on('job-deleted', (j, reason) => {
      order.push(`deleted:${reason}:${j.state}`);
      seen.deleted = { document: existsSync(j.file), record: existsSync(recordPath(j)), listed: spool.get(j.id) !== undefined };
    });
    const job = await receive(spool, Buffer.from('hello'));
    order.push('committed');
    await spool.setState(job.id, 'released-kept');
    await spool.setState(job.id, 'released-kept'); // no change, no event
    const gone = await spool.delete(job.id, 'released');
    assert.equal(gone.state, 'released-deleted');
    assert.deepEqual(order, ['stored', 'committed', 'state:held->released-kept', 'deleted:released:released-deleted']);
    assert.deepEqual(seen, {
      stored: { document: true, record: true, listed: true },
      state: { onDisk: 'released-kept', inMemory: 'released-kept' },
      deleted: { document: false, record: false, listed: false },
    });
    assert.equal(spool.get(job.id), undefined);
    await assert.rejects(spool.setState(job.id, 'held'), (e) => errorCode(e) === 'JOB_NOT_FOUND');
    await assert.rejects(spool.delete(job.id, 'expired'), (e) => errorCode(e) === 'JOB_NOT_FOUND');
    await spool.close();
  });

  test('a throwing listener does not break the spool; unsubscribe works', async (t) => {
    const dataDir = await tempData(t);
    const logger = memoryLogger();
    const spool = await Spool.open(options(dataDir, { logger }));
    let calls = 0;
    const off = spool.on('job-stored', () => {
      calls++;
      throw new Error('listener bug');
    });
    await receive(spool, Buffer.from('1'));
    off();
    await receive(spool, Buffer.from('2'));
    assert.equal(calls, 1);
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.message.includes('listener')));
    assert.equal(spool.list().length, 2);
    await spool.close();
  });

  test('states are durable across restarts; delete reasons give final states', async (t) => {
    const dataDir = await tempData(t);
    let spool = await Spool.open(options(dataDir));
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await receive(spool, Buffer.from(`j${i}`))).id);
    await spool.setState(ids[0], 'submitted');
    await spool.close();
    spool = await Spool.open(options(dataDir));
    assert.equal(spool.get(ids[0])?.state, 'submitted');
    const finals = await Promise.all([
      spool.delete(ids[0], 'released'), spool.delete(ids[1], 'expired'), spool.delete(ids[2], 'user-deleted'), spool.delete(ids[3], 'logout'),
    ]);
    assert.deepEqual(finals.map((f) => f.state), ['released-deleted', 'expired', 'deleted', 'deleted']);
    await spool.close();
    spool = await Spool.open(options(dataDir));
    assert.deepEqual(spool.list(), []);
    assert.deepEqual(await filesUnder(join(dataDir, 'spool', 'users')), []);
    await spool.close();
  });

  test('removeEmptyUserFolder removes only a folder without jobs', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir));
    const job = await receive(spool, Buffer.from('x'));
    const folder = join(dataDir, 'spool', 'users', 'alice');
    assert.equal(await spool.removeEmptyUserFolder('alice'), false);
    await spool.delete(job.id, 'user-deleted');
    assert.ok(existsSync(folder), 'delete alone keeps the folder');
    const r = await spool.begin(CTX);
    assert.equal(await spool.removeEmptyUserFolder('alice'), false, 'a job is being received into it');
    await r.abort('test');
    assert.equal(await spool.removeEmptyUserFolder('alice'), true);
    assert.ok(!existsSync(folder));
    assert.equal(await spool.removeEmptyUserFolder('alice'), false);
    assert.equal(await spool.removeEmptyUserFolder('nobody'), false);
    await receive(spool, Buffer.from('y'));
    assert.ok(existsSync(folder), 'recreated on the next job');
    await spool.close();
  });
});

describe('spool: failures leave nothing behind', () => {
  test('abort removes the temporary file and is idempotent', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir));
    const r = await spool.begin(CTX);
    await r.write(Buffer.from('partial'));
    assert.equal((await temps(dataDir)).length, 1);
    await Promise.all([r.abort('CONNECTION_RESET'), r.abort('CONNECTION_RESET')]);
    await r.abort('again');
    assert.deepEqual(await temps(dataDir), []);
    await assert.rejects(r.write(Buffer.from('x')), (e) => errorCode(e) === 'JOB_ABORTED');
    await assert.rejects(r.commit({ protocol: 'raw' }), (e) => errorCode(e) === 'JOB_ABORTED');
    assert.deepEqual(spool.list(), []);
    // abort after a commit never undoes the stored job
    const r2 = await spool.begin(CTX);
    await r2.write(Buffer.from('kept'));
    const committed = r2.commit({ protocol: 'raw' });
    await r2.abort('late');
    assert.equal(spool.get((await committed).id)?.size, 4);
    await spool.close();
  });

  test('JOB_TOO_LARGE: rejected, temporary file removed, stored jobs intact', async (t) => {
    const dataDir = await tempData(t);
    const opts = options(dataDir);
    opts.modes.local = { ...opts.modes.local!, maxJobSizeBytes: 1000 };
    const spool = await Spool.open(opts);
    const kept = await receive(spool, Buffer.alloc(1000, 1));
    const r = await spool.begin(CTX);
    await r.write(Buffer.alloc(600));
    await assert.rejects(r.write(Buffer.alloc(401)), (e) => errorCode(e) === 'JOB_TOO_LARGE');
    assert.equal(r.bytesReceived, 600);
    assert.deepEqual(await temps(dataDir), []);
    await assert.rejects(r.write(Buffer.alloc(1)), (e) => errorCode(e) === 'JOB_TOO_LARGE');
    await assert.rejects(r.commit({ protocol: 'raw' }), (e) => errorCode(e) === 'JOB_TOO_LARGE');
    await r.abort('after');
    assert.deepEqual(spool.list().map((j) => j.id), [kept.id]);
    assert.deepEqual(await readFile(spool.get(kept.id)!.file), Buffer.alloc(1000, 1));
    await spool.close();
  });

  test('begin for a mode the spool does not serve rejects SPOOL_UNAVAILABLE', async (t) => {
    const spool = await Spool.open(options(await tempData(t)));
    await assert.rejects(spool.begin({ ...CTX, mode: 'hybrid' }), (e) => errorCode(e) === 'SPOOL_UNAVAILABLE');
    await spool.close();
  });

  test('a failing owner lookup fails the commit and leaves no file', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir, {
      ownerOf: (meta) => {
        if (meta.user === 'evil') throw new Error('no such user');
        return 'alice';
      },
    }));
    const r = await spool.begin(CTX);
    await r.write(Buffer.from('x'));
    await assert.rejects(r.commit({ protocol: 'ipp', user: 'evil' }), (e) => errorCode(e) === 'SPOOL_UNAVAILABLE');
    assert.deepEqual(await temps(dataDir), []);
    assert.deepEqual(spool.list(), []);
    await spool.close();
  });

  test('close waits for a commit under way, drops jobs still arriving, refuses new ones', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir));
    const committing = await spool.begin(CTX);
    await committing.write(postScript('late', 2));
    const arriving = await spool.begin(CTX);
    await arriving.write(Buffer.from('half'));
    const commitP = committing.commit({ protocol: 'ipp' });
    await spool.close();
    const done = await commitP;
    await assert.rejects(arriving.commit({ protocol: 'raw' }), (e) => errorCode(e) === 'SPOOL_UNAVAILABLE');
    await assert.rejects(spool.begin(CTX), (e) => errorCode(e) === 'SPOOL_UNAVAILABLE');
    await assert.rejects(spool.setState(done.id, 'held'), (e) => errorCode(e) === 'SPOOL_UNAVAILABLE');
    assert.deepEqual(await temps(dataDir), []);
    const again = await Spool.open(options(dataDir));
    assert.deepEqual(again.list().map((j) => j.id), [done.id]);
    await again.close();
  });
});

describe('spool: the cycle counter', () => {
  test('monotonic across restarts, even after deleting the newest job', async (t) => {
    const dataDir = await tempData(t);
    let spool = await Spool.open(options(dataDir));
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push((await receive(spool, Buffer.from(`${i}`))).seq);
    await spool.delete(spool.find(seqs[2])!.id, 'user-deleted');
    await spool.close();
    for (let restart = 0; restart < 3; restart++) {
      spool = await Spool.open(options(dataDir));
      const s = (await receive(spool, Buffer.from('n'))).seq;
      assert.ok(s > Math.max(...seqs), `seq ${s} after ${seqs.join(',')}`);
      seqs.push(s);
      await spool.delete(spool.find(s)!.id, 'user-deleted');
      await spool.close();
    }
  });

  test('a lost or damaged counter file never goes below the records', async (t) => {
    const dataDir = await tempData(t);
    const logger = memoryLogger();
    let spool = await Spool.open(options(dataDir, { logger }));
    for (let i = 0; i < 5; i++) await receive(spool, Buffer.from(`${i}`));
    await spool.close();
    const counter = join(dataDir, 'spool', 'counter.json');
    await writeFile(counter, '{ garbage');
    spool = await Spool.open(options(dataDir, { logger }));
    assert.equal((await receive(spool, Buffer.from('x'))).seq >= 6, true);
    await spool.close();
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.message.includes('counter')));
    await rm(counter);
    spool = await Spool.open(options(dataDir));
    const s = (await receive(spool, Buffer.from('y'))).seq;
    assert.ok(s >= 7, `seq ${s}`);
    await spool.close();
  });
});

describe('spool: disk full', () => {
  test('DISK_FULL on a tiny tmpfs: earlier jobs stay intact, no temporary file remains', async (t) => {
    const mnt = await mkdtemp(join(tmpdir(), 'pullprint-tmpfs-'));
    const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]).catch((e: unknown) => ({ code: 1, stderr: String(e) }));
    if (mounted.code !== 0) {
      await rm(mnt, { recursive: true, force: true });
      t.skip(`cannot mount a tmpfs here (${mounted.stderr.trim()}); DISK_FULL not exercised`);
      return;
    }
    t.after(async () => {
      await run('umount', [mnt]);
      await rm(mnt, { recursive: true, force: true });
    });
    const spool = await Spool.open(options(mnt));
    const first = postScript('kept', 2);
    const kept = await receive(spool, first);

    // 1. The disk fills while a job is written.
    const r = await spool.begin(CTX);
    let failure: unknown = null;
    try {
      for (let i = 0; i < 40; i++) await r.write(Buffer.alloc(64 * 1024, 1));
    } catch (err) {
      failure = err;
    }
    assert.equal(errorCode(failure), 'DISK_FULL');
    assert.deepEqual(await temps(mnt), []);

    // 2. The disk is full before the record can be written: the commit fails, the renamed document goes too.
    const r2 = await spool.begin(CTX);
    await r2.write(Buffer.alloc(100, 2));
    const fill = async (): Promise<void> => {
      const filler = await openFile(join(mnt, 'filler'), 'a');
      try {
        for (;;) await filler.write(Buffer.alloc(4096));
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        await filler.close();
      }
    };
    await fill();
    await assert.rejects(r2.commit({ protocol: 'raw' }), (e) => errorCode(e) === 'DISK_FULL');
    assert.deepEqual(await temps(mnt), []);

    // 3. Nothing fits: begin refuses up front.
    await fill();
    await assert.rejects(spool.begin(CTX), (e) => errorCode(e) === 'DISK_FULL');

    assert.deepEqual(spool.list().map((j) => j.id), [kept.id]);
    assert.deepEqual(await readFile(spool.get(kept.id)!.file), first);
    const userFiles = (await filesUnder(join(mnt, 'spool', 'users'))).filter((f) => !f.includes('.jobs'));
    assert.deepEqual(userFiles, [join('alice', basename(spool.get(kept.id)!.file))]);
    await spool.close();

    await rm(join(mnt, 'filler'));
    const again = await Spool.open(options(mnt));
    assert.deepEqual(again.list().map((j) => [j.id, j.sha256]), [[kept.id, sha(first)]]);
    const after = await receive(again, Buffer.from('room again'));
    assert.ok(after.seq > kept.seq);
    await again.close();
  });
});

describe('spool: reassign and dynamic initial state', () => {
  test('initialStateOf decides the state a new job starts in', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir, { initialStateOf: (mode, owner) => (owner === 'nobody' ? 'waiting-for-sign-in' : mode === 'cloud' ? 'queued' : 'held') }));
    t.after(() => spool.close());
    await receive(spool, postScript('a', 1), { protocol: 'ipp', user: 'nobody' });
    await receive(spool, postScript('b', 1), { protocol: 'ipp', user: 'bob' });
    assert.deepEqual(spool.list().map((j) => [j.owner, j.state]), [['nobody', 'waiting-for-sign-in'], ['bob', 'held']]);
  });

  test('a job moves to its new owner durably and survives a restart', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir, { inspect: createJobInspector }));
    const data = postScript('Adopted', 2);
    const { id } = await receive(spool, data, { protocol: 'ipp', user: 'root' });
    const states: Array<[string, string]> = [];
    spool.on('job-state', (j, prev) => states.push([prev, j.state]));
    const moved = await spool.reassign(id, 'alice@example.com', 'held');
    assert.equal(moved.owner, 'alice@example.com');
    assert.equal(basename(dirname(moved.file)), 'alice@example.com');
    assert.equal(sha(readFileSync(moved.file)), moved.sha256);
    assert.deepEqual(states, [['held', 'held']]);
    await spool.close();
    const again = await Spool.open(options(dataDir, { inspect: createJobInspector }));
    t.after(() => again.close());
    const [job] = again.list();
    assert.equal(job.id, id);
    assert.equal(job.owner, 'alice@example.com');
    assert.equal(job.title, 'Adopted');
    assert.equal(sha(readFileSync(job.file)), sha(data));
    const files = await filesUnder(join(dataDir, 'spool', 'users'));
    assert.ok(!files.some((f) => f.startsWith(`root${sep}`) && !f.includes('.jobs')), files.join(','));
    assert.ok(!files.some((f) => f.startsWith(`root${sep}.jobs${sep}`)), 'old record removed');
  });

  test('a crash after the document moved loses nothing', async (t) => {
    const dataDir = await tempData(t);
    const spool = await Spool.open(options(dataDir, { inspect: createJobInspector }));
    const data = postScript('Crash', 1);
    const { id } = await receive(spool, data, { protocol: 'ipp', user: 'root' });
    const before = spool.get(id);
    assert.ok(before);
    await spool.close();
    // Simulate the crash: the document is in the new folder, the old record still in place.
    const { rename: mv, mkdir } = await import('node:fs/promises');
    const newDir = join(dataDir, 'spool', 'users', 'alice');
    await mkdir(join(newDir, '.jobs'), { recursive: true });
    await mv(before.file, join(newDir, basename(before.file)));
    const again = await Spool.open(options(dataDir, { inspect: createJobInspector }));
    t.after(() => again.close());
    const jobs = again.list();
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].owner, 'alice');
    assert.equal(jobs[0].sha256, sha(data));
  });
});
