import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createJobInspector, createMeteredJobInspector, MAX_PDF_READS, MAX_PJL_LINE, MAX_SECTIONS } from '../../../main/pdl/inspector.js';
import { gsConvert, makePdf, pdfPageCount, tempDir } from '../../helpers/documents.js';
import { inspectAllWays, inspectJob, UEL, withStoredFile } from './feed.js';

const E = '\x1b';
const PS3 = '%!PS-Adobe-3.0\n%%Title: (Three)\n%%Pages: 3\n%%EndComments\n%%Page: 1 1\n%%Page: 2 2\n%%Page: 3 3\n%%EOF\n';

describe('sniffing the PDL', () => {
  const cases: Array<[string, Buffer | string, string]> = [
    ['PostScript', PS3, 'postscript'],
    ['Ctrl-D then PostScript', `\x04${PS3}`, 'postscript'],
    ['DOS EPS header', Buffer.concat([Buffer.from([0xc5, 0xd0, 0xd3, 0xc6]), Buffer.alloc(26)]), 'postscript'],
    ['PCL XL, little-endian binding', ') HP-PCL XL;2;0;Comment\x00\n', 'pclxl'],
    ['PCL XL, big-endian binding', '( HP-PCL XL;2;0\n', 'pclxl'],
    ['PCL XL, ASCII binding', "' HP-PCL XL;2;0\n", 'pclxl'],
    ['PCL5 reset', `${E}E${E}&l1X`, 'pcl5'],
    ['PCL5 ESC &', `${E}&l0O`, 'pcl5'],
    ['PCL5 ESC *', `${E}*r1A`, 'pcl5'],
    ['TBCP PCL', `\x01M${E}Ex\f`, 'pcl5'],
    ['TBCP PostScript', `\x01M${PS3}`, 'postscript'],
    ['PWG raster', 'RaS2PwgRaster', 'unknown'],
    ['plain text', 'Hello, printer\n', 'unknown'],
    ['a lone ESC', E, 'unknown'],
    ['^A M then text', '\x01Mtext', 'unknown'],
    ['%PDF cut short', '%PDF', 'unknown'],
  ];
  for (const [name, bytes, pdl] of cases) {
    test(`${name} → ${pdl}`, async () => {
      const f = await inspectAllWays(bytes);
      assert.equal(f.pdl, pdl);
      assert.deepEqual(f.sections, [pdl]);
      assert.equal(f.pjl, null);
    });
  }

  test('a UEL-wrapped PDL without PJL', async () => {
    const f = await inspectAllWays(`${UEL}${PS3}${UEL}`);
    assert.equal(f.pdl, 'postscript');
    assert.equal(f.pages, 3);
  });

  test('ENTER LANGUAGE names the PDL when its bytes have no signature', async () => {
    const f = await inspectAllWays(`${UEL}@PJL ENTER LANGUAGE=PCL\nplain text\fmore\f${UEL}`);
    assert.equal(f.pdl, 'pcl5');
    assert.equal(f.pages, 2);
    const u = await inspectAllWays(`${UEL}@PJL ENTER LANGUAGE=ZJS\nJZJZ`);
    assert.equal(u.pdl, 'unknown');
    assert.equal(u.pages, null);
  });

  test('the bytes win over a contradicting ENTER LANGUAGE, reported as a problem', async () => {
    const f = await inspectAllWays(`${UEL}@PJL ENTER LANGUAGE=PCL\n${PS3}${UEL}`);
    assert.equal(f.pdl, 'postscript');
    assert.equal(f.pages, 3);
    assert.deepEqual(f.problems, ['PDL_LANGUAGE_MISMATCH']);
  });
});

