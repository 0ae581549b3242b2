import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import {
  gsConvert, inkCoverage, isColourPage, makePdf, makePostScript, pdfInfo, pdfPageCount, tempDir,
} from './documents.js';

describe('test documents', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  before(async () => {
    dir = await tempDir('documents-test');
  });
  after(async () => {
    await dir.cleanup();
  });

  test('a 3-page PDF with colour on page 2: pdfinfo and inkcov agree with the spec', async () => {
    const title = 'Budget (draft) \\ Q3 – Überblick';
    const pdf = await makePdf(dir.path, 'three.pdf', { pages: 3, title, author: 'alice', colorPages: [2] });
    assert.equal((await readFile(pdf)).subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(await pdfPageCount(pdf), 3);
    const info = await pdfInfo(pdf);
    assert.equal(info.Title, title);
    assert.equal(info.Author, 'alice');
    const ink = await inkCoverage(pdf);
    assert.equal(ink.length, 3);
    assert.deepEqual(ink.map(isColourPage), [false, true, false]);
    // Every page carries black text and a grey box, so monochrome pages are not blank.
    for (const p of ink) assert.ok(p.k > 0);
  });

  test('the PostScript file is DSC-conforming and renders the same pages', async () => {
    const ps = await makePostScript(dir.path, 'five.ps', { pages: 5, title: 'Report', author: 'bob', colorPages: [1, 5] });
    const text = await readFile(ps, 'utf8');
    assert.match(text, /^%!PS-Adobe-3\.0\n/);
    assert.match(text, /^%%Title: Report$/m);
    assert.match(text, /^%%For: bob$/m);
    assert.match(text, /^%%Pages: 5$/m);
    assert.equal(text.match(/^%%Page: \d+ \d+$/gm)?.length, 5);
    assert.match(text, /%%EOF\n$/);
    const ink = await inkCoverage(ps);
    assert.deepEqual(ink.map(isColourPage), [true, false, false, false, true]);
  });

  test('a document without colour pages has no colour ink anywhere', async () => {
    const pdf = await makePdf(dir.path, 'mono.pdf', { pages: 2 });
    assert.equal(await pdfPageCount(pdf), 2);
    assert.equal((await pdfInfo(pdf)).Title, undefined);
    assert.deepEqual((await inkCoverage(pdf)).map(isColourPage), [false, false]);
  });

  test('gsConvert produces the devices other tests use', async () => {
    const pdf = await makePdf(dir.path, 'src.pdf', { pages: 2, colorPages: [1] });
    const pxl = await gsConvert(pdf, 'pxlmono', `${dir.path}/out.pxl`);
    // ghostscript wraps PCL XL in a PJL header of its own.
    const head = (await readFile(pxl)).subarray(0, 512).toString('latin1');
    assert.ok(head.startsWith('\x1b%-12345X@PJL'));
    assert.match(head, /@PJL ENTER LANGUAGE ?= ?PCLXL\r?\n\) HP-PCL XL;/);
    const ps = await gsConvert(pdf, 'ps2write', `${dir.path}/out.ps`);
    assert.match((await readFile(ps)).subarray(0, 16).toString('latin1'), /^%!PS-Adobe-3\.0/);
    const pcl = await gsConvert(pdf, 'ljet4', `${dir.path}/out.pcl`);
    assert.equal((await readFile(pcl))[0], 0x1b);
    assert.ok((await stat(pcl)).size > 100);
  });

  test('bad input is rejected, not papered over', async () => {
    await assert.rejects(makePostScript(dir.path, 'zero.ps', { pages: 0 }), RangeError);
    await assert.rejects(makePostScript(dir.path, 'bad.ps', { pages: 2, colorPages: [3] }), RangeError);
    const junk = `${dir.path}/junk.pdf`;
    await writeFile(junk, 'this is not a PDF at all');
    await assert.rejects(pdfPageCount(junk), /pdfinfo/);
    await assert.rejects(gsConvert(`${dir.path}/missing.ps`, 'pdfwrite', `${dir.path}/x.pdf`), /gs .* exited/);
  });

  test('tempDir is world-readable (CUPS filters run as lp) and cleanup removes it', async () => {
    const t = await tempDir('perm');
    assert.equal((await stat(t.path)).mode & 0o777, 0o755);
    await t.cleanup();
    await assert.rejects(stat(t.path), { code: 'ENOENT' });
  });
});
