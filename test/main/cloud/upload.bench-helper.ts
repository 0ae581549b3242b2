// Benchmark helper (for test/bench/run.ts): uploading a large job to the reference cloud
// server on loopback over HTTPS, through CloudClient with a real access token, against a
// baseline measured in the same run: the same file PUT over HTTPS to a bare Node server
// that writes it to disk and fsyncs. Also the client process's memory growth, which must
// not follow the job's size. Used by test/bench/run.ts ('cloud-upload').

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { CloudClient } from '../../../main/cloud/api-client.js';
import type { BenchResult } from '../../bench/report.js';
import { ALICE, RESOURCE, startRig } from './cloud-rig.js';

const MiB = 1024 * 1024;

async function writeJob(path: string, size: number): Promise<string> {
  const block = randomBytes(MiB);
  const h = createHash('sha256');
  const fh = await open(path, 'w');
  try {
    for (let done = 0; done < size; done += MiB) {
      const piece = block.subarray(0, Math.min(MiB, size - done));
      piece[0] = (done / MiB) & 0xff;
      h.update(piece);
      await fh.write(piece);
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

/**
 * Upload throughput and client memory for a job of `sizeBytes` (1 GiB in the recorded
 * figures). `alongside`, when given, runs after each upload (run.ts measures capture of the
 * same size there, so both ratios share the machine's noise).
 */
export async function cloudUploadBench(sizeBytes: number, alongside?: () => Promise<void>): Promise<BenchResult[]> {
  const rig = await startRig({ accessTokenTtl: 3600 });
  try {
    const dir = await rig.tempDir('bench-upload-');
    const file = join(dir, 'job.bin');
    const digest = await writeJob(file, sizeBytes);
    const token = (await rig.signIn(ALICE)).accessToken;

    // Baseline: HTTPS PUT piped straight to a file, fsync'ed.
    let n = 0;
    const bare = createServer({ key: rig.idp.pki.keyPem, cert: rig.idp.pki.certPem }, (req, res) => {
      const out = join(dir, `baseline-${n++}`);
      pipeline(req, createWriteStream(out)).then(async () => {
        const fh = await open(out, 'r+');
        await fh.sync();
        await fh.close();
        await rm(out);
        res.end('{}');
      }, () => res.destroy());
    });
    bare.listen(0, '127.0.0.1');
    await once(bare, 'listening');
    const agent = new Agent({ connect: { ca: rig.idp.pki.caPem } });
    const baseline = async (): Promise<number> => {
      const t0 = performance.now();
      const res = await request(`https://127.0.0.1:${(bare.address() as AddressInfo).port}/`, {
        method: 'PUT', dispatcher: agent, body: createReadStream(file, { highWaterMark: 256 * 1024 }),
        headers: { 'content-length': String(sizeBytes) },
      });
      await res.body.dump();
      return performance.now() - t0;
    };

    // The reference server in its own process, as the cloud is another machine: in this
    // process it would decrypt on the same event loop that encrypts the upload.
    const serverDir = await rig.tempDir('bench-server-');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../../main/cloud-server/cli.ts', import.meta.url)),
      '--data-dir', serverDir, '--issuer', rig.idp.issuer, '--audience', RESOURCE, '--port', '0', '--ca-file', rig.idp.pki.caFile,
      '--tls-cert', join(rig.idp.pki.dir, 'server.pem'), '--tls-key', join(rig.idp.pki.dir, 'server.key'),
      '--max-document-mib', String(Math.ceil(sizeBytes / MiB) + 1)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const origin = await new Promise<URL>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /listening on (https?:\/\/\S+?)\/v3\//.exec(out);
        if (m) resolve(new URL(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`cloud server exited (${code}): ${out}`)));
    });
    const client = new CloudClient({ server: { host: origin.hostname, port: Number(origin.port), path: '', useSsl: true }, apiVersion: '3.0', ca: rig.idp.pki.caPem });
    let key = 0;
    const upload = async (): Promise<number> => {
      const t0 = performance.now();
      await client.uploadDocument(token, `bench-${key++}`, {
        title: 'bench', pages: null, color: null, duplex: null, copies: 1, format: 'unknown', size: sizeBytes, sha256: digest,
        workstation: 'bench', printedAt: new Date().toISOString(),
      }, file);
      const ms = performance.now() - t0;
      // Deleted at once, as the baseline and capture delete theirs: every run starts with
      // the same free memory for the page cache.
      await client.deleteJob(token, `bench-${key - 1}`);
      return ms;
    };

    // Warm up both, then alternate so both share the machine's noise.
    await baseline();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 25);
    const base: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < 3; i++) {
      base.push(await baseline());
      ours.push(await upload());
      await alongside?.();
    }
    clearInterval(sampler);
    await client.close();
    await agent.close();
    bare.close();
    child.kill();

    const best = (xs: number[]): number => Math.min(...xs);
    const mibps = (ms: number): number => sizeBytes / MiB / (ms / 1000);
    const ratio = best(base) / best(ours);
    const grownMiB = (rssPeak - rssBefore) / MiB;
    return [
      {
        name: 'cloud-upload throughput',
        value: mibps(best(ours)),
        unit: 'MiB/s',
        target: '≥ 0.5 × bare HTTPS PUT to disk',
        pass: ratio >= 0.5,
        detail: `${(sizeBytes / MiB).toFixed(0)} MiB; baseline ${mibps(best(base)).toFixed(0)} MiB/s; ratio ${ratio.toFixed(2)}`,
      },
      {
        name: 'cloud-upload memory',
        value: Math.max(0, grownMiB),
        unit: 'MiB RSS growth',
        target: '< 128 MiB whatever the job size',
        pass: grownMiB < 128,
        detail: `the client's process (the server runs in its own), ${(sizeBytes / MiB).toFixed(0)} MiB job`,
      },
    ];
  } finally {
    await rig.stop();
  }
}
