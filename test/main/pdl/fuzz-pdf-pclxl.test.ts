// Fuzzing the PDF and PCL XL fact readers with random and mutated inputs from a seeded
// PRNG. Seeds are real documents (gs pdfwrite, qpdf, gs pxlcolor). Properties: nothing
// throws or rejects, results have the documented shape, the PCL XL result does not depend
// on chunking, buffers stay under their caps, reads stay bounded, and time stays short.
// PULLPRINT_FUZZ_ITERATIONS raises the count; PULLPRINT_FUZZ_SEED replays a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPclXlInspector } from '../../../main/pdl/pclxl.js';
import { PCLXL_ARRAY_CAP, PCLXL_ATTR_CAP, PclXlTokenizer } from '../../../main/pdl/pclxl-tokenizer.js';
import { readPdfDetails } from '../../../main/pdl/pdf.js';
import type { SectionFacts } from '../../../main/pdl/types.js';
import { gsConvert, makePdf, makePostScript, tempDir } from '../../helpers/documents.js';
import { runOk } from '../../helpers/process.js';
import { prng } from '../../helpers/prng.js';

const ITERATIONS = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? '') || 0;
const SEED = Number(process.env.PULLPRINT_FUZZ_SEED ?? '') || (Date.now() ^ (process.pid << 8)) >>> 0;


type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

function randomBytes(r: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b;
}

const HUGE = ['4294967295', '99999999999999999999', '-1', '0', '9007199254740993', '1e308', '2147483648'];

/** One mutation of a seed: bit flips, truncation, overwrites, splices, huge numbers. */
function mutate(r: Rand, seed: Buffer, extra: (r: Rand, b: Buffer) => Buffer): Buffer {
  let b: Buffer = Buffer.from(seed);
  const rounds = 1 + int(r, 4);
  for (let k = 0; k < rounds; k++) {
    switch (int(r, 7)) {
      case 0: // bit flips
        for (let i = 0, n = 1 + int(r, 16); i < n && b.length > 0; i++) b[int(r, b.length)] ^= 1 << int(r, 8);
        break;
      case 1: // truncation
        b = b.subarray(0, int(r, b.length + 1));
        break;
      case 2: {
        // overwrite a run with random bytes
        const at = int(r, b.length + 1);
        randomBytes(r, Math.min(int(r, 64) + 1, b.length - at)).copy(b, at);
        break;
      }
      case 3: {
        // duplicate a region elsewhere
        const from = int(r, b.length + 1);
        const len = int(r, 512);
        const at = int(r, b.length + 1);
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
        break;
      }
      case 4: {
        // delete a region
        const at = int(r, b.length + 1);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + int(r, 256))]);
        break;
      }
      case 5: {
        // insert random bytes
        const at = int(r, b.length + 1);
        b = Buffer.concat([b.subarray(0, at), randomBytes(r, int(r, 32)), b.subarray(at)]);
        break;
      }
      default:
        b = extra(r, b);
    }
  }
  return b;
}

function checkShape(f: SectionFacts, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(f)) assert.ok(allowed.includes(k), `${where}: unexpected key ${k}`);
  if (f.pages !== undefined && f.pages !== null) assert.ok(Number.isSafeInteger(f.pages) && f.pages >= 0, `${where}: pages ${f.pages}`);
  if (f.copies !== undefined && f.copies !== null) assert.ok(Number.isSafeInteger(f.copies) && f.copies >= 1, `${where}: copies ${f.copies}`);
  if (f.title !== undefined && f.title !== null) assert.ok(typeof f.title === 'string' && f.title.length <= 1024, `${where}: title`);
}

let dir: { path: string; cleanup(): Promise<void> };

