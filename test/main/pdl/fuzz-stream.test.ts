// Fuzzing the whole-job inspector: random bytes, soups of PJL/PDL tokens, and mutated
// valid jobs (bit flips, truncations, inserted UELs, huge BeginData and payload counts),
// each fed in random chunk sizes. Properties: push never throws, finish never rejects,
// the buffers stay under their caps, the facts are well-formed, and they are identical
// to those of the same bytes pushed whole (a socket may cut a job anywhere).
// PULLPRINT_FUZZ_ITERATIONS raises the count; PULLPRINT_FUZZ_SEED replays a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PJL_LINE, MAX_SECTIONS } from '../../../main/pdl/inspector.js';
import { MAX_DSC_LINE } from '../../../main/pdl/postscript.js';
import { SNIFF_MAX } from '../../../main/pdl/sniff.js';
import { MAX_TEXT_CHARS } from '../../../main/pdl/job-text.js';
import type { PdlFacts } from '../../../main/pdl/types.js';
import { gsConvert, makePdf, tempDir } from '../../helpers/documents.js';
import { inspectJob, prng, UEL } from './feed.js';

const ITERATIONS = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 1_000_000_000);
/** Every buffer the framing and our section inspectors may hold at once, plus slack for the UEL prefix. */
const BUFFER_CAP = MAX_PJL_LINE + MAX_DSC_LINE + 2 * SNIFF_MAX + 64;
const KINDS = new Set(['postscript', 'pdf', 'pclxl', 'pcl5', 'unknown']);

const E = '\x1b';
const TOKENS: readonly string[] = [
  UEL, UEL, '@PJL ', '@PJL ENTER LANGUAGE=', 'PCL\n', 'POSTSCRIPT\r\n', 'PCLXL\n', 'PDF\n', '@PJL JOB NAME="j"\n',
  '@PJL EOJ\n', '@PJL SET QTY=3\n', '@PJL SET DUPLEX=ON\n', '@PJL COMMENT "Username: u"\n', '"', '=', '\r\n', '\n', '\r',
  '%!PS-Adobe-3.0\n', '%%Title: (t\\(x\\)', ')\n', '%%Pages: (atend)\n', '%%Page: 1 1\n', '%%Trailer\n', '%%Pages: 2\n',
  '%%BeginDocument: x\n', '%%EndDocument\n', '%%BeginData: 5 Binary Bytes\n', '%%BeginData: 99999999999 Hex Lines\n',
  '%%BeginBinary: 3\n', '%%BeginFeature: *Duplex DuplexTumble\n', '\x04', '\x01M', '\x01', '\x01\x5b', '\xc5\xd0\xd3\xc6',
  '%PDF-1.4\n', '%%EOF\n', ') HP-PCL XL;2;0;\x00\n', '\xc0\x01\xf8\x31\x43', '\x44', '\xfb\x10', '\xfa\xff\xff\xff\x7f',
  `${E}E`, `${E}&l2X`, `${E}&l1S`, `${E}*b`, '99999999999999', '12', 'W', 'w', `${E}*r3U`, `${E}&l0H`, `${E}%-1B`,
  `${E}%-12345`, '\f', 'text', `${E}(s`, `${E}*v6W`, '\x00', '\xff',
];

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

function randomBytes(r: Rand): Buffer {
  const b = Buffer.alloc(int(r, 3000));
  for (let i = 0; i < b.length; i++) b[i] = int(r, 256);
  return b;
}

function tokenSoup(r: Rand): Buffer {
  const parts: Buffer[] = [];
  const n = int(r, 60);
  for (let i = 0; i < n; i++) {
    if (r() < 0.1) parts.push(randomBytes(r).subarray(0, int(r, 40)));
    else parts.push(Buffer.from(TOKENS[int(r, TOKENS.length)], 'latin1'));
  }
  return Buffer.concat(parts);
}

function mutate(r: Rand, base: Buffer, others: readonly Buffer[]): Buffer {
  let b = Buffer.from(base);
  const rounds = 1 + int(r, 4);
  for (let k = 0; k < rounds; k++) {
    const at = int(r, b.length + 1);
    switch (int(r, 7)) {
      case 0: // bit flips
        for (let f = 0; f < 1 + int(r, 8) && b.length > 0; f++) b[int(r, b.length)] ^= 1 << int(r, 8);
        break;
      case 1: // truncation
        b = b.subarray(0, at);
        break;
      case 2: // an inserted UEL, maybe with PJL after it
        b = Buffer.concat([b.subarray(0, at), Buffer.from(UEL + (r() < 0.5 ? '@PJL ENTER LANGUAGE=PCL\n' : ''), 'latin1'), b.subarray(at)]);
        break;
      case 3: // huge counts
        b = Buffer.concat([b.subarray(0, at), Buffer.from(r() < 0.5 ? '\n%%BeginData: 987654321987 Binary Bytes\n' : `${E}*b4294967295W`, 'latin1'), b.subarray(at)]);
        break;
      case 4: {
        // a slice of another job spliced in
        const o = others[int(r, others.length)];
        const s = int(r, o.length + 1);
        b = Buffer.concat([b.subarray(0, at), o.subarray(s, s + int(r, 2000)), b.subarray(at)]);
        break;
      }
      case 5: // a slice deleted
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + int(r, 500))]);
        break;
      default: {
        // a slice repeated
        const slice = b.subarray(at, at + int(r, 300));
        const times = 1 + int(r, 5);
        b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: times }, () => slice), b.subarray(at)]);
        break;
      }
    }
  }
  return b;
}

