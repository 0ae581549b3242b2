import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPclXlInspector } from '../../../main/pdl/pclxl.js';
import type { SectionFacts } from '../../../main/pdl/types.js';
import { gsConvert, inkCoverage, isColourPage, makePostScript, tempDir } from '../../helpers/documents.js';

// ---- feeding -------------------------------------------------------------------------

function inspect(bytes: Buffer, chunkSize = bytes.length): { facts: SectionFacts; problem: string | null } {
  const ins = createPclXlInspector();
  const step = Math.max(1, chunkSize);
  for (let i = 0; i < bytes.length; i += step) ins.write(bytes.subarray(i, i + step));
  ins.end();
  return { facts: ins.result(), problem: ins.problem() };
}

/** Whole, one byte at a time, and in odd chunks: all must agree. */
function inspectAllWays(bytes: Buffer): SectionFacts {
  const whole = inspect(bytes);
  assert.deepEqual(inspect(bytes, 1), whole, 'byte-at-a-time result differs');
  assert.deepEqual(inspect(bytes, 7), whole, '7-byte chunks result differ');
  return whole.facts;
}

/** The PCL XL section of gs output: everything after the PJL `ENTER LANGUAGE = PCLXL` line. */
function xlSection(file: Buffer): Buffer {
  const text = file.toString('latin1');
  const m = /@PJL ENTER LANGUAGE\s*=\s*PCLXL\r?\n/.exec(text);
  assert.ok(m, 'gs output has no ENTER LANGUAGE line');
  return file.subarray(m.index + m[0].length);
}

// ---- a tiny PCL XL writer for hand-built streams -------------------------------------

class Xl {
  private readonly parts: number[] = [];
  constructor(private readonly be = false) {}
  raw(...b: number[]): this {
    this.parts.push(...b);
    return this;
  }
  private u16(v: number): number[] {
    return this.be ? [(v >> 8) & 0xff, v & 0xff] : [v & 0xff, (v >> 8) & 0xff];
  }
  private u32(v: number): number[] {
    const b = Buffer.alloc(4);
    if (this.be) b.writeUInt32BE(v);
    else b.writeUInt32LE(v);
    return [...b];
  }
  ubyte(v: number): this {
    return this.raw(0xc0, v);
  }
  uint16(v: number): this {
    return this.raw(0xc1, ...this.u16(v));
  }
  ubyteArray(vals: number[]): this {
    return vals.length < 256 ? this.raw(0xc8, 0xc0, vals.length, ...vals) : this.raw(0xc8, 0xc1, ...this.u16(vals.length), ...vals);
  }
  real32Array(vals: number[]): this {
    this.raw(0xcd, 0xc0, vals.length);
    for (const v of vals) {
      const b = Buffer.alloc(4);
      if (this.be) b.writeFloatBE(v);
      else b.writeFloatLE(v);
      this.raw(...b);
    }
    return this;
  }
  uint16xy(x: number, y: number): this {
    return this.raw(0xd1, ...this.u16(x), ...this.u16(y));
  }
  attr(id: number): this {
    return this.raw(0xf8, id);
  }
  attr16(id: number): this {
    return this.raw(0xf9, ...this.u16(id));
  }
  op(code: number): this {
    return this.raw(code);
  }
  embedded(data: number[]): this {
    return data.length < 256 ? this.raw(0xfb, data.length, ...data) : this.raw(0xfa, ...this.u32(data.length), ...data);
  }
  beginPage(opts: { duplex?: boolean } = {}): this {
    this.ubyte(0).attr(0x28).ubyte(2).attr(0x25);
    if (opts.duplex === undefined) this.ubyte(0).attr(0x34);
    else if (opts.duplex) this.ubyte(1).attr(0x35).ubyte(0).attr(0x36);
    return this.op(0x43);
  }
  endPage(copies = 1): this {
    return this.uint16(copies).attr(0x31).op(0x44);
  }
  colorSpace(cs: number): this {
    return this.ubyte(cs).attr(0x03).op(0x6a);
  }
  brushRgb(rgb: number[]): this {
    return this.ubyteArray(rgb).attr(0x0b).op(0x63);
  }
  bytes(binding = this.be ? '(' : ')', nulBeforeLf = true): Buffer {
    const header = Buffer.from(`${binding} HP-PCL XL;2;0;Comment test${nulBeforeLf ? '\0' : ''}\n`, 'latin1');
    return Buffer.concat([header, Buffer.from(this.parts)]);
  }
}

function session(x: Xl): Xl {
  return x.uint16xy(600, 600).attr(0x89).ubyte(0).attr(0x86).op(0x41);
}

// ---- documents made by ghostscript --------------------------------------------------

