// PCL XL late binding. Ghostscript writes PCL XL (pxlmono, pxlcolor) but this machine has
// no PCL XL interpreter (no gpcl6), so the rewritten streams are checked structurally:
// byte for byte against gs's own -dDuplex / -dTumble / -dNumCopies output, and with the
// PCL XL tokenizer and inspector of main/pdl.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LateBindingChanges } from '../../../../main/pdl/late-binding/index.js';
import { ATTR_LIST_CAP } from '../../../../main/pdl/late-binding/pclxl-editor.js';
import { createPclXlInspector } from '../../../../main/pdl/pclxl.js';
import { PclXlTokenizer } from '../../../../main/pdl/pclxl-tokenizer.js';
import type { SectionFacts } from '../../../../main/pdl/types.js';
import { gsConvert, makePostScript, tempDir } from '../../../helpers/documents.js';
import { rewriteChecked, type Rewritten } from './rewrite-checked.js';

const UEL = Buffer.from('\x1b%-12345X', 'latin1');

function rewrite(input: Buffer, changes: LateBindingChanges): Rewritten {
  return rewriteChecked(input, changes, 'pclxl', ['whole', { random: 17, max: 9 }, { random: 4, max: 4096 }]);
}

/** The XL stream: from the `) HP-PCL XL` header to the UEL that ends it. */
function xl(job: Buffer): Buffer {
  const start = job.indexOf(' HP-PCL XL') - 1;
  assert.ok(start >= 0, 'no PCL XL stream header');
  const end = job.indexOf(UEL, start);
  return job.subarray(start, end < 0 ? job.length : end);
}

function pjl(job: Buffer): string {
  return job.subarray(0, job.indexOf(' HP-PCL XL') - 1).toString('latin1');
}

function facts(stream: Buffer): SectionFacts {
  const ins = createPclXlInspector();
  ins.write(stream);
  ins.end();
  assert.equal(ins.problem(), null);
  return ins.result();
}

/** Operators in order, with their attribute ids; the tokenizer must read the stream to its end. */
function operators(stream: Buffer): string[] {
  const ops: string[] = [];
  const tok = new PclXlTokenizer((op, attrs) => ops.push(`${op.toString(16)}:${attrs.map((a) => a.id.toString(16)).join(',')}`));
  tok.write(stream);
  tok.end();
  assert.equal(tok.status, 'ended', 'tokenizer reads the whole stream');
  return ops;
}

