// Release streaming benchmark (run from test/bench): a held PostScript job of `sizeBytes`
// released to a loopback port-9100 receiver that counts and drops bytes, compared with
// reading the same file, and the same release with late-binding changes (copies and
// duplex: PJL header plus PostScript injection) against one without. Then the same for a
// PCL XL job, where copies and duplex edit every page: with the page index the release
// service builds in the background, and without it (a release right after printing).
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { ReleaseService } from '../../../main/release/index.js';
import { openJobDocument } from '../../../main/release/job-document.js';
import type { JobRecord } from '../../../main/spool/types.js';
import { openSpool, storeJob } from './fixture.js';
import { buildJobIndex } from '../../../main/pdl/late-binding/job-index-build.js';
import { gsConvert, tempDir } from '../../helpers/documents.js';
import { prng } from '../../helpers/prng.js';
import { readFile } from 'node:fs/promises';

export interface ReleaseBenchResult {
  /** MiB/s of a release (no changes) to a loopback raw receiver, file read included. */
  releaseMiBps: number;
  /** MiB/s of reading the stored file alone, through the release's own reading code: the baseline. */
  readMiBps: number;
  /** Time of a release with late-binding changes divided by the time without (1.0 = free), job index built. */
  lateBindingOverhead: number;
  /** The same without the job index. */
  lateBindingOverheadNoIndex: number;
  /** MiB/s of the file piped straight into a socket to the same receiver: the floor any release has. */
  pipeMiBps: number;
  /** MiB/s of one 1 MiB buffer written over and over to the receiver: no file at all, the loopback's own ceiling. */
  loopbackMiBps: number;
  /** The same release and read with the page cache dropped first (null where the OS refuses). */
  cold: { releaseMiBps: number; readMiBps: number } | null;
  /** PCL XL jobs: changed release time / plain release time, with and without the page index. */
  pclxl: PclXlOverhead[];
}

export interface PclXlOverhead {
  kind: string;
  sizeBytes: number;
  pages: number;
  withIndex: number;
  withoutIndex: number;
  indexMs: number;
}

const MiB = 1024 * 1024;

/** A DSC PostScript document of about `size` bytes: many small pages. */
function postScriptOfSize(size: number): Buffer {
  const head = '%!PS-Adobe-3.0\n%%Title: bench\n%%Pages: (atend)\n%%EndComments\n%%BeginProlog\n/F { /Helvetica findfont exch scalefont setfont } bind def\n%%EndProlog\n%%BeginSetup\n%%EndSetup\n';
  const parts: string[] = [head];
  let n = head.length;
  let page = 0;
  while (n < size - 64) {
    page += 1;
    const p = `%%Page: ${page} ${page}\nsave 12 F 72 720 moveto (Page ${page} of the release benchmark, some text to print) show\n0.5 setgray 72 600 200 100 rectfill restore showpage\n`;
    parts.push(p);
    n += p.length;
  }
  parts.push(`%%Trailer\n%%Pages: ${page}\n%%EOF\n`);
  // Joined in slices: one string of a whole GiB exceeds V8's string length limit.
  const slices: Buffer[] = [];
  for (let i = 0; i < parts.length; i += 100_000) slices.push(Buffer.from(parts.slice(i, i + 100_000).join(''), 'latin1'));
  return Buffer.concat(slices);
}

/** A text-heavy report: `pages` pages of 62 lines in Times, as office documents print. */
function reportPostScript(pages: number): string {
  const lines = ['%!PS-Adobe-3.0', `%%Pages: ${pages}`, '%%EndComments', '/F { findfont exch scalefont setfont } bind def'];
  for (let p = 1; p <= pages; p++) {
    lines.push(`%%Page: ${p} ${p}`, 'save', `14 /Helvetica-Bold F 72 790 moveto (Quarterly report, page ${p}) show`, '10 /Times-Roman F');
    for (let l = 0; l < 62; l++) lines.push(`72 ${770 - l * 11.5} moveto (Line ${l} of page ${p}: revenue, costs and the figures the board asked for, in order.) show`);
    if (p % 5 === 0) lines.push('1 0 0 setrgbcolor 72 40 200 20 rectfill');
    lines.push('restore', 'showpage');
  }
  lines.push('%%EOF', '');
  return lines.join('\n');
}