describe('PCL XL from ghostscript (pxlmono / pxlcolor)', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  const xl: Record<string, Buffer> = {};
  let colourPs = '';
  let greyPs = '';

  before(async () => {
    dir = await tempDir('pclxl');
    colourPs = await makePostScript(dir.path, 'colour.ps', { pages: 3, colorPages: [2] });
    greyPs = await makePostScript(dir.path, 'grey.ps', { pages: 3 });
    const jobs: [string, string, string, string[]][] = [
      ['colour-color', colourPs, 'pxlcolor', []],
      ['colour-mono', colourPs, 'pxlmono', []],
      ['grey-color', greyPs, 'pxlcolor', []],
      ['duplex', colourPs, 'pxlmono', ['-dDuplex']],
      ['copies', colourPs, 'pxlcolor', ['-dNumCopies=2']],
    ];
    await Promise.all(
      jobs.map(async ([name, src, device, extra]) => {
        const out = await gsConvert(src, device, join(dir.path, `${name}.pxl`), extra);
        xl[name] = xlSection(await readFile(out));
      }),
    );
  });
  after(async () => dir.cleanup());

  test('pxlcolor, 3 pages with page 2 red: 3 pages, colour, simplex, 1 copy', async () => {
    const ink = await inkCoverage(colourPs);
    assert.equal(ink.length, 3);
    const facts = inspectAllWays(xl['colour-color']);
    assert.deepEqual(facts, { pages: ink.length, color: ink.some(isColourPage), duplex: false, copies: 1 });
    assert.equal(facts.color, true);
  });

  test('pxlcolor of a black/grey-only document is not colour (gs writes grey in eGray)', async () => {
    const ink = await inkCoverage(greyPs);
    assert.equal(ink.some(isColourPage), false);
    assert.deepEqual(inspectAllWays(xl['grey-color']), { pages: 3, color: false, duplex: false, copies: 1 });
  });

  test('pxlmono of the colour document is not colour', () => {
    assert.deepEqual(inspectAllWays(xl['colour-mono']), { pages: 3, color: false, duplex: false, copies: 1 });
  });

  test('-dDuplex writes DuplexPageMode on BeginPage', () => {
    assert.deepEqual(inspectAllWays(xl.duplex), { pages: 3, color: false, duplex: true, copies: 1 });
  });

  test('-dNumCopies=2 writes PageCopies 2 on EndPage', () => {
    assert.deepEqual(inspectAllWays(xl.copies), { pages: 3, color: true, duplex: false, copies: 2 });
  });

  test('images: a grey image (indexed, grey palette) is not colour, an RGB image is', async () => {
    const greyImage = join(dir.path, 'grey-image.ps');
    const rgbImage = join(dir.path, 'rgb-image.ps');
    const hex = (n: number): string => Array.from({ length: n }, (_, i) => ((i * 37) & 0xff).toString(16).padStart(2, '0')).join('');
    await writeFile(greyImage, `%!PS\n100 100 translate 100 100 scale\n8 8 8 [8 0 0 8 0 0] {<${hex(64)}>} image\nshowpage\n`);
    await writeFile(rgbImage, `%!PS\n100 100 translate 100 100 scale\n4 4 8 [4 0 0 4 0 0] {<${hex(48)}>} false 3 colorimage\nshowpage\n`);
    const g = xlSection(await readFile(await gsConvert(greyImage, 'pxlcolor', join(dir.path, 'gi.pxl'))));
    const c = xlSection(await readFile(await gsConvert(rgbImage, 'pxlcolor', join(dir.path, 'ci.pxl'))));
    assert.equal(inspectAllWays(g).color, false);
    assert.equal(inspectAllWays(c).color, true);
    assert.equal(inspectAllWays(c).pages, 1);
  });

  test('truncated gs streams keep the pages counted before the cut', () => {
    const full = xl['colour-color'];
    let last = 0;
    let malformed = 0;
    for (let cut = 0; cut <= full.length; cut += 61) {
      const r = inspect(full.subarray(0, cut));
      const pages = r.facts.pages ?? 0;
      assert.ok(pages >= last && pages <= 3, `cut ${cut}: ${pages} pages after ${last}`);
      last = pages;
      if (r.problem === 'MALFORMED_PCLXL') malformed++;
    }
    assert.equal(last, 3);
    assert.ok(malformed > 0, 'no cut landed inside a token');
    const mid = full.subarray(0, Math.floor(full.length / 2) + 1);
    assert.deepEqual(inspect(mid, 1), inspect(mid));
  });
});

// ---- hand-built streams ---------------------------------------------------------------

