// Start-up recovery on a real file system: the states a crash can leave behind, made
// either by a process that really dies mid-job or by arranging the files as a crash
// at that instant would have left them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaptureContext, ProtocolMeta } from '../../../main/capture/types.js';
import { Spool, type JobRecord, type SpoolOptions } from '../../../main/spool/spool.js';
import { run } from '../../helpers/process.js';
import { filesUnder, memoryLogger, sha, spoolOptions, tempData, type LogLine } from './fixture.js';

const CTX: CaptureContext = { protocol: 'lpd', mode: 'local', peer: '127.0.0.1:721' };

function postScript(title: string, pages: number): Buffer {
  const body = Array.from({ length: pages }, (_, i) => `%%Page: ${i + 1} ${i + 1}\nshowpage\n`).join('');
  return Buffer.from(`%!PS-Adobe-3.0\n%%Title: ${title}\n%%Pages: ${pages}\n%%EndComments\n${body}%%EOF\n`);
}

async function receive(spool: Spool, data: Buffer, meta: ProtocolMeta = { protocol: 'lpd' }): Promise<JobRecord> {
  const r = await spool.begin(CTX);
  await r.write(data);
  const c = await r.commit(meta);
  const rec = spool.get(c.id);
  assert.ok(rec);
  return rec;
}

const recordOf = (j: JobRecord): string => join(dirname(j.file), '.jobs', `${j.id}.json`);
const logged = (l: { lines: LogLine[] }, level: string, text: string): boolean =>
  l.lines.some((x) => x.level === level && x.message.includes(text));

