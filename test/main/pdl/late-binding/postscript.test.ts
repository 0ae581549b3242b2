// PostScript late binding, checked by rendering: ghostscript interprets the rewritten
// PostScript and its pxlmono / ljet4d output says which duplex mode and how many copies
// the page device ended up with (PROTOCOLS.md §6 "Injection for late binding").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LateBindingChanges, type EditProblem } from '../../../../main/pdl/late-binding/index.js';
import { FEATURE_CAP } from '../../../../main/pdl/late-binding/ps-editor.js';
import { createPcl5Inspector } from '../../../../main/pdl/pcl5.js';
import { createPclXlInspector } from '../../../../main/pdl/pclxl.js';
import { PclXlTokenizer } from '../../../../main/pdl/pclxl-tokenizer.js';
import { gsConvert, postScriptText, tempDir } from '../../../helpers/documents.js';
import { rewriteChecked } from './rewrite-checked.js';

const UEL = '\x1b%-12345X';

function rewrite(input: string, changes: LateBindingChanges): { out: string; problems: readonly EditProblem[] } {
  const r = rewriteChecked(Buffer.from(input, 'latin1'), changes, 'postscript', ['whole', 'bytes', { random: 3, max: 50 }]);
  return { out: r.out.toString('latin1'), problems: r.problems };
}

/** The PostScript section of a rewritten job (between ENTER LANGUAGE and the next UEL). */
function psSection(job: string): string {
  const m = /@PJL ENTER LANGUAGE=POSTSCRIPT\r?\n/.exec(job);
  assert.ok(m, 'no ENTER LANGUAGE=POSTSCRIPT');
  const start = m.index + m[0].length;
  const end = job.indexOf(UEL, start);
  return job.slice(start, end < 0 ? undefined : end);
}

/** A Windows-driver-like document: copies and duplex set in DSC feature blocks of the setup. */
function driverDoc(pages: number, copies: number, duplex: 'None' | 'DuplexNoTumble', extraSetup = ''): string {
  const features = [
    `%%BeginNonPPDFeature: NumCopies ${copies}`,
    `${copies} 1 dict dup /NumCopies 4 -1 roll put setpagedevice`,
    '%%EndNonPPDFeature',
    `%%BeginFeature: *Duplex ${duplex}`,
    duplex === 'None' ? '<</Duplex false>> setpagedevice' : '<</Duplex true /Tumble false>> setpagedevice',
    '%%EndFeature',
  ].join('\n');
  return postScriptText({ pages, title: 'Driver doc' }).replace('%%BeginSetup\n', `%%BeginSetup\n${features}\n${extraSetup}`);
}

interface XlPage {
  begin: Map<number, number | null>;
  copies: number | null;
}

/** BeginPage attributes and EndPage PageCopies, page by page, read with the PCL XL tokenizer. */
function xlPages(file: Buffer): XlPage[] {
  const pages: XlPage[] = [];
  const tok = new PclXlTokenizer((op, attrs) => {
    const scalar = (id: number): number | null => attrs.find((a) => a.id === id)?.value?.nums?.[0] ?? null;
    if (op === 0x43) pages.push({ begin: new Map(attrs.map((a) => [a.id, a.value?.nums?.[0] ?? null])), copies: null });
    if (op === 0x44 && pages.length > 0) pages[pages.length - 1].copies = scalar(0x31);
  });
  tok.write(file.subarray(file.indexOf(') HP-PCL XL')));
  tok.end();
  assert.notEqual(tok.status, 'malformed');
  return pages;
}

function pclCommands(file: Buffer, re: RegExp): string[] {
  return [...file.toString('latin1').matchAll(re)].map((m) => m[0].slice(1));
}

