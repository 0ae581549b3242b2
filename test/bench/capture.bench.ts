// Capture benchmarks (issue: capture engine §8). Every figure is a ratio to a baseline
// measured in the same run on the same machine, never an absolute time target.

import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createWriteStream } from 'node:fs';
import { open, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startTestEngine } from '../helpers/engine.js';
import type { BenchResult } from './report.js';

const MiB = 1024 * 1024;

/** A PostScript job of `totalBytes`: DSC header, then pages of filler, written with back-pressure from one reused buffer. */
function psChunks(totalBytes: number, title: string): { header: Buffer; page: Buffer; pages: number; trailer: Buffer } {
  const header = Buffer.from(`%!PS-Adobe-3.0\n%%Title: ${title}\n%%Pages: (atend)\n%%EndComments\n`);
  const filler = '% ' + 'x'.repeat(76) + '\n';
  const pageBody = `0 0 moveto 100 100 lineto stroke\n${filler.repeat(Math.floor(MiB / filler.length))}showpage\n`;
  const page = Buffer.from(pageBody);
  const pages = Math.max(1, Math.floor(totalBytes / (page.length + 20)));
  return { header, page, pages, trailer: Buffer.from(`%%Trailer\n%%Pages: ${pages}\n%%EOF\n`) };
}

async function writeAll(sock: Socket, buf: Buffer): Promise<void> {
  if (!sock.write(buf)) await once(sock, 'drain');
}

/** Sends a job and resolves when the server closed the connection (RAW: the job is stored). */
async function sendRawJob(port: number, totalBytes: number, title: string): Promise<{ ms: number; bytes: number }> {
  const { header, page, pages, trailer } = psChunks(totalBytes, title);
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(s, 'connect');
  const t0 = performance.now();
  let bytes = 0;
  await writeAll(s, header);
  bytes += header.length;
  for (let i = 1; i <= pages; i++) {
    const mark = Buffer.from(`%%Page: ${i} ${i}\n`);
    await writeAll(s, mark);
    await writeAll(s, page);
    bytes += mark.length + page.length;
  }
  await writeAll(s, trailer);
  bytes += trailer.length;
  s.end();
  s.resume();
  await once(s, 'close');
  return { ms: performance.now() - t0, bytes };
}

