// The late-binding job index: a release that uses it must send exactly the bytes, and report
// exactly the problems, of a release that tokenizes the whole stream, for gs output,
// multi-section jobs and mutated streams, however either side is chunked; an index that
// does not match the bytes stops editing with a problem instead of corrupting the job.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLateBindingRewriter, MAX_REWRITER_HELD, type EditProblem, type LateBindingChanges } from '../../../../main/pdl/late-binding/index.js';
import { buildJobIndex, buildJobIndexSync } from '../../../../main/pdl/late-binding/job-index-build.js';
import { JobIndexTooLarge, type JobIndex } from '../../../../main/pdl/late-binding/job-index.js';
import { gsConvert, makePostScript, tempDir } from '../../../helpers/documents.js';
import { chunks, prng, type Plan } from '../feed.js';

const UEL = '\x1b%-12345X';
const CHANGES: readonly LateBindingChanges[] = [
  { copies: 2 },
  { sides: 'duplex-long' },
  { sides: 'duplex-short', copies: 3 },
  { sides: 'simplex' },
  { copies: 1, color: 'mono' },
];

interface Run {
  out: Buffer;
  problems: readonly EditProblem[];
  maxHeld: number;
}

function release(input: Buffer, changes: LateBindingChanges, index: JobIndex | null, plan: Plan | Buffer[]): Run {
  const r = createLateBindingRewriter({ changes, pdl: 'pclxl', finishingDialect: 'hp', jobIndex: index ? { use: index } : null });
  const parts: Buffer[] = [];
  let maxHeld = 0;
  for (const c of Array.isArray(plan) ? plan : chunks(input, plan)) {
    parts.push(...r.write(c));
    maxHeld = Math.max(maxHeld, r.bufferedBytes());
  }
  parts.push(...r.end());
  return { out: Buffer.concat(parts), problems: [...r.problems()].sort(), maxHeld };
}

async function sameWithIndex(input: Buffer, seed: number, what: string): Promise<void> {
  const index = await buildJobIndex(chunks(input, { random: seed, max: 5000 }), { pdl: 'pclxl' });
  for (const changes of CHANGES) {
    const full = release(input, changes, null, 'whole');
    for (const plan of ['whole', { random: seed + 1, max: 700 }, { random: seed + 2, max: 64 * 1024 }] as Plan[]) {
      const fast = release(input, changes, index, plan);
      assert.ok(fast.out.equals(full.out), `${what} ${JSON.stringify(changes)} ${JSON.stringify(plan)}: same bytes as a full scan`);
      assert.deepEqual(fast.problems, full.problems, `${what} ${JSON.stringify(changes)}: same problems`);
      assert.ok(fast.maxHeld <= MAX_REWRITER_HELD, `${what}: held ${fast.maxHeld}`);
    }
  }
}

