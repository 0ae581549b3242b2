// Release streaming benchmark (the lead runs it from test/bench): a held PostScript job of
// `sizeBytes` released to a loopback port-9100 receiver that counts and drops bytes,
// compared with reading the same file, and the same release with late-binding changes
// (copies and duplex: PJL header plus PostScript injection) against one without.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { ReleaseService } from '../../../main/release/index.js';
import { openSpool, storeJob } from './fixture.js';

export interface ReleaseBenchResult {
  /** MiB/s of a release (no changes) to a loopback raw receiver, file read included. */
  releaseMiBps: number;
  /** MiB/s of reading the stored file alone, same chunk size: the baseline. */
  readMiBps: number;
  /** Time of a release with late-binding changes divided by the time without (1.0 = free). */
  lateBindingOverhead: number;
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
  return Buffer.from(parts.join(''), 'latin1');
}

function countingReceiver(): Promise<{ server: Server; port: number; received: () => number }> {
  let total = 0;
  const server = createServer((s) => {
    s.on('data', (b: Buffer) => {
      total += b.length;
    });
    s.on('end', () => s.end());
    s.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, received: () => total }));
  });
}

async function timeRead(file: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) void chunk;
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
  try {
    await service.start();
    const job = await storeJob(spool, postScriptOfSize(sizeBytes), { owner: 'bench@example.com', title: 'bench' });
    const printer = `socket://127.0.0.1:${recv.port}`;
    const release = async (changes?: Record<string, unknown>): Promise<number> => {
      const t0 = process.hrtime.bigint();
      await service.releaseJob(job.id, { printer, keep: true, changes });
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    // Warm-up (page cache, JIT), then the best of three of each.
    await timeRead(job.file);
    await release();
    const best = async (f: () => Promise<number>): Promise<number> => Math.min(await f(), await f(), await f());
    const read = await best(() => timeRead(job.file));
    const plain = await best(() => release());
    const changed = await best(() => release({ copies: 2, sides: 'duplex-long' }));
    const mib = job.size / MiB;
    return { releaseMiBps: mib / plain, readMiBps: mib / read, lateBindingOverhead: changed / plain };
  } finally {
    await service.stop();
    await spool.close();
    await new Promise<void>((resolve) => recv.server.close(() => resolve()));
    await rm(dataDir, { recursive: true, force: true });
  }
}