/** Scanned-like pages: one 512 × 512 RGB photo of noise each (about 770 KiB a page in PCL XL). */
function imagePostScript(pages: number): string {
  const r = prng(7);
  const parts = [`%!PS-Adobe-3.0\n%%Pages: ${pages}\n%%EndComments\n`];
  for (let p = 1; p <= pages; p++) {
    const px = Buffer.alloc(512 * 512 * 3);
    for (let i = 0; i < px.length; i++) px[i] = Math.floor(r() * 256);
    parts.push(`%%Page: ${p} ${p}\nsave 72 250 translate 468 468 scale /s 1536 string def\n`
      + `512 512 8 [512 0 0 -512 0 512] {currentfile s readhexstring pop} false 3 colorimage\n${px.toString('hex')}\nrestore showpage\n`);
  }
  parts.push('%%EOF\n');
  return parts.join('');
}

/**
 * A PJL + PCL XL job of about `size` bytes from Ghostscript (pxlcolor): gs's pages
 * repeated between its session start and end. Printer-valid enough for what is measured
 * (the receiver drops the bytes). The text-heavy report (about 60 KiB a page) is full of
 * small tokens, the costly case for an editor that has to find every page.
 */
async function pclXlOfSize(size: number, postScript: string, gsArgs: string[] = []): Promise<{ job: Buffer; pages: number }> {
  const tmp = await tempDir('pp-bench-pxl-');
  try {
    const ps = join(tmp.path, 'doc.ps');
    await writeFile(ps, postScript);
    const raw = await readFile(await gsConvert(ps, 'pxlcolor', join(tmp.path, 'doc.pxl'), gsArgs));
    const ix = (await buildJobIndex([raw], { pdl: 'pclxl' })).section(0);
    if (!ix || ix.opAt.length < 2) throw new Error('gs wrote no PCL XL pages');
    // Section offsets start at the stream header `) HP-PCL XL`.
    const base = raw.indexOf(') HP-PCL XL');
    const from = base + ix.listStart[0];
    const to = base + ix.opAt[ix.opAt.length - 1] + 1;
    const pagesPerCopy = ix.ops.filter((op) => op === 0x43).length;
    const body = raw.subarray(from, to);
    const times = Math.max(1, Math.round((size - raw.length) / body.length));
    const job = Buffer.concat([raw.subarray(0, to), ...Array.from({ length: times - 1 }, () => body), raw.subarray(to)]);
    return { job, pages: pagesPerCopy * times };
  } finally {
    await tmp.cleanup();
  }
}

