// `npm run bench [-- NAME ...]`: runs the benchmarks and prints a Markdown table to paste
// into docs/benchmarks.md. PULLPRINT_BENCH_SCALE shrinks the sizes for a quick look
// (e.g. 0.125); the recorded figures use the default scale 1.

import { captureRss, captureThroughput, concurrentJobs, startCaptureRunner } from './capture.bench.js';
import { factsThroughput } from './facts.bench.js';
import { releaseThroughput } from './release.bench.js';
import { cloudUploadBench } from '../main/cloud/upload.bench-helper.js';
import { toMarkdown } from './report.js';
import type { BenchResult } from './report.js';

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
const scale = Number(process.env.PULLPRINT_BENCH_SCALE ?? '1');

const benches: Record<string, () => Promise<BenchResult[]>> = {
  'capture-throughput': () => captureThroughput(Math.round(1 * GiB * scale)),
  'capture-rss': () => captureRss(Math.round(4 * GiB * scale)),
  'concurrent-jobs': () => concurrentJobs(200, 1 * MiB),
  facts: () => factsThroughput(Math.round(256 * MiB * scale)),
  release: () => releaseThroughput(Math.round(1 * GiB * scale)),
  'cloud-upload': async () => {
    const size = Math.round(1 * GiB * scale);
    // Capture of the same size runs after each upload, in the same engine, and the best of
    // each is compared: both see the same state of the machine (page cache, disk).
    const capturer = await startCaptureRunner();
    const captures: number[] = [];
    let rows: BenchResult[];
    try {
      rows = await cloudUploadBench(size, async () => {
        captures.push(await capturer.run(size));
      });
    } finally {
      await capturer.dispose();
    }
    const capture = Math.max(...captures);
    const upload = rows.find((r) => r.name === 'cloud-upload throughput');
    if (upload) {
      const ratio = upload.value / capture;
      rows.push({
        name: `cloud upload vs capture of the same ${Math.round(size / MiB)} MiB job`,
        value: ratio,
        unit: 'ratio',
        target: '≥ 0.8',
        pass: ratio >= 0.8,
        detail: `upload ${upload.value.toFixed(0)} MiB/s, capture ${capture.toFixed(0)} MiB/s`,
      });
    }
    return rows;
  },
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(benches);
const results: BenchResult[] = [];
for (const name of names) {
  const b = benches[name];
  if (!b) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.error(`running ${name}…`);
  try {
    const rows = await b();
    for (const r of rows) console.error(`  ${r.name}: ${r.value.toFixed(2)} ${r.unit} (target ${r.target})${r.detail ? `; ${r.detail}` : ''}`);
    results.push(...rows);
  } catch (err) {
    console.error(`  ${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    results.push({ name, value: NaN, unit: '', target: 'runs', pass: false, detail: `failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}
console.log(`\nnode ${process.version}, scale ${scale}, ${new Date().toISOString()}\n`);
console.log(toMarkdown(results));
process.exit(results.every((r) => r.pass) ? 0 : 1);