/** The baseline: a plain loopback socket piped to a file, fsynced, then closed. */
async function baselineServer(dir: string): Promise<{ port: number; close(): Promise<void> }> {
  let n = 0;
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    const path = join(dir, `baseline-${n++}`);
    const out = createWriteStream(path);
    sock.pipe(out);
    out.on('finish', () => {
      void (async () => {
        const fh = await open(path, 'r+');
        await fh.sync();
        await fh.close();
        await rm(path);
        sock.end();
      })();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

export async function captureThroughput(sizeBytes: number): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-bench-'));
  const base = await baselineServer(dir);
  const te = await startTestEngine({ loggingEnabled: 'false', captureExtra: '<MaxJobSizeMiB>8192</MaxJobSizeMiB>' });
  try {
    // Warm up both paths, then alternate to share the machine's noise fairly.
    await sendRawJob(base.port, 16 * MiB, 'warm');
    await sendRawJob(te.port(), 16 * MiB, 'warm');
    const baseRuns: number[] = [];
    const capRuns: number[] = [];
    // Best of four each, alternating: the baseline's speed varies more than capture's.
    for (let i = 0; i < 4; i++) {
      const b = await sendRawJob(base.port, sizeBytes, 'baseline');
      baseRuns.push(b.bytes / b.ms);
      const c = await sendRawJob(te.port(), sizeBytes, 'capture');
      capRuns.push(c.bytes / c.ms);
      for (const j of te.engine.listJobs()) await te.engine.deleteJob(j.id);
    }
    const best = (xs: number[]): number => Math.max(...xs);
    const ratio = best(capRuns) / best(baseRuns);
    return [{
      name: `capture throughput, ${Math.round(sizeBytes / MiB)} MiB PostScript RAW job`,
      value: ratio,
      unit: 'ratio to socket→file copy',
      target: '≥ 0.9',
      pass: ratio >= 0.9,
      detail: `capture ${(best(capRuns) * 1000 / MiB).toFixed(0)} MiB/s, baseline ${(best(baseRuns) * 1000 / MiB).toFixed(0)} MiB/s`,
    }];
  } finally {
    await base.close();
    await te.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A running engine that captures RAW PostScript jobs on demand, for other benchmarks' ratios. */
export interface CaptureRunner {
  /** MiB/s of capturing one job of `sizeBytes` (the job is deleted afterwards). */
  run(sizeBytes: number): Promise<number>;
  dispose(): Promise<void>;
}

export async function startCaptureRunner(): Promise<CaptureRunner> {
  const te = await startTestEngine({ loggingEnabled: 'false', captureExtra: '<MaxJobSizeMiB>8192</MaxJobSizeMiB>' });
  await sendRawJob(te.port(), 16 * MiB, 'warm');
  return {
    async run(sizeBytes) {
      const r = await sendRawJob(te.port(), sizeBytes, 'capture');
      for (const j of te.engine.listJobs()) await te.engine.deleteJob(j.id);
      return (r.bytes / MiB) / (r.ms / 1000);
    },
    dispose: () => te.dispose(),
  };
}

export async function captureRss(sizeBytes: number): Promise<BenchResult[]> {
  const te = await startTestEngine({ loggingEnabled: 'false', captureExtra: '<MaxJobSizeMiB>8192</MaxJobSizeMiB>' });
  try {
    await sendRawJob(te.port(), 16 * MiB, 'warm');
    global.gc?.();
    const start = process.memoryUsage().rss;
    let peak = start;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 25);
    await sendRawJob(te.port(), sizeBytes, 'big');
    clearInterval(timer);
    const growth = (peak - start) / MiB;
    const stored = te.engine.listJobs().find((j) => j.title === 'big');
    return [{
      name: `peak RSS growth capturing a ${(sizeBytes / 1024 / MiB).toFixed(1)} GiB job (client in the same process)`,
      value: growth,
      unit: 'MiB',
      target: '≤ 64',
      pass: growth <= 64 && stored !== undefined,
      detail: `stored ${stored?.size ?? 0} bytes, ${stored?.pages ?? '?'} pages`,
    }];
  } finally {
    await te.dispose();
  }
}

export async function concurrentJobs(count: number, sizeBytes: number): Promise<BenchResult[]> {
  const te = await startTestEngine({ loggingEnabled: 'false', captureExtra: `<MaxConnections>${count + 10}</MaxConnections>` });
  try {
    const closedAt = new Map<string, number>();
    const latencies: number[] = [];
    const off = te.engine.events.on((e) => {
      if (e.type !== 'job-stored' || !e.job.title) return;
      const t = closedAt.get(e.job.title);
      if (t !== undefined) latencies.push(performance.now() - t);
    });
    const send = async (i: number): Promise<void> => {
      const { header, page, trailer } = psChunks(sizeBytes, `job-${i}`);
      const s = connect({ port: te.port(), host: '127.0.0.1', allowHalfOpen: true });
      await once(s, 'connect');
      await writeAll(s, header);
      await writeAll(s, Buffer.from('%%Page: 1 1\n'));
      await writeAll(s, page.subarray(0, Math.max(0, sizeBytes - header.length - 40)));
      await writeAll(s, trailer);
      closedAt.set(`job-${i}`, performance.now());
      s.end();
      s.resume();
      await once(s, 'close');
    };
    await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
    off();
    const stored = te.engine.listJobs().length;
    latencies.sort((a, b) => a - b);
    const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    return [{
      name: `${count} concurrent ${Math.round(sizeBytes / MiB)} MiB jobs`,
      value: stored,
      unit: 'jobs stored',
      target: `${count}`,
      pass: stored === count,
      detail: `sender close → job listed: p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms`,
    }];
  } finally {
    await te.dispose();
  }
}