describe('UEL framing', () => {
  test('a UEL prefix inside PCL (ESC%-1B enters HP-GL/2) is data, not framing', async () => {
    const f = await inspectAllWays(`${E}Eabc${E}%-1BIN;PD;${E}%0A\f${E}E`);
    assert.deepEqual(f.sections, ['pcl5']);
    assert.equal(f.pages, 1);
  });

  test('a UEL cut at the very end is data of the last section', async () => {
    const f = await inspectAllWays(`${E}Eabc\f${E}%-1234`);
    assert.deepEqual(f.sections, ['pcl5']);
    assert.equal(f.pages, 1);
    // The held bytes reached the PCL reader: an escape cut short by the end.
    assert.deepEqual(f.problems, ['MALFORMED_PCL']);
  });

  test('whitespace between UELs makes no section', async () => {
    const f = await inspectAllWays(`${UEL}@PJL ENTER LANGUAGE=PCL\n${E}Ex\f${UEL}\r\n\x00${UEL}@PJL EOJ\r\n${UEL}\r\n`);
    assert.deepEqual(f.sections, ['pcl5']);
    assert.equal(f.pages, 1);
  });

  test('sections beyond the record cap still count pages', async () => {
    const n = MAX_SECTIONS + 36;
    const f = await inspectAllWays(`${UEL}@PJL JOB\n${`${UEL}@PJL ENTER LANGUAGE=PCL\n${E}Ex\f`.repeat(n)}${UEL}@PJL EOJ\n${UEL}`);
    assert.equal(f.pages, n);
    assert.equal(f.sections.length, MAX_SECTIONS);
    assert.deepEqual(f.problems, ['TOO_MANY_SECTIONS']);
    assert.equal(f.pjl?.languages.length, 32); // the ENTER list is capped too
  });

  test('buffers stay bounded on a PJL line and a DSC line that never end', async () => {
    const pjl = Buffer.concat([Buffer.from(`${UEL}@PJL COMMENT `), Buffer.alloc(1 << 20, 0x41)]);
    const dsc = Buffer.concat([Buffer.from('%!PS\n%%Title: '), Buffer.alloc(1 << 20, 0x41)]);
    for (const job of [pjl, dsc]) {
      await withStoredFile(job, async (file) => {
        const r = await inspectJob(job, { random: 5, max: 3000 }, file);
        assert.ok(r.maxBuffered <= MAX_PJL_LINE + 64, `buffered ${r.maxBuffered}`);
      });
    }
  });

  test('push after finish is ignored and finish returns the same facts', async () => {
    const ins = createJobInspector();
    ins.push(Buffer.from(PS3));
    const a = await ins.finish('/nonexistent');
    ins.push(Buffer.from(PS3));
    const b = await ins.finish('/nonexistent');
    assert.equal(a, b);
    assert.equal(a.pages, 3);
  });

  test('the metered inspector starts with nothing buffered', () => {
    assert.equal(createMeteredJobInspector().bufferedBytes(), 0);
  });
});