describe(`fuzz PDF and PCL XL readers (seed ${SEED}; replay with PULLPRINT_FUZZ_SEED=${SEED})`, () => {
  const pdfSeeds: Buffer[] = [];
  const xlSeeds: Buffer[] = [];

  before(async () => {
    dir = await tempDir('fuzz-pdl');
    const pdf = await makePdf(dir.path, 'seed.pdf', { pages: 3, title: 'Fuzz seed', colorPages: [2] });
    const objstm = join(dir.path, 'seed-objstm.pdf');
    const linear = join(dir.path, 'seed-linear.pdf');
    await runOk('qpdf', ['--object-streams=generate', pdf, objstm]);
    await runOk('qpdf', ['--linearize', pdf, linear]);
    for (const p of [pdf, objstm, linear]) pdfSeeds.push(await readFile(p));
    const ps = await makePostScript(dir.path, 'seed.ps', { pages: 2, colorPages: [1] });
    for (const [device, extra] of [['pxlcolor', []], ['pxlmono', ['-dDuplex']]] as const) {
      const out = await readFile(await gsConvert(ps, device, join(dir.path, `seed-${device}.pxl`), [...extra]));
      const m = /@PJL ENTER LANGUAGE\s*=\s*PCLXL\r?\n/.exec(out.toString('latin1'));
      assert.ok(m);
      xlSeeds.push(out.subarray(m.index + m[0].length));
    }
  });
  after(async () => dir.cleanup());

  test('PCL XL: random and mutated streams, chunked two ways', () => {
    const r = prng(SEED);
    const n = ITERATIONS || 2000;
    const started = Date.now();
    const xlExtra = (rr: Rand, b: Buffer): Buffer => {
      // Splice a hostile token: huge embedded length, huge array, odd attribute, bare ESC.
      const tokens = [
        [0xfa, 0xff, 0xff, 0xff, 0x7f],
        [0xfb, 0xff],
        [0xc8, 0xc1, 0xff, 0xff],
        [0xcd, 0xc2, 0xff, 0xff, 0xff, 0xff],
        [0xf9, 0xff, 0xff],
        [0xc0, 0x02, 0xf8, 0x03, 0x6a],
        [0xc8, 0xc0, 0x03, 0xff, 0x00, 0x00, 0xf8, 0x0b, 0x63],
        [0x43],
        [0x1b],
      ];
      const t = Buffer.from(tokens[int(rr, tokens.length)]);
      const at = int(rr, b.length + 1);
      return Buffer.concat([b.subarray(0, at), t, b.subarray(at)]);
    };
    for (let i = 0; i < n; i++) {
      const where = `PCL XL iteration ${i}, seed ${SEED}`;
      let input: Buffer;
      const kind = int(r, 10);
      if (kind === 0) input = randomBytes(r, int(r, 4096));
      else if (kind === 1) input = Buffer.concat([Buffer.from(') HP-PCL XL;2;0\n'), randomBytes(r, int(r, 4096))]);
      else input = mutate(r, xlSeeds[int(r, xlSeeds.length)], xlExtra);

      // The tokenizer's own caps, checked on every operator it reports.
      const tok = new PclXlTokenizer((_op, attrs) => {
        assert.ok(attrs.length <= PCLXL_ATTR_CAP, `${where}: ${attrs.length} attributes`);
        for (const a of attrs) assert.ok(!a.value?.nums || a.value.nums.length <= PCLXL_ARRAY_CAP, `${where}: array kept`);
      });
      tok.write(input);
      tok.end();

      const whole = createPclXlInspector();
      whole.write(input);
      whole.end();
      const chunked = createPclXlInspector();
      for (let at = 0; at < input.length; ) {
        const len = 1 + int(r, 97);
        chunked.write(input.subarray(at, at + len));
        at += len;
      }
      chunked.end();
      const a = whole.result();
      checkShape(a, ['pages', 'color', 'duplex', 'copies'], where);
      assert.deepEqual(chunked.result(), a, `${where}: chunking changed the result`);
      assert.equal(chunked.problem(), whole.problem(), `${where}: chunking changed the problem`);
    }
    assert.ok(Date.now() - started < 30_000 * Math.max(1, n / 2000), 'PCL XL fuzz too slow');
  });

  test('PDF: random and mutated files never reject, read little, answer quickly', async () => {
    const r = prng(SEED ^ 0x5eed);
    const n = ITERATIONS || 1500;
    const path = join(dir.path, 'fuzz.pdf');
    const pdfExtra = (rr: Rand, b: Buffer): Buffer => {
      // Replace a number with a hostile one (lengths, offsets, /Count, /N, /W, /Index, /Prev).
      const text = b.toString('latin1');
      const nums = [...text.matchAll(/\d+/g)];
      if (nums.length === 0) return b;
      const m = nums[int(rr, nums.length)];
      const v = HUGE[int(rr, HUGE.length)];
      return Buffer.concat([b.subarray(0, m.index), Buffer.from(v, 'latin1'), b.subarray((m.index ?? 0) + m[0].length)]);
    };
    const heapBefore = process.memoryUsage().heapUsed;
    let slowest = 0;
    for (let i = 0; i < n; i++) {
      const where = `PDF iteration ${i}, seed ${SEED}`;
      const kind = int(r, 12);
      let input: Buffer;
      if (kind === 0) input = randomBytes(r, int(r, 8192));
      else if (kind === 1) input = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(r, int(r, 8192))]);
      else input = mutate(r, pdfSeeds[int(r, pdfSeeds.length)], pdfExtra);
      await writeFile(path, input);
      const t0 = Date.now();
      const d = await readPdfDetails(path, 0, input.length);
      slowest = Math.max(slowest, Date.now() - t0);
      checkShape(d.facts, ['pages', 'title'], where);
      // Random access: a small file is read a bounded number of times over.
      assert.ok(d.bytesRead <= 64 * 1024 * 1024, `${where}: read ${d.bytesRead} bytes`);
    }
    assert.ok(slowest < 5_000, `slowest PDF took ${slowest} ms`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 256 * 1024 * 1024, 'heap grew without bound');
  });
});