// The receiver runs in its own process, as a printer would: in-process it would share the
// event loop with the release being measured and halve what one core can do.
const RECEIVER = `
const net = require('node:net');
const server = net.createServer((s) => { s.on('data', () => {}); s.on('end', () => s.end()); s.on('error', () => {}); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function countingReceiver(): Promise<{ port: number; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
    child.once('error', reject);
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill();
    }),
  };
}

/** Flushes dirty pages and drops the page cache (Linux, root); false where that is refused. */
async function dropCaches(): Promise<boolean> {
  try {
    await new Promise<void>((resolve, reject) => spawn('sync').once('exit', () => resolve()).once('error', reject));
    await writeFile('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

/** The same number of bytes from memory (one buffer, reused), as fast as the socket takes them. */
async function timeLoopback(size: number, port: number): Promise<number> {
  const block = Buffer.alloc(MiB, 0x20);
  const t0 = process.hrtime.bigint();
  const sock = connect({ port, host: '127.0.0.1' });
  await once(sock, 'connect');
  for (let sent = 0; sent < size; sent += MiB) {
    if (!sock.write(sent + MiB <= size ? block : block.subarray(0, size - sent))) await once(sock, 'drain');
  }
  sock.end();
  await once(sock, 'close');
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function timePipe(file: string, port: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const sock = connect({ port, host: '127.0.0.1' });
  await once(sock, 'connect');
  await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), sock);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Reading the job the way a release reads it (same code, same chunks), the bytes dropped. */
async function timeRead(job: Pick<JobRecord, 'id' | 'file' | 'pdl' | 'title'>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for await (const chunk of await openJobDocument(job, null)) void chunk;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export async function releaseBench(sizeBytes: number): Promise<ReleaseBenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pullprint-release-bench-'));
  const recv = await countingReceiver();
  const spool = await openSpool(dataDir, REAL_CLOCK, nullLogger());
  const service = new ReleaseService({
    spool, dataDir, logger: nullLogger(), lateBindingEnabled: true, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
    forgetUser: async () => undefined, servers: [], clock: REAL_CLOCK,
  });
  // The same release service without job indexes: a release that comes before the index
  // is built, or after a restart.
  const noIndex = new ReleaseService({
    spool, dataDir, logger: nullLogger(), lateBindingEnabled: true, lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
    forgetUser: async () => undefined, servers: [], clock: REAL_CLOCK, lateBindingIndexBudgetBytes: 0,
  });
  try {
    await service.start();
    const job = await storeJob(spool, postScriptOfSize(sizeBytes), { owner: 'bench@example.com', title: 'bench' });
    await service.jobIndexesBuilt();
    const printer = `socket://127.0.0.1:${recv.port}`;
    const release = async (changes?: Record<string, unknown>, s = service): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await s.releaseJob(job.id, { printer, keep: true, changes });
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    // Warm-up (page cache, JIT), then the best of several runs of each.
    await timeRead(job);
    await release();
    const best = async (f: () => Promise<number>): Promise<number> => Math.min(await f(), await f(), await f());
    /** The best of `rounds` runs of each, taken in turn so that all share the machine's noise. */
    const interleaved = async (fs: Array<() => Promise<number>>, rounds = 5): Promise<number[]> => {
      const bests = fs.map(() => Infinity);
      for (let r = 0; r < rounds; r++) for (let k = 0; k < fs.length; k++) bests[k] = Math.min(bests[k], await fs[k]());
      return bests;
    };
    const read = await best(() => timeRead(job));
    const pipe = await best(() => timePipe(job.file, recv.port));
    const loopback = await best(() => timeLoopback(job.size, recv.port));
    const [plain, changed, changedNoIndex] = await interleaved([
      () => release(),
      () => release({ copies: 2, sides: 'duplex-long' }),
      () => release({ copies: 2, sides: 'duplex-long' }, noIndex),
    ]);
    const mib = job.size / MiB;
    // A job released hours after it was printed is read from the disk, not the page cache.
    let cold: ReleaseBenchResult['cold'] = null;
    if (await dropCaches()) {
      const coldly = async (f: () => Promise<number>): Promise<number> => {
        await dropCaches();
        return f();
      };
      // Taken in turn, best of three: the disk's speed moves a lot from one run to the next.
      const [coldRead, coldRelease] = await interleaved([() => coldly(() => timeRead(job)), () => coldly(() => release())], 3);
      cold = { releaseMiBps: mib / coldRelease, readMiBps: mib / coldRead };
    }
    await spool.delete(job.id, 'user-deleted');

    // PCL XL: copies and duplex edit every BeginPage and EndPage.
    const pclxl: PclXlOverhead[] = [];
    for (const [kind, ps, args] of [['text-heavy report', reportPostScript(20), []], ['image pages', imagePostScript(8), ['-r150']]] as const) {
      const pxl = await pclXlOfSize(sizeBytes, ps, [...args]);
      const xlJob = await storeJob(spool, pxl.job, { owner: 'bench@example.com', title: 'bench-xl' });
      const tStored = process.hrtime.bigint();
      await service.jobIndexesBuilt();
      const indexMs = Number(process.hrtime.bigint() - tStored) / 1e6;
      const releaseWith = async (s: ReleaseService, changes?: Record<string, unknown>): Promise<number> => {
        const t = process.hrtime.bigint();
        await s.releaseJob(xlJob.id, { printer, keep: true, changes });
        return Number(process.hrtime.bigint() - t) / 1e9;
      };
      const xlChanges = { copies: 2, sides: 'duplex-long' };
      await releaseWith(service);
      const [xlPlain, xlIndexed, xlFull] = await interleaved([
        () => releaseWith(service),
        () => releaseWith(service, xlChanges),
        () => releaseWith(noIndex, xlChanges),
      ], 4);
      pclxl.push({ kind, sizeBytes: pxl.job.length, pages: pxl.pages, withIndex: xlIndexed / xlPlain, withoutIndex: xlFull / xlPlain, indexMs });
      await spool.delete(xlJob.id, 'user-deleted');
    }
    return {
      releaseMiBps: mib / plain, readMiBps: mib / read, lateBindingOverhead: changed / plain, lateBindingOverheadNoIndex: changedNoIndex / plain,
      pipeMiBps: mib / pipe, loopbackMiBps: mib / loopback, cold, pclxl,
    };
  } finally {
    await service.stop();
    await spool.close();
    await recv.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