describe('merging PJL and PDL facts', () => {
  const job = (pjl: string[], pdl: string): string => `${UEL}${pjl.map((l) => `@PJL ${l}\r\n`).join('')}${pdl}${UEL}@PJL EOJ\r\n${UEL}`;
  const psWith = (...extra: string[]): string => `%!PS-Adobe-3.0\n${extra.join('\n')}\n%%EndComments\n%%Page: 1 1\n%%EOF\n`;

  test('title: the PDL title first, the PJL job name as fallback', async () => {
    assert.equal((await inspectAllWays(job(['JOB NAME="pjl name"', 'ENTER LANGUAGE=POSTSCRIPT'], psWith('%%Title: (dsc title)')))).title, 'dsc title');
    assert.equal((await inspectAllWays(job(['JOB NAME="pjl name"', 'ENTER LANGUAGE=POSTSCRIPT'], psWith()))).title, 'pjl name');
    assert.equal((await inspectAllWays(psWith())).title, null);
  });

  test('user: PJL first, then %%For', async () => {
    assert.equal((await inspectAllWays(job(['SET USERNAME="pjluser"', 'ENTER LANGUAGE=POSTSCRIPT'], psWith('%%For: (dscuser)')))).user, 'pjluser');
    assert.equal((await inspectAllWays(job(['ENTER LANGUAGE=POSTSCRIPT'], psWith('%%For: (dscuser)')))).user, 'dscuser');
  });

  test('copies: PJL QTY or COPIES when > 1, else the PDL, else an explicit PJL 1', async () => {
    const nc = '%%BeginNonPPDFeature: NumCopies 3';
    const copies = async (pjl: string[], ...extra: string[]): Promise<number | null> =>
      (await inspectAllWays(job([...pjl, 'ENTER LANGUAGE=POSTSCRIPT'], psWith(...extra)))).copies;
    assert.equal(await copies(['SET QTY=2'], nc), 2);
    assert.equal(await copies(['SET COPIES=4'], nc), 4);
    assert.equal(await copies(['SET QTY=2', 'SET COPIES=3']), 6);
    assert.equal(await copies(['SET QTY=1'], nc), 3);
    assert.equal(await copies(['SET QTY=1']), 1);
    assert.equal(await copies([]), null);
  });

  test('duplex: the PDL setting overrides PJL', async () => {
    const duplex = async (pjl: string[], ...extra: string[]): Promise<boolean | null> =>
      (await inspectAllWays(job([...pjl, 'ENTER LANGUAGE=POSTSCRIPT'], psWith(...extra)))).duplex;
    assert.equal(await duplex(['SET DUPLEX=ON'], '%%BeginFeature: *Duplex None'), false);
    assert.equal(await duplex(['SET DUPLEX=OFF'], '%%BeginFeature: *Duplex DuplexTumble'), true);
    assert.equal(await duplex(['SET DUPLEX=ON']), true);
    assert.equal(await duplex([]), null);
    const pcl = await inspectAllWays(job(['SET DUPLEX=OFF', 'ENTER LANGUAGE=PCL'], `${E}E${E}&l2Sx\f${E}E`));
    assert.equal(pcl.duplex, true);
  });

  test('colour: PJL grey forces mono; else PDL evidence; else PJL colour', async () => {
    const colour = async (pjl: string[], pdl: string): Promise<boolean | null> => (await inspectAllWays(job(pjl, pdl))).color;
    const cmyk = psWith('%%DocumentProcessColors: Cyan Magenta Yellow Black');
    assert.equal(await colour(['SET RENDERMODE=GRAYSCALE', 'ENTER LANGUAGE=POSTSCRIPT'], cmyk), false);
    assert.equal(await colour(['ENTER LANGUAGE=POSTSCRIPT'], cmyk), true);
    assert.equal(await colour(['SET RENDERMODE=COLOR', 'ENTER LANGUAGE=POSTSCRIPT'], psWith()), true);
    assert.equal(await colour(['SET RENDERMODE=COLOR', 'ENTER LANGUAGE=PCL'], `${E}E${E}*r1Ux\f`), false);
    assert.equal(await colour(['ENTER LANGUAGE=POSTSCRIPT'], psWith()), null);
  });

  test('pages are unknown when one section is; the main PDL holds the most bytes', async () => {
    const f = await inspectAllWays(`${UEL}@PJL ENTER LANGUAGE=PCL\n${E}Ex\f${UEL}some text without a language${UEL}`);
    assert.deepEqual(f.sections, ['pcl5', 'unknown']);
    assert.equal(f.pdl, 'unknown');
    assert.equal(f.pages, null);
    const g = await inspectAllWays(`${UEL}${PS3}${UEL}@PJL ENTER LANGUAGE=PCL\n${E}E${'x'.repeat(500)}\f${UEL}`);
    assert.deepEqual(g.sections, ['postscript', 'pcl5']);
    assert.equal(g.pdl, 'pcl5');
    assert.equal(g.pages, 4);
    assert.equal(g.title, 'Three'); // no title in the main language: the others are asked next
  });
});

