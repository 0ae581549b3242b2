// Release benchmarks (release service issue §7): streaming a held job to a loopback
// receiver as a ratio to reading the file, and the late-binding overhead.

import { releaseBench } from '../main/release/release.bench-helper.js';
import type { BenchResult } from './report.js';

export async function releaseThroughput(sizeBytes: number): Promise<BenchResult[]> {
  const r = await releaseBench(sizeBytes);
  const ratio = r.releaseMiBps / r.readMiBps;
  const overheadPct = (r.lateBindingOverhead - 1) * 100;
  const size = `${Math.round(sizeBytes / 1024 / 1024)} MiB PostScript`;
  const xlSize = `${Math.round(r.pclxl.sizeBytes / 1024 / 1024)} MiB`;
  const xlIndexedPct = (r.pclxl.withIndex - 1) * 100;
  const xlFullPct = (r.pclxl.withoutIndex - 1) * 100;
  return [
    {
      name: `release streaming, ${size} job to a loopback port-9100 receiver`,
      value: ratio,
      unit: 'ratio to reading the file',
      target: '≥ 0.9',
      pass: ratio >= 0.9,
      detail: `release ${r.releaseMiBps.toFixed(0)} MiB/s, file read ${r.readMiBps.toFixed(0)} MiB/s`,
    },
    ...(r.cold
      ? [{
          name: `release streaming from disk (page cache dropped), ${size} job`,
          value: r.cold.releaseMiBps / r.cold.readMiBps,
          unit: 'ratio to reading the file from disk',
          target: '≥ 0.9',
          pass: r.cold.releaseMiBps / r.cold.readMiBps >= 0.9,
          detail: `release ${r.cold.releaseMiBps.toFixed(0)} MiB/s, file read ${r.cold.readMiBps.toFixed(0)} MiB/s`,
        }]
      : []),
    {
      name: `release streaming vs the file piped straight into a socket (the floor of any release), ${size}`,
      value: r.releaseMiBps / r.pipeMiBps,
      unit: 'ratio',
      target: 'informational',
      pass: true,
      detail: `plain file→socket ${r.pipeMiBps.toFixed(0)} MiB/s`,
    },
    {
      name: `late-binding overhead (copies + duplex), ${size}`,
      value: overheadPct,
      unit: '% over a release without changes',
      target: '≤ 5',
      pass: overheadPct <= 5,
    },
    {
      name: `late-binding overhead (copies + duplex), ${xlSize} PCL XL, page index built in the background`,
      value: xlIndexedPct,
      unit: '% over a release without changes',
      target: '≤ 5',
      pass: xlIndexedPct <= 5,
      detail: `${r.pclxl.pages} pages; index built in ${(r.pclxl.indexMs / 1000).toFixed(1)} s after the job was stored`,
    },
    {
      name: `late-binding overhead, same PCL XL job without the index (released before it was built, or after a restart)`,
      value: xlFullPct,
      unit: '% over a release without changes',
      target: 'informational',
      pass: true,
      detail: 'every page tokenized during the release',
    },
  ];
}