describe('PostScript rewritten and rendered by ghostscript', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  before(async () => {
    dir = await tempDir('late-binding-ps');
  });
  after(async () => {
    await dir.cleanup();
  });

  async function render(ps: string, name: string): Promise<{ xl: Buffer; pcl: Buffer }> {
    const src = join(dir.path, `${name}.ps`);
    await writeFile(src, ps, 'latin1');
    const xl = await readFile(await gsConvert(src, 'pxlmono', join(dir.path, `${name}.pxl`)));
    const pcl = await readFile(await gsConvert(src, 'ljet4d', join(dir.path, `${name}.pcl`)));
    return { xl, pcl };
  }

  test('driver feature blocks: copies 3 → PJL QTY=2 with PostScript copies 1; simplex → long-edge duplex', async () => {
    const doc = driverDoc(3, 3, 'None');
    const before = await render(doc, 'driver-before');
    assert.deepEqual(xlPages(before.xl).map((p) => p.copies), [3, 3, 3], 'gs honours the driver NumCopies');
    assert.ok(xlPages(before.xl).every((p) => p.begin.has(0x34) && !p.begin.has(0x35)));

    const { out, problems } = rewrite(doc, { copies: 2, sides: 'duplex-long' });
    assert.deepEqual(problems, []);
    assert.ok(out.startsWith(`${UEL}@PJL JOB\n@PJL SET QTY=2\n@PJL SET DUPLEX=ON\n@PJL SET BINDING=LONGEDGE\n@PJL ENTER LANGUAGE=POSTSCRIPT\n`));
    const ps = psSection(out);
    assert.ok(ps.includes('%%BeginNonPPDFeature: NumCopies 1\n<</NumCopies 1>> setpagedevice\n%%EndNonPPDFeature\n'));
    assert.ok(ps.includes('%%BeginFeature: *Duplex DuplexNoTumble\n<</Duplex true /Tumble false>> setpagedevice\n%%EndFeature\n'));
    assert.ok(ps.includes('[{ <</Duplex true /Tumble false>> setpagedevice } stopped cleartomark\n[{ <</NumCopies 1>> setpagedevice } stopped cleartomark\n%%EndSetup\n'));

    const after = await render(ps, 'driver-after');
    const pages = xlPages(after.xl);
    assert.equal(pages.length, 3);
    assert.deepEqual(pages.map((p) => p.copies), [1, 1, 1], 'copies only in PJL');
    assert.deepEqual(pages.map((p) => p.begin.get(0x35)), [1, 1, 1], 'DuplexPageMode = vertical binding (long edge)');
    assert.deepEqual(pages.map((p) => p.begin.get(0x36)), [0, 1, 0], 'DuplexPageSide alternates');
    const facts = createPclXlInspector();
    facts.write(after.xl.subarray(after.xl.indexOf(') HP-PCL XL')));
    facts.end();
    assert.equal(facts.result().duplex, true);
    assert.equal(facts.result().copies, 1);

    // eslint-disable-next-line no-control-regex -- PCL escapes start with ESC
    assert.deepEqual(pclCommands(before.pcl, /\x1b&l\d+[SX]/g).slice(0, 2), ['&l0S', '&l3X']);
    // eslint-disable-next-line no-control-regex -- PCL escapes start with ESC
    const cmds = pclCommands(after.pcl, /\x1b&l\d+[SX]/g);
    assert.ok(cmds.includes('&l1S') && !cmds.includes('&l0S'), cmds.join(' '));
    assert.ok(cmds.includes('&l1X') && !cmds.includes('&l3X'), cmds.join(' '));
    const pcl = createPcl5Inspector();
    pcl.write(after.pcl);
    pcl.end();
    assert.deepEqual({ duplex: pcl.result().duplex, copies: pcl.result().copies }, { duplex: true, copies: 1 });
  });

  test('short-edge duplex → DuplexPageMode 0 (horizontal binding)', async () => {
    const { out } = rewrite(driverDoc(2, 1, 'None'), { sides: 'duplex-short' });
    const after = await render(psSection(out), 'short');
    assert.deepEqual(xlPages(after.xl).map((p) => p.begin.get(0x35)), [0, 0]);
    // gs 10's ljet4d writes ESC&l1S whatever /Tumble says, so only duplex itself is checked there.
    // eslint-disable-next-line no-control-regex -- PCL escapes start with ESC
    assert.ok(pclCommands(after.pcl, /\x1b&l\d+S/g).includes('&l1S'));
  });

  test('duplex → simplex: the driver block and the injection turn duplex off', async () => {
    const doc = driverDoc(2, 1, 'DuplexNoTumble');
    const before = await render(doc, 'was-duplex');
    assert.ok(xlPages(before.xl).every((p) => p.begin.get(0x35) === 1));
    const { out } = rewrite(doc, { sides: 'simplex' });
    const after = await render(psSection(out), 'now-simplex');
    const pages = xlPages(after.xl);
    assert.ok(pages.every((p) => p.begin.has(0x34) && !p.begin.has(0x35)), 'SimplexPageMode on every page');
    // eslint-disable-next-line no-control-regex -- PCL escapes start with ESC
    assert.ok(pclCommands(after.pcl, /\x1b&l\d+S/g).every((c) => c === '&l0S'));
  });

  test('copies set by plain setup code (no feature block) are overridden by the injection before %%EndSetup', async () => {
    const doc = postScriptText({ pages: 2 }).replace('%%EndSetup\n', '<</NumCopies 4>> setpagedevice\n%%EndSetup\n');
    assert.deepEqual(xlPages((await render(doc, 'code-before')).xl).map((p) => p.copies), [4, 4]);
    const { out } = rewrite(doc, { copies: 2 });
    const ps = psSection(out);
    assert.ok(ps.includes('<</NumCopies 4>> setpagedevice\n[{ <</NumCopies 1>> setpagedevice } stopped cleartomark\n%%EndSetup\n'), 'code left alone');
    assert.deepEqual(xlPages((await render(ps, 'code-after')).xl).map((p) => p.copies), [1, 1]);
  });

  test('no setup section: the request goes before the first %%Page:', async () => {
    const doc = postScriptText({ pages: 2 }).replace('%%BeginSetup\n%%EndSetup\n', '');
    const { out } = rewrite(doc, { sides: 'duplex-long' });
    const ps = psSection(out);
    assert.ok(ps.includes('%%EndProlog\n[{ <</Duplex true /Tumble false>> setpagedevice } stopped cleartomark\n%%Page: 1 1\n'));
    assert.equal(ps.split('stopped cleartomark').length, 2, 'injected once');
    assert.deepEqual(xlPages((await render(ps, 'no-setup')).xl).map((p) => p.begin.get(0x35)), [1, 1]);
  });

  test('PostScript without DSC: the request goes right after the first line', async () => {
    const doc = '%!PS\r\n/Helvetica findfont 20 scalefont setfont\r\n72 700 moveto (A) show showpage\r\n72 700 moveto (B) show showpage\r\n';
    const { out, problems } = rewrite(doc, { sides: 'duplex-long', copies: 3 });
    assert.deepEqual(problems, []);
    const ps = psSection(out);
    assert.ok(ps.startsWith('%!PS\r\n[{ <</Duplex true /Tumble false>> setpagedevice } stopped cleartomark\r\n[{ <</NumCopies 1>> setpagedevice } stopped cleartomark\r\n/Helvetica'), JSON.stringify(ps.slice(0, 120)));
    const pages = xlPages((await render(ps, 'no-dsc')).xl);
    assert.deepEqual(pages.map((p) => [p.begin.get(0x35), p.copies]), [[1, 1], [1, 1]]);
  });
});

