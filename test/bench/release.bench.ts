// Release benchmarks (release service issue §7): streaming a held job to a loopback
// receiver as a ratio to reading the file, and the late-binding overhead.

import { releaseBench } from '../main/release/release.bench-helper.js';
import type { BenchResult } from './report.js';

export async function releaseThroughput(sizeBytes: number): Promise<BenchResult[]> {
  const r = await releaseBench(sizeBytes);
  const ratio = r.releaseMiBps / r.readMiBps;
  const overheadPct = (r.lateBindingOverhead - 1) * 100;
  const size = `${Math.round(sizeBytes / 1024 / 1024)} MiB PostScript`;
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
      name: `release streaming vs the file piped straight into a socket (256 KiB reads), ${size}`,
      value: r.releaseMiBps / r.pipeMiBps,
      unit: 'ratio',
      target: 'informational',
      pass: true,
      detail: `plain file→socket ${r.pipeMiBps.toFixed(0)} MiB/s`,
    },
    {
      // Reading and sending each copy the bytes; on a machine with few cores they share the
      // CPU with the receiver. The socket alone from memory, and the two costs added up
      // (1 / (1/read + 1/socket)), place the release between them.
      name: `release streaming vs reading and sending one after the other, ${size}`,
      value: r.releaseMiBps / (1 / (1 / r.readMiBps + 1 / r.loopbackMiBps)),
      unit: 'ratio',
      target: 'informational',
      pass: true,
      detail: `the socket alone (one 1 MiB buffer from memory, over and over) ${r.loopbackMiBps.toFixed(0)} MiB/s; read then send ${(1 / (1 / r.readMiBps + 1 / r.loopbackMiBps)).toFixed(0)} MiB/s`,
    },
    {
      name: `late-binding overhead (copies + duplex), ${size}, job index built in the background`,
      value: overheadPct,
      unit: '% over a release without changes',
      target: '≤ 5',
      pass: overheadPct <= 5,
    },
    {
      name: `late-binding overhead, ${size}, without the index (the UELs searched during the release)`,
      value: (r.lateBindingOverheadNoIndex - 1) * 100,
      unit: '% over a release without changes',
      target: 'informational',
      pass: true,
    },
    ...r.pclxl.flatMap((x) => {
      const withPct = (x.withIndex - 1) * 100;
      const withoutPct = (x.withoutIndex - 1) * 100;
      const what = `${Math.round(x.sizeBytes / 1024 / 1024)} MiB PCL XL, ${x.kind}`;
      return [
        {
          name: `late-binding overhead (copies + duplex), ${what}, job index built in the background`,
          value: withPct,
          unit: '% over a release without changes',
          target: '≤ 5',
          pass: withPct <= 5,
          detail: `${x.pages} pages (${Math.round(x.sizeBytes / x.pages / 1024)} KiB a page); index built in ${(x.indexMs / 1000).toFixed(1)} s after the job was stored`,
        },
        {
          name: `late-binding overhead, ${what}, without the index (released before it was built, or after a restart)`,
          value: withoutPct,
          unit: '% over a release without changes',
          target: 'informational',
          pass: true,
          detail: 'every page tokenized during the release',
        },
      ];
    }),
  ];
}
