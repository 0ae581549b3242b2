// The Transform end to end: output independent of how the input is cut, jobs with several
// PDL sections, and flat memory on a large job.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createLateBindingRewriter,
  createLateBindingTransform,
  MAX_REWRITER_HELD,
  type LateBindingChanges,
  type RewriteOptions,
} from '../../../../main/pdl/late-binding/index.js';
import { createPclXlInspector } from '../../../../main/pdl/pclxl.js';
import { gsConvert, makePdf, makePostScript, tempDir } from '../../../helpers/documents.js';
import { chunks, prng, type Plan } from '../feed.js';

const UEL = Buffer.from('\x1b%-12345X', 'latin1');

async function viaTransform(input: Buffer, opts: RewriteOptions, plan: Plan): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from(chunks(input, plan)),
    createLateBindingTransform(opts),
    new Writable({
      write(chunk: Buffer, _enc, cb): void {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

describe('late-binding Transform', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  const jobs: Record<string, Buffer> = {};
  before(async () => {
    dir = await tempDir('late-binding-stream');
    const ps = await makePostScript(dir.path, 'doc.ps', { pages: 3, title: 'Stream', colorPages: [2] });
    const pxl = await readFile(await gsConvert(ps, 'pxlcolor', join(dir.path, 'doc.pxl'), ['-dNumCopies=2']));
    const pcl = await readFile(await gsConvert(ps, 'ljet4d', join(dir.path, 'doc.pcl'), ['-dNumCopies=2']));
    const pdf = await readFile(await makePdf(dir.path, 'doc.pdf', { pages: 2 }));
    const psText = await readFile(ps);
    jobs.pxl = pxl;
    jobs.pdf = Buffer.concat([UEL, Buffer.from('@PJL JOB\r\n@PJL ENTER LANGUAGE=PDF\r\n'), pdf, UEL, Buffer.from('@PJL EOJ\r\n'), UEL]);
    // Job spanning: a PCL banner, then PostScript, then PCL XL, in one JOB … EOJ.
    jobs.spanning = Buffer.concat([
      UEL,
      Buffer.from('@PJL JOB NAME="span"\n@PJL SET QTY=1\n@PJL ENTER LANGUAGE=PCL\n'),
      pcl,
      UEL,
      Buffer.from('@PJL ENTER LANGUAGE=POSTSCRIPT\n'),
      psText,
      pxl, // starts with its own UEL and PJL block
      Buffer.from('@PJL EOJ\n'),
      UEL,
    ]);
    jobs.bare = psText;
  });
  after(async () => {
    await dir.cleanup();
  });

  const changeSets: LateBindingChanges[] = [{ copies: 3, sides: 'duplex-short', color: 'mono', staple: 'top-left', punch: '2-hole' }, { sides: 'simplex' }, { color: 'color' }];

  test('whole, byte by byte, random chunks: identical output through the stream', async () => {
    for (const [name, job] of Object.entries(jobs)) {
      for (const changes of changeSets) {
        const opts: RewriteOptions = { changes, pdl: 'postscript', jobName: 'Stream' };
        const whole = await viaTransform(job, opts, 'whole');
        const plans: Plan[] = [{ random: 31, max: 64 }, { random: 5, max: 70_000 }];
        if (job.length < 60_000) plans.push('bytes');
        for (const plan of plans) {
          const other = await viaTransform(job, opts, plan);
          assert.ok(other.equals(whole), `${name} ${JSON.stringify(changes)} differs when fed as ${JSON.stringify(plan)}`);
        }
      }
    }
  });

  test('every section of a spanning job is edited, and the framing bytes are kept', async () => {
    const out = await viaTransform(jobs.spanning, { changes: { copies: 2, sides: 'duplex-long' }, pdl: 'pcl5' }, 'whole');
    const text = out.toString('latin1');
    assert.ok(text.startsWith('\x1b%-12345X@PJL JOB NAME="span"\n@PJL SET QTY=2\n@PJL SET DUPLEX=ON\n@PJL SET BINDING=LONGEDGE\n@PJL ENTER LANGUAGE=PCL\n'));
    assert.equal(text.split('\x1b%-12345X').length, jobs.spanning.toString('latin1').split('\x1b%-12345X').length, 'same UELs');
    // PCL: the ljet4d copies (2) became 1; PostScript: injected; PCL XL: PageCopies 1 and duplex.
    // eslint-disable-next-line no-control-regex -- PCL escapes start with ESC
    assert.ok(!/\x1b&l2X/.test(text) && /\x1b&l1X/.test(text));
    assert.ok(text.includes('[{ <</Duplex true /Tumble false>> setpagedevice } stopped cleartomark\n[{ <</NumCopies 1>> setpagedevice } stopped cleartomark\n%%EndSetup'));
    const xlAt = out.indexOf(') HP-PCL XL');
    const ins = createPclXlInspector();
    ins.write(out.subarray(xlAt, out.indexOf(UEL, xlAt)));
    ins.end();
    assert.deepEqual({ copies: ins.result().copies, duplex: ins.result().duplex, pages: ins.result().pages }, { copies: 1, duplex: true, pages: 3 });
    // A later PJL block (the PS section's) passes as it is.
    assert.ok(text.includes('\x1b%-12345X@PJL ENTER LANGUAGE=POSTSCRIPT\n%!PS-Adobe-3.0'));
  });

  test('PJL-only changes leave every byte after the header as it was', async () => {
    const job = jobs.pdf;
    const out = await viaTransform(job, { changes: { color: 'mono', staple: 'dual-left' }, pdl: 'pdf' }, { random: 3, max: 999 });
    const enter = Buffer.from('@PJL ENTER LANGUAGE=PDF\r\n');
    assert.ok(out.subarray(out.indexOf(enter) + enter.length).equals(job.subarray(job.indexOf(enter) + enter.length)));
  });

  test('a large job streams with flat memory: the rewriter holds at most its caps', async () => {
    // ~96 MiB: PCL XL pages repeated (every page rewritten) — the tokenizer's worst case here.
    const xl = jobs.pxl;
    const head = xl.subarray(0, xl.indexOf(Buffer.from([0xc0, 0x00, 0xf8, 0x28])));
    const page = xl.subarray(head.length, xl.lastIndexOf(0x42));
    const repeats = Math.ceil((96 << 20) / page.length);
    const rw = createLateBindingRewriter({ changes: { copies: 2, sides: 'duplex-long' }, pdl: 'pclxl' });
    const rnd = prng(42);
    let maxHeld = 0;
    let outBytes = 0;
    const hash = createHash('sha256');
    const rssBefore = process.memoryUsage().rss;
    let rssMax = rssBefore;
    const feed = (b: Buffer): void => {
      for (let i = 0; i < b.length; ) {
        const n = 1 + Math.floor(rnd() * 200_000);
        for (const o of rw.write(b.subarray(i, i + n))) {
          outBytes += o.length;
          hash.update(o);
        }
        maxHeld = Math.max(maxHeld, rw.bufferedBytes());
        i += n;
      }
    };
    feed(head);
    for (let r = 0; r < repeats; r++) {
      feed(page);
      if (r % 500 === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
    }
    feed(Buffer.from([0x42]));
    for (const o of rw.end()) outBytes += o.length;
    assert.ok(maxHeld <= MAX_REWRITER_HELD, `held ${maxHeld}`);
    assert.ok(rssMax - rssBefore < 64 << 20, `rss grew by ${(rssMax - rssBefore) >> 20} MiB`);
    assert.ok(outBytes > repeats * page.length, 'every page went through');
    assert.deepEqual(rw.problems(), []);
  });
});