describe('PCL XL tokenizer on hand-built streams', () => {
  test('0x43 inside embedded data, arrays and numbers is not a BeginPage', () => {
    const x = session(new Xl());
    x.beginPage();
    x.uint16(0x4343).attr(0x09).op(0x63); // 43 43 as a number
    x.ubyteArray([0x43, 0x43, 0x43]).attr(0x0b).op(0x63); // grey RGB made of 0x43
    x.op(0xb1).embedded(new Array(300).fill(0x43)); // FA len32 payload full of 0x43
    x.op(0xb1).embedded(new Array(20).fill(0x43)); // FB len8 payload
    x.endPage(1).op(0x42);
    const facts = inspectAllWays(x.bytes());
    assert.equal(facts.pages, 1);
  });

  test('big-endian binding parses the same as little-endian', () => {
    for (const be of [false, true]) {
      const x = session(new Xl(be));
      x.beginPage({ duplex: true }).colorSpace(2).brushRgb([10, 200, 10]).endPage(3);
      x.beginPage({ duplex: true }).endPage(3).op(0x42);
      assert.deepEqual(inspectAllWays(x.bytes()), { pages: 2, color: true, duplex: true, copies: 3 }, be ? 'BE' : 'LE');
    }
  });

  test('header with and without a NUL before LF', () => {
    for (const nul of [true, false]) {
      const x = session(new Xl()).beginPage().endPage().op(0x42);
      assert.equal(inspectAllWays(x.bytes(')', nul)).pages, 1);
    }
  });

  test('ASCII binding reports pages null; a non-XL header reports nothing', () => {
    const x = session(new Xl()).beginPage().endPage();
    assert.deepEqual(inspectAllWays(x.bytes("'")), { pages: null });
    const notXl = Buffer.from(') HP-PCL 5;1;1\n\x43\x43', 'latin1');
    assert.deepEqual(inspectAllWays(notXl), {});
    assert.equal(inspect(notXl).problem, 'MALFORMED_PCLXL');
    assert.deepEqual(inspectAllWays(Buffer.from('%!PS-Adobe-3.0\n')), {});
  });

  test('colour rules: grey RGB is not colour, eRGB alone is only a candidate, real32 RGB counts', () => {
    const grey = session(new Xl()).beginPage().colorSpace(2).brushRgb([128, 128, 128]).endPage().op(0x42);
    assert.equal(inspectAllWays(grey.bytes()).color, false);
    const real = session(new Xl()).beginPage().colorSpace(6).real32Array([0.2, 0.5, 0.9]).attr(0x0b).op(0x79).endPage().op(0x42);
    assert.equal(inspectAllWays(real.bytes()).color, true);
    const realGrey = session(new Xl()).beginPage().colorSpace(2).real32Array([0.5, 0.5, 0.5]).attr(0x0b).op(0x79).endPage().op(0x42);
    assert.equal(inspectAllWays(realGrey.bytes()).color, false);
    // Colour on page 2 only; page 3's grey does not undo it.
    const mixed = session(new Xl());
    mixed.beginPage().colorSpace(1).ubyte(0).attr(0x09).op(0x63).endPage();
    mixed.beginPage().colorSpace(2).brushRgb([255, 0, 0]).endPage();
    mixed.beginPage().endPage().op(0x42);
    assert.deepEqual(inspectAllWays(mixed.bytes()), { pages: 3, color: true, duplex: false, copies: 1 });
  });

  test('copies: the largest PageCopies is reported', () => {
    const x = session(new Xl()).beginPage().endPage(2).beginPage().endPage(5).beginPage().endPage(1).op(0x42);
    assert.equal(inspectAllWays(x.bytes()).copies, 5);
  });

  test('F9 (uint16) attribute ids are understood', () => {
    const x = session(new Xl()).beginPage();
    x.uint16(4).attr16(0x31).op(0x44).op(0x42);
    assert.equal(inspectAllWays(x.bytes()).copies, 4);
  });

  test('an array longer than the cap is skipped, not stored, and parsing continues', () => {
    const x = session(new Xl()).beginPage().colorSpace(2);
    // A 3000-element RGB "colour" cannot be stored; it must not count, nor derail parsing.
    x.ubyteArray(Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 255 : 0))).attr(0x0b).op(0x63);
    x.endPage().beginPage().endPage().op(0x42);
    assert.deepEqual(inspectAllWays(x.bytes()), { pages: 2, color: false, duplex: false, copies: 1 });
  });

  test('ESC (UEL) ends the stream; later bytes are not parsed', () => {
    const x = session(new Xl()).beginPage().endPage().op(0x42);
    const bytes = Buffer.concat([x.bytes(), Buffer.from('\x1b%-12345X@PJL EOJ\n\x43\x43\x43', 'latin1')]);
    const r = inspect(bytes);
    assert.equal(r.facts.pages, 1);
    assert.equal(r.problem, null);
  });

  test('an invalid tag stops parsing but keeps what was counted', () => {
    const x = session(new Xl()).beginPage().endPage(2).raw(0xc6).beginPage().endPage();
    const r = inspect(x.bytes());
    assert.deepEqual(r.facts, { pages: 1, color: false, duplex: false, copies: 2 });
    assert.equal(r.problem, 'MALFORMED_PCLXL');
    assert.deepEqual(inspect(x.bytes(), 1), r);
  });

  test('a truncated embedded-data length or value is malformed at end()', () => {
    const x = session(new Xl()).beginPage().op(0xb1).raw(0xfa, 0x10, 0x00);
    const r = inspect(x.bytes());
    assert.equal(r.facts.pages, 1);
    assert.equal(r.problem, 'MALFORMED_PCLXL');
  });

  test('embedded data of 4 GiB - 1 declared is skipped without buffering', () => {
    const x = session(new Xl()).beginPage().op(0xb1).raw(0xfa, 0xff, 0xff, 0xff, 0xff);
    const ins = createPclXlInspector();
    ins.write(x.bytes());
    const block = Buffer.alloc(1024 * 1024, 0x43);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 64; i++) ins.write(block);
    ins.end();
    assert.equal(ins.result().pages, 1);
    assert.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024);
  });
});