describe('PCL XL from ghostscript', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  const out: Record<string, Buffer> = {};
  before(async () => {
    dir = await tempDir('late-binding-pxl');
    const ps = await makePostScript(dir.path, 'doc.ps', { pages: 3, title: 'XL', colorPages: [2] });
    const variants: [string, string, string[]][] = [
      ['mono', 'pxlmono', []],
      ['monoDuplex', 'pxlmono', ['-dDuplex']],
      ['monoTumble', 'pxlmono', ['-dDuplex', '-dTumble']],
      ['monoCopies', 'pxlmono', ['-dNumCopies=3']],
      ['color', 'pxlcolor', []],
      ['colorDuplex', 'pxlcolor', ['-dDuplex']],
    ];
    for (const [name, device, args] of variants) {
      out[name] = await readFile(await gsConvert(ps, device, join(dir.path, `${name}.pxl`), args));
    }
  });
  after(async () => {
    await dir.cleanup();
  });

  test('simplex → long-edge duplex gives exactly the BeginPage bytes gs writes for -dDuplex', () => {
    for (const [plain, duplex] of [['mono', 'monoDuplex'], ['color', 'colorDuplex']]) {
      const { out: r, problems } = rewrite(out[plain], { sides: 'duplex-long' });
      assert.deepEqual(problems, []);
      assert.ok(xl(r).equals(xl(out[duplex])), `${plain}: XL stream equals gs -dDuplex output`);
      assert.equal(pjl(r), '\x1b%-12345X@PJL SET RENDERMODE=GRAYSCALE\n@PJL SET RESOLUTION=600\n@PJL SET DUPLEX=ON\n@PJL SET BINDING=LONGEDGE\n@PJL ENTER LANGUAGE = PCLXL\n'.replace('GRAYSCALE', plain === 'mono' ? 'GRAYSCALE' : 'COLOR'));
      assert.equal(facts(xl(r)).duplex, true);
      assert.equal(facts(xl(r)).pages, 3);
    }
  });

  test('short-edge duplex matches gs -dDuplex -dTumble; DuplexPageSide alternates', () => {
    const { out: r } = rewrite(out.mono, { sides: 'duplex-short' });
    assert.ok(xl(r).equals(xl(out.monoTumble)));
    const begins = operators(xl(r)).filter((o) => o.startsWith('43:'));
    assert.deepEqual(begins, ['43:28,25,26,35,36', '43:28,25,26,35,36', '43:28,25,26,35,36']);
  });

  test('duplex → simplex gives back gs plain output', () => {
    const { out: r } = rewrite(out.monoDuplex, { sides: 'simplex' });
    assert.ok(xl(r).equals(xl(out.mono)));
    assert.equal(facts(xl(r)).duplex, false);
    assert.ok(pjl(r).includes('@PJL SET DUPLEX=OFF\n@PJL ENTER'));
  });

  test('copies: PageCopies 3 → 1 on every EndPage, and QTY carries the copies', () => {
    assert.equal(facts(xl(out.monoCopies)).copies, 3);
    const { out: r } = rewrite(out.monoCopies, { copies: 4 });
    assert.ok(xl(r).equals(xl(out.mono)), 'same bytes as gs with one copy');
    assert.equal(facts(xl(r)).copies, 1);
    assert.ok(pjl(r).includes('@PJL SET QTY=4\n@PJL ENTER LANGUAGE = PCLXL\n'));
    assert.ok(r.subarray(r.length - UEL.length).equals(UEL), 'the closing UEL is kept');
  });

  test('colour → mono is PJL only: the XL bytes do not change', () => {
    const { out: r } = rewrite(out.color, { color: 'mono', copies: 1 });
    assert.ok(xl(r).equals(xl(out.color)));
    assert.ok(pjl(r).startsWith('\x1b%-12345X@PJL SET RENDERMODE=GRAYSCALE\n'));
    assert.equal(operators(xl(r)).length, operators(xl(out.color)).length);
  });
});