// Every assertion carries its own message: without one, node:assert re-reads and parses
// the test's source to describe the failure, which is very slow under tsx.
function checkFacts(f: PdlFacts): void {
  assert.ok(KINDS.has(f.pdl), `pdl ${f.pdl}`);
  assert.ok(f.pages === null || (Number.isInteger(f.pages) && f.pages >= 0), `pages ${f.pages}`);
  assert.ok(f.copies === null || (Number.isInteger(f.copies) && f.copies >= 1), `copies ${f.copies}`);
  assert.ok(f.sections.length <= MAX_SECTIONS, `${f.sections.length} sections`);
  for (const k of f.sections) assert.ok(KINDS.has(k), `section ${k}`);
  for (const s of [f.title, f.user, f.pjl?.jobName, f.pjl?.user, f.pjl?.host]) {
    const ok = s === null || s === undefined || (typeof s === 'string' && s.length > 0 && s.length <= MAX_TEXT_CHARS);
    assert.ok(ok, `string of ${String(s?.length)} chars: ${JSON.stringify(s?.slice(0, 80))}`);
  }
  assert.ok(f.problems.length < 20, `problems ${f.problems.join(',')}`);
  assert.ok((f.pjl?.languages.length ?? 0) <= 32, 'languages');
}

describe('fuzzing the job inspector', () => {
  let dir: string;
  let stored: string;
  let gsDir: { path: string; cleanup(): Promise<void> };
  const fixtures: Buffer[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pullprint-pdl-fuzz-'));
    stored = join(dir, 'job.bin');
    gsDir = await tempDir('pdl-fuzz-gs');
    const pdf = await makePdf(gsDir.path, 'f.pdf', { pages: 2, title: 'Fuzz' });
    const pcl = await gsConvert(pdf, 'ljet4', join(gsDir.path, 'f.pcl'), ['-r75']);
    const pxl = await gsConvert(pdf, 'pxlmono', join(gsDir.path, 'f.pxl'), ['-r75']);
    const ps = await gsConvert(pdf, 'ps2write', join(gsDir.path, 'f.ps'));
    const pjl = `${UEL}@PJL JOB NAME="fuzz"\r\n@PJL SET USERNAME="u"\r\n@PJL SET QTY=2\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n`;
    fixtures.push(
      Buffer.from(`${pjl}\x04%!PS-Adobe-3.0\n%%Title: (A \\(b\\))\n%%Pages: (atend)\n%%EndComments\n%%BeginData: 4 Binary Bytes\n\f\f\f\f\n%%EndData\n%%Page: 1 1\n%%BeginDocument: e\n%%Page: 1 1\n%%EndDocument\n%%Page: 2 2\n%%Trailer\n%%Pages: 2\n%%EOF\n\x04${UEL}@PJL EOJ\r\n${UEL}`, 'latin1'),
      Buffer.from(`${UEL}@PJL ENTER LANGUAGE=PCL\n${E}E${E}&l2X${E}&l1S${E}*r3U${E}*b4W\f\f\f\ftext\f${E}&l0H${E}E${UEL}`, 'latin1'),
      Buffer.from(`\x01M%!PS\n%%Page: 1 1\n\x01\x44\x01\x5b%%Page: 2 2\n`, 'latin1'),
      await readFile(pdf),
      Buffer.concat([Buffer.from(`${UEL}@PJL ENTER LANGUAGE=PDF\n`), await readFile(pdf), Buffer.from(UEL)]),
      (await readFile(pcl)).subarray(0, 20_000),
      await readFile(pxl),
      (await readFile(ps)).subarray(0, 20_000),
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await gsDir.cleanup();
  });

  async function property(input: Buffer, r: Rand, label: string): Promise<void> {
    await writeFile(stored, input);
    const whole = await inspectJob(input, 'whole', stored);
    const split = await inspectJob(input, { random: int(r, 1 << 30), max: r() < 0.3 ? 3 : 1 + int(r, 700) }, stored);
    checkFacts(whole.facts);
    assert.deepEqual(split.facts, whole.facts, `${label}: split facts differ`);
    assert.ok(Math.max(whole.maxBuffered, split.maxBuffered) <= BUFFER_CAP, `${label}: buffered ${split.maxBuffered}`);
  }

  const families: Array<[string, (r: Rand) => Buffer]> = [
    ['random bytes', randomBytes],
    ['token soup', tokenSoup],
    ['mutated jobs', (r) => mutate(r, fixtures[int(r, fixtures.length)], fixtures)],
  ];
  for (const [name, gen] of families) {
    test(`${name}: never throws, bounded, chunk-invariant`, async () => {
      const n = Math.ceil(ITERATIONS / families.length);
      for (let i = 0; i < n; i++) {
        const seed = SEED + i;
        const r = prng(seed);
        const input = gen(r);
        try {
          await property(input, r, name);
        } catch (err) {
          const dump = input.length <= 16_384 ? `base64 ${input.toString('base64')}` : `head ${input.subarray(0, 200).toString('hex')}`;
          throw new Error(
            `${name} failed (run seed ${SEED}); replay the case with PULLPRINT_FUZZ_SEED=${seed} PULLPRINT_FUZZ_ITERATIONS=${families.length}` +
              ` (${input.length} bytes, ${dump}): ${String(err)}`,
            { cause: err },
          );
        }
      }
    });
  }
});