describe('PostScript structure', () => {
  test('a %%EndSetup inside %%BeginBinary data or an embedded document is not the injection point', () => {
    const bin = 'xx\n%%EndSetup\nyy';
    const doc =
      '%!PS-Adobe-3.0\n%%EndComments\n%%BeginSetup\n' +
      `%%BeginBinary: ${bin.length}\n${bin}\n%%EndBinary\n` +
      '%%BeginDocument: inner.eps\n%!PS-Adobe-3.0 EPSF-3.0\n%%BeginFeature: *Duplex None\n%%EndFeature\n%%EndSetup\n%%EndDocument\n' +
      '%%EndSetup\n%%Page: 1 1\nshowpage\n';
    const { out } = rewrite(doc, { sides: 'duplex-long' });
    const ps = psSection(out);
    const inj = '[{ <</Duplex true /Tumble false>> setpagedevice } stopped cleartomark\n';
    assert.equal(ps, doc.replace('%%EndDocument\n%%EndSetup\n', `%%EndDocument\n${inj}%%EndSetup\n`));
  });

  test('%%IncludeFeature and CR-only line endings are followed', () => {
    const doc = '%!PS-Adobe-3.0\r%%IncludeFeature: *Duplex DuplexTumble\r%%BeginSetup\r%%EndSetup\r%%Page: 1 1\rshowpage\r';
    const { out } = rewrite(doc, { sides: 'simplex' });
    assert.equal(
      psSection(out),
      '%!PS-Adobe-3.0\r%%IncludeFeature: *Duplex None\r%%BeginSetup\r[{ <</Duplex false>> setpagedevice } stopped cleartomark\r%%EndSetup\r%%Page: 1 1\rshowpage\r',
    );
  });

  test('feature blocks that are not ours, unterminated or too long are left as they are', () => {
    const other = '%%BeginFeature: *PageSize A4\n<</PageSize [595 842]>> setpagedevice\n%%EndFeature\n';
    const long = `%%BeginFeature: *Duplex DuplexTumble\n${'% padding\n'.repeat(FEATURE_CAP / 10 + 10)}%%EndFeature\n`;
    const doc = `%!PS-Adobe-3.0\n%%BeginSetup\n${other}${long}%%BeginFeature: *NumCopies 2\n2 /#copies exch def\n%%EndSetup\n%%Page: 1 1\n`;
    const { out, problems } = rewrite(doc, { sides: 'simplex', copies: 1 });
    const ps = psSection(out);
    assert.ok(ps.includes(other) && ps.includes(long) && ps.includes('%%BeginFeature: *NumCopies 2\n2 /#copies exch def\n'));
    assert.deepEqual(problems, ['PS_FEATURE_NOT_EDITED']);
    assert.ok(ps.includes('stopped cleartomark\n%%EndSetup\n'), 'still injected');
  });

  test('no place to inject is reported, not guessed', () => {
    const { out, problems } = rewrite('%!PS-Adobe-3.0\nshowpage\n', { copies: 2 });
    assert.deepEqual(problems, ['PS_NOT_INJECTED']);
    assert.equal(psSection(out), '%!PS-Adobe-3.0\nshowpage\n');
  });

  test('after the injection the rest passes through untouched, even feature blocks', () => {
    const rest = '%%Page: 1 1\n%%BeginPageSetup\n%%BeginFeature: *Duplex None\n<</Duplex false>> setpagedevice\n%%EndFeature\n%%EndPageSetup\nshowpage\n%%EOF\n';
    const doc = `%!PS-Adobe-3.0\n%%BeginSetup\n%%EndSetup\n${rest}`;
    const ps = psSection(rewrite(doc, { sides: 'duplex-long' }).out);
    assert.ok(ps.endsWith(`%%EndSetup\n${rest}`));
  });
});