describe('spool recovery', () => {
  test('a process killed mid-job leaves a temporary file that start-up removes', async (t) => {
    const dataDir = await tempData(t, 'recovery');
    const spool = await Spool.open(spoolOptions(dataDir));
    const kept = await receive(spool, postScript('kept', 1));
    await spool.close();

    const spoolModule = fileURLToPath(new URL('../../../main/spool/spool.ts', import.meta.url));
    const script = join(dataDir, 'crash.mts');
    await writeFile(script, `
      import { Spool } from ${JSON.stringify(spoolModule)};
      const logger = { critical() {}, error() {}, warn() {}, info() {}, debug() {}, child() { return logger; } };
      const spool = await Spool.open({
        dataDir: ${JSON.stringify(dataDir)}, logger,
        modes: { local: { fileNameFormat: '%i.prn', queueName: 'q', maxJobSizeBytes: 1e9, initialState: 'held' } },
        ownerOf: () => 'alice',
        inspect: () => ({ push() {}, finish: async () => { throw new Error('unused'); } }),
      });
      const r = await spool.begin({ protocol: 'raw', mode: 'local', peer: 'x' });
      await r.write(Buffer.alloc(100000, 65));
      await r.sync();
      process.kill(process.pid, 'SIGKILL');
    `);
    const res = await run(process.execPath, ['--import', 'tsx', script], { cwd: dirname(spoolModule) });
    assert.equal(res.signal, 'SIGKILL', res.stderr);
    await unlink(script);
    const left = (await filesUnder(dataDir)).filter((f) => basename(f).startsWith('.tmp-'));
    assert.equal(left.length, 1, 'the crash left its temporary file');

    const logger = memoryLogger();
    const again = await Spool.open(spoolOptions(dataDir, { logger }));
    assert.deepEqual((await filesUnder(dataDir)).filter((f) => basename(f).startsWith('.tmp-')), []);
    assert.deepEqual(again.list().map((j) => [j.id, j.sha256]), [[kept.id, kept.sha256]]);
    assert.ok(logged(logger, 'info', 'temporary file'));
    await again.close();
  });

  test('temporary files anywhere in the spool are removed, jobs kept', async (t) => {
    const dataDir = await tempData(t, 'recovery');
    const spool = await Spool.open(spoolOptions(dataDir));
    const kept = await receive(spool, Buffer.from('kept'));
    await spool.close();
    const users = join(dataDir, 'spool', 'users');
    const leftovers = [
      join(dataDir, 'spool', '.tmp-counter1'), join(users, '.tmp-early'), join(users, 'alice', '.tmp-doc'), join(users, 'alice', '.jobs', '.tmp-rec'),
    ];
    for (const f of leftovers) await writeFile(f, 'partial');
    const again = await Spool.open(spoolOptions(dataDir));
    for (const f of leftovers) assert.ok(!existsSync(f), f);
    assert.deepEqual(again.list().map((j) => j.id), [kept.id]);
    await again.close();
  });

  test('a document without record (crash after its rename) is kept and its record rebuilt', async (t) => {
    const dataDir = await tempData(t, 'recovery');
    const spool = await Spool.open(spoolOptions(dataDir));
    const doc = postScript('Orphaned report', 3);
    const lost = await receive(spool, doc, { protocol: 'lpd', user: 'Émile' });
    const other = await receive(spool, Buffer.from('other'));
    await spool.close();
    await unlink(recordOf(lost));

    const logger = memoryLogger();
    const again = await Spool.open(spoolOptions(dataDir, { logger }));
    const adopted = again.list({ owner: 'Émile' });
    assert.equal(adopted.length, 1);
    const a = adopted[0];
    assert.equal(a.file, lost.file);
    assert.equal(a.sha256, sha(doc));
    assert.equal(a.size, doc.length);
    assert.equal(a.pdl, 'postscript');
    assert.equal(a.pages, 3);
    assert.equal(a.title, 'Orphaned report');
    assert.equal(a.mode, 'local', 'a held mode is preferred for documents without record');
    assert.equal(a.state, 'held');
    assert.ok(a.seq > other.seq, 'a fresh seq, never one handed out before');
    assert.notEqual(a.id, lost.id);
    assert.ok(existsSync(recordOf(a)));
    assert.ok(logged(logger, 'warn', 'rebuilt the record'));
    await again.close();

    const third = await Spool.open(spoolOptions(dataDir));
    assert.deepEqual(third.list().map((j) => j.id).sort(), [a.id, other.id].sort(), 'adopted once, not on every start');
    await third.close();
  });

  test('a record whose document is missing is removed and logged', async (t) => {
    const dataDir = await tempData(t, 'recovery');
    const spool = await Spool.open(spoolOptions(dataDir));
    const gone = await receive(spool, Buffer.from('gone'));
    const kept = await receive(spool, Buffer.from('kept'));
    await spool.close();
    await unlink(gone.file);

    const logger = memoryLogger();
    const again = await Spool.open(spoolOptions(dataDir, { logger }));
    assert.deepEqual(again.list().map((j) => j.id), [kept.id]);
    assert.ok(!existsSync(recordOf(gone)));
    assert.ok(logged(logger, 'warn', 'document is missing'));
    const next = await receive(again, Buffer.from('next'));
    assert.ok(next.seq > kept.seq);
    await again.close();
  });

  const corruptions: Array<[string, (rec: Record<string, unknown>, raw: string) => string]> = [
    ['not JSON', () => '{ this is not json'],
    ['truncated', (_r, raw) => raw.slice(0, raw.length / 2)],
    ['empty', () => ''],
    ['a path as file name', (r) => JSON.stringify({ ...r, fileName: '../../../../etc/passwd' })],
    ['a wrong field type', (r) => JSON.stringify({ ...r, seq: 'one' })],
    ['an unknown state', (r) => JSON.stringify({ ...r, state: 'printing' })],
    ['an owner of another folder', (r) => JSON.stringify({ ...r, owner: 'mallory' })],
    ['an id other than its file name', (r) => JSON.stringify({ ...r, id: '00000000-0000-4000-8000-000000000000' })],
    ['a future version', (r) => JSON.stringify({ ...r, version: 99 })],
  ];
  for (const [what, corrupt] of corruptions) {
    test(`a record with ${what} goes to quarantine; its document is kept`, async (t) => {
      const dataDir = await tempData(t, 'recovery');
      const spool = await Spool.open(spoolOptions(dataDir));
      const doc = Buffer.from(`document ${what}`);
      const bad = await receive(spool, doc);
      const good = await receive(spool, Buffer.from('good'));
      await spool.close();
      const raw = await readFile(recordOf(bad), 'utf8');
      await writeFile(recordOf(bad), corrupt(JSON.parse(raw) as Record<string, unknown>, raw));

      const logger = memoryLogger();
      const again = await Spool.open(spoolOptions(dataDir, { logger }));
      assert.ok(!existsSync(recordOf(bad)));
      const quarantined = await readdir(join(dataDir, 'spool', 'quarantine'));
      assert.equal(quarantined.length, 1);
      assert.ok(quarantined[0].endsWith(`${bad.id}.json`), quarantined[0]);
      assert.ok(logged(logger, 'error', 'quarantine'));
      assert.ok(existsSync('/etc/passwd') && again.list().every((j) => j.file.startsWith(join(dataDir, 'spool', 'users'))));
      const jobs = again.list();
      assert.equal(jobs.length, 2);
      assert.ok(jobs.some((j) => j.id === good.id));
      const readopted = jobs.find((j) => j.id !== good.id);
      assert.equal(readopted?.sha256, sha(doc));
      assert.equal(readopted?.file, bad.file);
      await again.close();
    });
  }

  test('foreign files and folders are left alone; stray files in .jobs are quarantined', async (t) => {
    const dataDir = await tempData(t, 'recovery');
    const spool = await Spool.open(spoolOptions(dataDir));
    const kept = await receive(spool, Buffer.from('kept'));
    await spool.close();
    const users = join(dataDir, 'spool', 'users');
    await mkdir(join(users, 'Not Ours'));
    await writeFile(join(users, 'Not Ours', 'file.txt'), 'x');
    await writeFile(join(users, 'README'), 'x');
    await writeFile(join(users, 'alice', '.jobs', 'notes.txt'), 'x');
    const again = await Spool.open(spoolOptions(dataDir));
    assert.ok(existsSync(join(users, 'Not Ours', 'file.txt')));
    assert.ok(existsSync(join(users, 'README')));
    assert.ok(!existsSync(join(users, 'alice', '.jobs', 'notes.txt')));
    assert.equal((await readdir(join(dataDir, 'spool', 'quarantine'))).length, 1);
    assert.deepEqual(again.list().map((j) => j.id), [kept.id]);
    await again.close();
  });

  test('a document without record in a folder whose owner cannot be told is quarantined', async (t) => {
    const dataDir = await tempData(t, 'recovery');
    const long = 'L'.repeat(300);
    const spool = await Spool.open(spoolOptions(dataDir, { ownerOf: () => long }));
    const job = await receive(spool, Buffer.from('x'));
    await spool.close();
    assert.match(basename(dirname(job.file)), /~[0-9a-f]{64}$/);
    await unlink(recordOf(job));
    const logger = memoryLogger();
    const again = await Spool.open(spoolOptions(dataDir, { ownerOf: () => long, logger }));
    assert.deepEqual(again.list(), []);
    assert.ok(!existsSync(job.file));
    assert.equal((await readdir(join(dataDir, 'spool', 'quarantine'))).length, 1);
    assert.ok(logged(logger, 'error', 'quarantine'));
    await again.close();
  });

  test('with only Cloud enabled, a recovered document takes the Cloud mode', async (t) => {
    const dataDir = await tempData(t, 'recovery');
    const cloudOnly = (d: string): SpoolOptions => {
      const o = spoolOptions(d);
      return { ...o, modes: { cloud: o.modes.cloud } };
    };
    const spool = await Spool.open(cloudOnly(dataDir));
    const r = await spool.begin({ ...CTX, mode: 'cloud' });
    await r.write(Buffer.from('c'));
    const c = await r.commit({ protocol: 'lpd' });
    const rec = spool.get(c.id)!;
    await spool.close();
    await unlink(recordOf(rec));
    const again = await Spool.open(cloudOnly(dataDir));
    const [a] = again.list();
    assert.equal(a.mode, 'cloud');
    assert.equal(a.state, 'queued');
    await again.close();
  });
});