describe('PCL XL and PDF sections', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  before(async () => {
    dir = await tempDir('pdl-dispatch');
  });
  after(async () => {
    await dir.cleanup();
  });

  test('ghostscript pxlmono output (PJL + PCL XL) goes to the PCL XL inspector', async () => {
    const pdf = await makePdf(dir.path, 'xl.pdf', { pages: 4 });
    const expected = await pdfPageCount(pdf);
    const xl = await readFile(await gsConvert(pdf, 'pxlmono', join(dir.path, 'xl.pxl')));
    const f = await inspectAllWays(xl, 50_000);
    assert.equal(f.pdl, 'pclxl');
    assert.deepEqual(f.sections, ['pclxl']);
    assert.deepEqual(f.pjl?.languages, ['PCLXL']);
    assert.equal(f.pages, expected);
  });

  test('a PDF in a PJL job is read from the stored file at its own offsets', async () => {
    const pdf = await readFile(await makePdf(dir.path, 'in-pjl.pdf', { pages: 3, title: 'Stored PDF' }));
    const expected = await pdfPageCount(join(dir.path, 'in-pjl.pdf'));
    const head = Buffer.from(`${UEL}@PJL JOB NAME="x"\r\n@PJL SET QTY=2\r\n@PJL ENTER LANGUAGE=PDF\r\n`, 'latin1');
    const tail = Buffer.from(`${UEL}@PJL EOJ\r\n${UEL}`, 'latin1');
    const f = await inspectAllWays(Buffer.concat([head, pdf, tail]), 0);
    assert.equal(f.pdl, 'pdf');
    assert.equal(f.pages, expected);
    assert.equal(f.title, 'Stored PDF');
    assert.equal(f.copies, 2);
  });

  test('two PDFs in one PJL job: pages add up', async () => {
    const a = await readFile(await makePdf(dir.path, 'a.pdf', { pages: 2 }));
    const b = await readFile(await makePdf(dir.path, 'b.pdf', { pages: 5 }));
    const enter = Buffer.from(`${UEL}@PJL ENTER LANGUAGE=PDF\n`, 'latin1');
    const f = await inspectAllWays(Buffer.concat([Buffer.from(`${UEL}@PJL JOB\n`), enter, a, enter, b, Buffer.from(`${UEL}@PJL EOJ\n${UEL}`)]), 0);
    assert.deepEqual(f.sections, ['pdf', 'pdf']);
    assert.equal(f.pages, 7);
  });

  test('the same PDF N times back to back (CUPS raw copies): one copy\'s pages, copies N', async () => {
    const a = await readFile(await makePdf(dir.path, 'copies.pdf', { pages: 3, title: 'Copied' }));
    const f = await inspectAllWays(Buffer.concat([a, a]), 0);
    assert.equal(f.pdl, 'pdf');
    assert.equal(f.pages, 3);
    assert.equal(f.copies, 2);
    assert.equal(f.title, 'Copied');
    const three = await inspectAllWays(Buffer.concat([a, a, a]), 0);
    assert.equal(three.copies, 3);
    assert.equal(three.pages, 3);
  });

  test('different PDFs back to back: pages add up, copies stay', async () => {
    const a = await readFile(await makePdf(dir.path, 'first.pdf', { pages: 2 }));
    const b = await readFile(await makePdf(dir.path, 'second.pdf', { pages: 5 }));
    const f = await inspectAllWays(Buffer.concat([a, Buffer.from('\n'), b]), 0);
    assert.equal(f.pages, 7);
    assert.notEqual(f.copies, 2);
  });

  test('a %PDF- that does not follow a %%EOF line is not a new document', async () => {
    const a = await readFile(await makePdf(dir.path, 'single.pdf', { pages: 2 }));
    // Trailing junk naming %PDF- mid-line, after the document.
    const f = await inspectAllWays(Buffer.concat([a, Buffer.from('junk %PDF-1.7 junk\n')]), 0);
    assert.equal(f.pages, 2);
    assert.notEqual(f.copies, 2);
  });

  test(`at most ${MAX_PDF_READS} PDF sections are read; more make the pages unknown`, async () => {
    const a = await readFile(await makePdf(dir.path, 'many.pdf', { pages: 2 }));
    const enter = Buffer.from(`${UEL}@PJL ENTER LANGUAGE=PDF\n`, 'latin1');
    const job = (n: number): Buffer => Buffer.concat(Array.from({ length: n }, () => [enter, a]).flat());
    const ok = await withStoredFile(job(MAX_PDF_READS), (file) => inspectJob(job(MAX_PDF_READS), 'whole', file));
    assert.equal(ok.facts.pages, 2 * MAX_PDF_READS);
    const over = await withStoredFile(job(MAX_PDF_READS + 1), (file) => inspectJob(job(MAX_PDF_READS + 1), 'whole', file));
    assert.equal(over.facts.pages, null);
    assert.deepEqual(over.facts.problems, ['TOO_MANY_SECTIONS']);
  });
});