/** A little-endian (or big-endian) PCL XL writer for hand-made streams. */
class Xl {
  readonly bytes: number[] = [];
  constructor(private readonly be = false) {
    this.bytes.push(...Buffer.from(`${be ? '(' : ')'} HP-PCL XL;2;0;hand\n`, 'latin1'));
  }
  raw(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  u16(v: number): number[] {
    return this.be ? [v >> 8, v & 0xff] : [v & 0xff, v >> 8];
  }
  ubyte(v: number, id: number): this {
    return this.raw(0xc0, v, 0xf8, id);
  }
  uint16(v: number, id: number): this {
    return this.raw(0xc1, ...this.u16(v), 0xf8, id);
  }
  buf(): Buffer {
    return Buffer.from(this.bytes);
  }
}

describe('PCL XL structure', () => {
  test('attributes are replaced where they stood or appended; embedded data is skipped by count', () => {
    // Embedded data holding fake BeginPage/EndPage bytes, a long array, F9 attribute ids.
    const data = [0x43, 0xc0, 0x05, 0xf8, 0x31, 0x44, 0x1b];
    const s = new Xl()
      .raw(0xc0, 0x00, 0xf8, 0x86, 0x41) // BeginSession
      .ubyte(2, 0x25) // MediaSize
      .raw(0x43) // BeginPage without any duplex attribute
      .raw(0xc8, 0xc1, ...new Xl().u16(300), ...new Array<number>(300).fill(7), 0xf8, 0x06, 0x6a) // SetColorSpace with a 300-byte array
      .raw(0xb1, 0xfb, data.length, ...data) // ReadImage + embedded data
      .raw(0xc1, 0x02, 0x00, 0xf9, 0x31, 0x00, 0x44) // EndPage, PageCopies 2 with a 16-bit id
      .raw(0xc0, 0x00, 0xf8, 0x34, 0x43) // BeginPage with SimplexPageMode
      .raw(0x44) // EndPage without PageCopies
      .raw(0x42)
      .buf();
    const job = Buffer.concat([UEL, Buffer.from('@PJL ENTER LANGUAGE=PCLXL\n'), s, UEL]);
    const { out: r, problems } = rewrite(job, { sides: 'duplex-long', copies: 2 });
    assert.deepEqual(problems, []);
    const expected = new Xl()
      .raw(0xc0, 0x00, 0xf8, 0x86, 0x41)
      .ubyte(2, 0x25)
      .raw(0xc0, 0x01, 0xf8, 0x35, 0xc0, 0x00, 0xf8, 0x36, 0x43)
      .raw(0xc8, 0xc1, ...new Xl().u16(300), ...new Array<number>(300).fill(7), 0xf8, 0x06, 0x6a)
      .raw(0xb1, 0xfb, data.length, ...data)
      .raw(0xc1, 0x01, 0x00, 0xf8, 0x31, 0x44)
      .raw(0xc0, 0x01, 0xf8, 0x35, 0xc0, 0x01, 0xf8, 0x36, 0x43)
      .raw(0xc1, 0x01, 0x00, 0xf8, 0x31, 0x44)
      .raw(0x42)
      .buf();
    assert.ok(xl(r).equals(expected), `got ${xl(r).toString('hex')}`);
  });

  test('big-endian binding: PageCopies is written big-endian', () => {
    const s = new Xl(true).raw(0x43).uint16(5, 0x31).raw(0x44).buf();
    const { out: r } = rewrite(Buffer.concat([UEL, Buffer.from('@PJL ENTER LANGUAGE=PCLXL\n'), s]), { copies: 9 });
    assert.ok(xl(r).equals(new Xl(true).raw(0x43).raw(0xc1, 0x00, 0x01, 0xf8, 0x31, 0x44).buf()));
  });

  test('an attribute list too long to hold is passed through and reported', () => {
    const big = new Array<number>(ATTR_LIST_CAP + 10).fill(0x20); // whitespace inside the list
    const s = new Xl().raw(...big).ubyte(0, 0x34).raw(0x43, 0x44).buf();
    const { out: r, problems } = rewrite(Buffer.concat([Buffer.from('@PJL ENTER LANGUAGE=PCLXL\n'), s]), { sides: 'duplex-long' });
    assert.deepEqual(problems, ['PCLXL_NOT_EDITED']);
    assert.ok(xl(r).equals(s));
  });

  test('ASCII binding and malformed streams pass through unchanged, reported', () => {
    for (const s of [Buffer.from("' HP-PCL XL;2;0;\n43 44"), Buffer.concat([new Xl().buf(), Buffer.from([0x43, 0xc7, 0x43, 0x44])])]) {
      const { out: r, problems } = rewrite(Buffer.concat([UEL, Buffer.from('@PJL ENTER LANGUAGE=PCLXL\n'), s]), { copies: 3 });
      assert.deepEqual(problems, ['MALFORMED_PCLXL']);
      assert.ok(r.subarray(r.length - s.length).equals(s));
    }
  });

  test('a truncated stream is written out as it is', () => {
    const s = new Xl().raw(0x43, 0xc1, 0x01).buf(); // a uint16 cut short
    const { out: r, problems } = rewrite(Buffer.concat([Buffer.from('@PJL ENTER LANGUAGE=PCLXL\n'), s]), { copies: 2 });
    assert.deepEqual(problems, ['MALFORMED_PCLXL']);
    assert.ok(xl(r).equals(s));
    assert.ok(r.toString('latin1').endsWith('\x1b%-12345X@PJL EOJ\n\x1b%-12345X'), 'the wrapper still closes the job');
  });
});
