// Fact extraction throughput per format, as a ratio to sha256 over the same bytes (the
// spool computes sha256 on every job anyway, so this says what inspection adds).

import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createJobInspector } from '../../main/pdl/inspector.js';
import { gsConvert, makePdf, makePostScript, tempDir } from '../helpers/documents.js';
import type { BenchResult } from './report.js';

const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

function feedChunks(buf: Buffer, each: (c: Buffer) => void): void {
  for (let off = 0; off < buf.length; off += CHUNK) each(buf.subarray(off, Math.min(off + CHUNK, buf.length)));
}

async function timeInspect(buf: Buffer, file: string, repeat: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) {
    const ins = createJobInspector();
    feedChunks(buf, (c) => ins.push(c));
    await ins.finish(file);
  }
  return performance.now() - t0;
}

function timeSha(buf: Buffer, repeat: number): number {
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) {
    const h = createHash('sha256');
    feedChunks(buf, (c) => h.update(c));
    h.digest();
  }
  return performance.now() - t0;
}

export async function factsThroughput(targetBytes: number): Promise<BenchResult[]> {
  const tmp = await tempDir('pp-bench-facts-');
  try {
    const spec = { pages: 40, title: 'Benchmark', colorPages: [2, 7, 19] };
    const ps = await makePostScript(tmp.path, 'doc.ps', spec);
    const pdf = await makePdf(tmp.path, 'doc.pdf', spec);
    const inputs: Array<[string, string]> = [
      ['PostScript (DSC)', ps],
      ['PostScript (ps2write)', await gsConvert(pdf, 'ps2write', join(tmp.path, 'doc-gs.ps'))],
      ['PDF', pdf],
      ['PCL XL colour', await gsConvert(pdf, 'pxlcolor', join(tmp.path, 'doc.pxl'))],
      ['PCL 5', await gsConvert(pdf, 'ljet4', join(tmp.path, 'doc.pcl'))],
    ];
    // PJL-wrapped PCL XL, as CUPS PPD filters produce it.
    const pxl = await readFile(join(tmp.path, 'doc.pxl'));
    const pjlPxl = Buffer.concat([Buffer.from('\x1b%-12345X@PJL JOB NAME="Benchmark"\r\n@PJL SET USERNAME="alice"\r\n@PJL SET RENDERMODE=COLOR\r\n@PJL ENTER LANGUAGE=PCLXL\r\n'), pxl, Buffer.from('\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X')]);
    await writeFile(join(tmp.path, 'doc.pjl'), pjlPxl);
    inputs.push(['PJL + PCL XL', join(tmp.path, 'doc.pjl')]);

    const out: BenchResult[] = [];
    for (const [name, file] of inputs) {
      const buf = await readFile(file);
      const repeat = Math.max(1, Math.ceil(targetBytes / buf.length));
      await timeInspect(buf, file, 1);
      timeSha(buf, 1);
      const tIns = await timeInspect(buf, file, repeat);
      const tSha = timeSha(buf, repeat);
      const ratio = tSha / tIns;
      out.push({
        name: `facts: ${name} (${(buf.length / MiB).toFixed(1)} MiB × ${repeat})`,
        value: ratio,
        unit: 'ratio to sha256 throughput',
        target: 'informational (≥ 1 means cheaper than hashing)',
        pass: true,
        detail: `inspect ${((buf.length * repeat) / MiB / (tIns / 1000)).toFixed(0)} MiB/s, sha256 ${((buf.length * repeat) / MiB / (tSha / 1000)).toFixed(0)} MiB/s`,
      });
    }
    return out;
  } finally {
    await tmp.cleanup();
  }
}