describe('late-binding job index', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  const gs: Record<string, Buffer> = {};
  before(async () => {
    dir = await tempDir('pclxl-index');
    const ps = await makePostScript(dir.path, 'doc.ps', { pages: 5, title: 'Index', colorPages: [2, 5] });
    for (const [name, device, args] of [
      ['mono', 'pxlmono', []],
      ['duplex', 'pxlmono', ['-dDuplex']],
      ['copies', 'pxlmono', ['-dNumCopies=3']],
      ['color', 'pxlcolor', []],
    ] as [string, string, string[]][]) {
      gs[name] = await readFile(await gsConvert(ps, device, join(dir.path, `${name}.pxl`), args));
    }
  });
  after(async () => {
    await dir.cleanup();
  });

  test('gs output: every page recorded; releases with the index equal full scans', async () => {
    for (const [name, job] of Object.entries(gs)) {
      const index = await buildJobIndex([job], { pdl: 'pclxl' });
      assert.equal(index.pages, 5, `${name}: five BeginPage operators`);
      assert.ok(index.bytes > 0 && index.bytes < 4096, `${name}: ${index.bytes} bytes of index`);
      await sameWithIndex(job, 11, name);
    }
  });

  test('a byte limit stops the building as soon as the index would exceed it', () => {
    const whole = buildJobIndexSync([gs.mono], { pdl: 'pclxl' });
    assert.equal(buildJobIndexSync([gs.mono], { pdl: 'pclxl', limitBytes: 10_000 }).pages, whole.pages);
    // Ten page operators (five pages) at 17 bytes each do not fit in 100 bytes.
    assert.throws(() => buildJobIndexSync([gs.mono], { pdl: 'pclxl', limitBytes: 100 }), JobIndexTooLarge);
  });

  test('several sections (PCL XL, PostScript, PCL XL again) are numbered alike on both sides', async () => {
    const ps = Buffer.from('%!PS-Adobe-3.0\n%%Pages: 1\n%%EndComments\n%%BeginSetup\n%%EndSetup\n%%Page: 1 1\nshowpage\n%%EOF\n', 'latin1');
    const enter = (lang: string): Buffer => Buffer.from(`${UEL}@PJL ENTER LANGUAGE=${lang}\r\n`, 'latin1');
    const xl = (job: Buffer): Buffer => job.subarray(job.indexOf(' HP-PCL XL') - 1, job.lastIndexOf(Buffer.from(UEL, 'latin1')));
    const job = Buffer.concat([
      Buffer.from(`${UEL}@PJL JOB NAME="multi"\r\n`, 'latin1'), enter('PCLXL'), xl(gs.mono), enter('POSTSCRIPT'), ps, enter('PCLXL'), xl(gs.color),
      Buffer.from(`${UEL}@PJL EOJ\r\n${UEL}`, 'latin1'),
    ]);
    const index = await buildJobIndex([job], { pdl: 'pclxl' });
    assert.equal(index.pages, 10);
    assert.equal(index.uels.length, 4, 'the UELs after the first PJL block (ENTER POSTSCRIPT, ENTER PCLXL, EOJ, the last)');
    await sameWithIndex(job, 23, 'multi-section');
    // Chunks cut inside every UEL: the framer holds the cut one rather than miss it.
    const cuts: Buffer[] = [];
    let from = 0;
    for (let u = job.indexOf(UEL, 1); u >= 0; u = job.indexOf(UEL, u + 1)) {
      cuts.push(job.subarray(from, u + 4));
      from = u + 4;
    }
    cuts.push(job.subarray(from));
    for (const changes of CHANGES) {
      const full = release(job, changes, null, 'whole');
      const fast = release(job, changes, index, cuts);
      assert.ok(fast.out.equals(full.out), `UELs cut across chunks, ${JSON.stringify(changes)}`);
    }
  });

  test('mutated streams (flipped, inserted, dropped bytes, truncation): still the same as a full scan', async () => {
    const r = prng(0x5eed);
    const seeds = Object.values(gs);
    for (let it = 0; it < 60; it++) {
      const src = seeds[it % seeds.length];
      const b = Buffer.from(src);
      const kind = it % 4;
      const at = Math.floor(r() * b.length);
      let job: Buffer;
      if (kind === 0) {
        for (let k = 0; k < 4; k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
        job = b;
      } else if (kind === 1) job = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), b.subarray(at)]);
      else if (kind === 2) job = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(r() * 40))]);
      else job = b.subarray(0, at);
      await sameWithIndex(job, it, `mutation ${it} (kind ${kind})`);
    }
  });

  test('an index of other bytes: editing stops with PCLXL_NOT_EDITED, the rest passes through unchanged', async () => {
    const index = await buildJobIndex([gs.mono], { pdl: 'pclxl' });
    // The same document with one byte more early in the stream: every offset is off by one.
    const at = gs.mono.indexOf(' HP-PCL XL') + 40;
    const other = Buffer.concat([gs.mono.subarray(0, at), Buffer.from(' '), gs.mono.subarray(at)]);
    const r = release(other, { copies: 2, sides: 'duplex-long' }, index, { random: 5, max: 900 });
    assert.ok(r.problems.includes('PCLXL_NOT_EDITED'));
    // Nothing was edited, so past the rewritten PJL header the stream is the original one.
    const start = other.indexOf(' HP-PCL XL') - 1;
    const tail = other.subarray(start, other.lastIndexOf(Buffer.from(UEL, 'latin1')));
    assert.ok(r.out.includes(tail), 'the PCL XL stream is passed through untouched');
  });
});
