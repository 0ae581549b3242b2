import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPostScriptInspector, MAX_DSC_LINE } from '../../../main/pdl/postscript.js';
import { gsConvert, makePdf, makePostScript, pdfPageCount, tempDir } from '../../helpers/documents.js';
import { inspectAllWays, sectionAllWays, UEL } from './feed.js';

const ps = (bytes: Buffer | string): ReturnType<typeof sectionAllWays> => sectionAllWays(createPostScriptInspector, bytes);

function doc(lines: string[], eol = '\n'): string {
  return lines.join(eol) + eol;
}

describe('DSC header and pages', () => {
  test('title, user and pages from a plain header', () => {
    const r = ps(doc(['%!PS-Adobe-3.0', '%%Title: Plain title', '%%For: alice', '%%Pages: 2', '%%EndComments', '%%Page: 1 1', 'showpage', '%%Page: 2 2', 'showpage', '%%EOF']));
    assert.deepEqual(r.facts, { title: 'Plain title', user: 'alice', pages: 2, copies: null, duplex: null, color: null });
    assert.deepEqual(r.problems, []);
  });

  test('parenthesised titles with escapes, octal UTF-8 and nested parentheses', () => {
    const r = ps(doc(['%!PS-Adobe-3.0', '%%Title: (Budget \\(draft\\) (v2) caf\\303\\251\\tend)', '%%For: (bob)', '%%EndComments']));
    assert.equal(r.facts.title, 'Budget (draft) (v2) café end');
    assert.equal(r.facts.user, 'bob');
  });

  test('CRLF and CR line endings, split anywhere', () => {
    for (const eol of ['\r\n', '\r']) {
      const r = ps(doc(['%!PS-Adobe-3.0', '%%Title: (T)', '%%EndComments', '%%Page: 1 1', '%%Page: 2 2', '%%EOF'], eol));
      assert.equal(r.facts.pages, 2, JSON.stringify(eol));
      assert.equal(r.facts.title, 'T');
    }
  });

  test('(atend): the value after %%Trailer wins, the last occurrence wins', () => {
    const r = ps(doc(['%!PS-Adobe-3.0', '%%Title: (atend)', '%%Pages: (atend)', '%%EndComments', 'x', '%%Trailer', '%%Title: (Late)', '%%Pages: 4', '%%Pages: 5', '%%EOF']));
    assert.equal(r.facts.title, 'Late');
    assert.equal(r.facts.pages, 5);
  });

  test('%%Page lines are counted and win over %%Pages; %%Pages is the fallback', () => {
    assert.equal(ps(doc(['%!PS', '%%Pages: 9', '%%EndComments', '%%Page: 1 1', '%%Page: 2 2'])).facts.pages, 2);
    assert.equal(ps(doc(['%!PS', '%%Pages: 9 1', '%%EndComments', 'showpage'])).facts.pages, 9);
    assert.equal(ps(doc(['%!PS', 'showpage'])).facts.pages, null);
  });

  test('header comments after the header and inside the body are ignored', () => {
    const r = ps(doc(['%!PS-Adobe-3.0', '%%Title: (Real)', 'code line ends the header', '%%Title: (Body)', '%%Pages: 7', '%%Page: 1 1']));
    assert.equal(r.facts.title, 'Real');
    assert.equal(r.facts.pages, 1);
  });

  test('embedded documents: %%Page at depth > 0 is not counted, nor their title', () => {
    const r = ps(doc([
      '%!PS-Adobe-3.0', '%%Title: (Outer)', '%%EndComments', '%%Page: 1 1',
      '%%BeginDocument: logo.eps', '%!PS-Adobe-3.0 EPSF-3.0', '%%Title: (Inner)', '%%Pages: 1', '%%EndComments', '%%Page: 1 1',
      '%%BeginDocument: nested.eps', '%%Page: 1 1', '%%EndDocument', '%%Page: 2 2', '%%Trailer', '%%Title: (Inner trailer)', '%%EndDocument',
      '%%Page: 2 2', '%%EOF',
    ]));
    assert.equal(r.facts.pages, 2);
    assert.equal(r.facts.title, 'Outer');
  });

  test('%%BeginData byte spans are skipped, even when they hold DSC-looking lines', () => {
    const data = '\n%%Page: 9 9\n%%EndDocument\r\n\x00\xff';
    const r = ps(doc(['%!PS', '%%EndComments', '%%Page: 1 1', `%%BeginData: ${data.length} Binary Bytes`]) + data + doc(['', '%%EndData', '%%Page: 2 2']));
    assert.equal(r.facts.pages, 2);
    // With CRLF after the BeginData line, the LF is part of the line end, not data.
    const r2 = ps(`%!PS\r\n%%BeginBinary: ${data.length}\r\n${data}\r\n%%EndBinary\r\n%%Page: 1 1\r\n`);
    assert.equal(r2.facts.pages, 1);
    assert.deepEqual(r2.problems, []);
  });

  test('%%BeginData in Lines skips that many lines, whatever the line ends', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const r = ps(doc(['%!PS', '%%Page: 1 1', '%%BeginData: 2 Hex Lines', '%%Page: 8 8', '%%Page: 9 9', '%%EndData', '%%Page: 2 2'], eol));
      assert.equal(r.facts.pages, 2, JSON.stringify(eol));
    }
  });

  test('malformed or truncated data spans are problems, not exceptions', () => {
    const bad = ps(doc(['%!PS', '%%BeginData: lots', '%%Page: 1 1']));
    assert.equal(bad.facts.pages, 1);
    assert.deepEqual(bad.problems, ['MALFORMED_DSC']);
    const huge = ps(doc(['%!PS', '%%Page: 1 1', '%%BeginData: 99999999999999', '%%Page: 2 2']));
    assert.equal(huge.facts.pages, 1);
    assert.deepEqual(huge.problems, ['MALFORMED_DSC']);
  });

  test('Ctrl-D framing at the start and the end is ignored', () => {
    const r = ps('\x04%!PS-Adobe-3.0\n%%Title: (D)\n%%EndComments\n%%Page: 1 1\nshowpage\n\x04');
    assert.equal(r.facts.title, 'D');
    assert.equal(r.facts.pages, 1);
  });

  test('DSC lines longer than the cap are truncated and the buffer stays bounded', () => {
    const long = `%%Title: (${'a'.repeat(MAX_DSC_LINE * 3)})`;
    const r = ps(doc(['%!PS', long, '%%EndComments', '%%Page: 1 1']));
    assert.equal(r.facts.pages, 1);
    assert.equal(r.facts.title?.length, 256);
  });
});

describe('DSC settings', () => {
  test('copies from NumCopies features; Requirements only as a hint', () => {
    assert.equal(ps(doc(['%!PS', '%%BeginNonPPDFeature: NumCopies 4', '1 dict dup /NumCopies 4 put setpagedevice', '%%EndNonPPDFeature'])).facts.copies, 4);
    assert.equal(ps(doc(['%!PS', '%%BeginFeature: *NumCopies 3', '%%EndFeature'])).facts.copies, 3);
    assert.equal(ps(doc(['%!PS', '%%Requirements: numcopies(2) collate', '%%EndComments'])).facts.copies, 2);
    assert.equal(ps(doc(['%!PS', '%%Requirements: numcopies(2)', '%%EndComments', '%%BeginFeature: *NumCopies 5'])).facts.copies, 5);
    // Code that mentions NumCopies is not read: a regex over code is unreliable (§6).
    assert.equal(ps(doc(['%!PS', '/NumCopies 4 -1 roll put'])).facts.copies, null);
  });

  test('duplex from *Duplex features (Windows featurebegin blocks)', () => {
    const block = (v: string): string => doc(['%!PS', 'featurebegin{', `%%BeginFeature: *Duplex ${v}`, '<</Duplex true /Tumble false>> setpagedevice', '%%EndFeature', '}featurecleanup']);
    assert.equal(ps(block('DuplexNoTumble')).facts.duplex, true);
    assert.equal(ps(block('DuplexTumble')).facts.duplex, true);
    assert.equal(ps(block('None')).facts.duplex, false);
    assert.equal(ps(doc(['%!PS', '%%Requirements: duplex(tumble)', '%%EndComments'])).facts.duplex, true);
    assert.equal(ps(doc(['%!PS', '<</Duplex true>> setpagedevice'])).facts.duplex, null);
  });

  test('colour only from DSC evidence: ColorModel, DocumentProcessColors, Requirements', () => {
    assert.equal(ps(doc(['%!PS', '%%BeginFeature: *ColorModel Gray', '%%EndFeature'])).facts.color, false);
    assert.equal(ps(doc(['%!PS', '%%BeginFeature: *ColorModel CMYK', '%%EndFeature'])).facts.color, true);
    // Lexmark PPDs: *ColorMode TrueM / FalseM; PrinterS (the printer's setting) says nothing.
    assert.equal(ps(doc(['%!PS', '%%BeginFeature: *ColorMode FalseM', '%%EndFeature'])).facts.color, false);
    assert.equal(ps(doc(['%!PS', '%%BeginFeature: *ColorMode TrueM', '%%EndFeature'])).facts.color, true);
    assert.equal(ps(doc(['%!PS', '%%BeginFeature: *ColorMode PrinterS', '%%EndFeature'])).facts.color, null);
    assert.equal(ps(doc(['%!PS', '%%DocumentProcessColors: Cyan Black', '%%EndComments'])).facts.color, true);
    assert.equal(ps(doc(['%!PS', '%%DocumentProcessColors: Black', '%%EndComments'])).facts.color, false);
    assert.equal(ps(doc(['%!PS', '%%Requirements: color', '%%EndComments'])).facts.color, true);
    assert.equal(ps(doc(['%!PS', '1 0 0 setrgbcolor'])).facts.color, null);
  });
});

describe('PostScript framing', () => {
  test('DOS EPS binary header: the PostScript part is read, the preview skipped', () => {
    const body = Buffer.from(doc(['%!PS-Adobe-3.0 EPSF-3.0', '%%Title: (Boxed)', '%%Pages: 1', '%%EndComments']), 'latin1');
    const preview = Buffer.from('\n%%Page: 1 1\n%%Page: 2 2\n%%Title: (preview)\n', 'latin1');
    const head = Buffer.alloc(30);
    Buffer.from([0xc5, 0xd0, 0xd3, 0xc6]).copy(head);
    head.writeUInt32LE(30 + 4, 4); // 4 filler bytes before the PostScript
    head.writeUInt32LE(body.length, 8);
    head.writeUInt32LE(30 + 4 + body.length, 12);
    head.writeUInt32LE(preview.length, 16);
    const file = Buffer.concat([head, Buffer.from('\n%%P'), body, preview]);
    const r = ps(file);
    assert.equal(r.facts.title, 'Boxed');
    assert.equal(r.facts.pages, 1);
    assert.deepEqual(r.problems, []);
  });

  test('a broken DOS EPS header is a problem', () => {
    const head = Buffer.alloc(30);
    Buffer.from([0xc5, 0xd0, 0xd3, 0xc6]).copy(head);
    head.writeUInt32LE(3, 4);
    assert.deepEqual(ps(head).problems, ['MALFORMED_DSC']);
  });

  test('TBCP: the 01 escapes are decoded before the DSC reader', async () => {
    // ^A M, then PostScript whose Ctrl-D and ESC bytes are sent as 01 44 / 01 5B.
    const body = '%!PS-Adobe-3.0\n%%Title: (TBCP job)\n%%EndComments\n%%BeginBinary: 3\n\x01\x44\x01\x5b\x01\x41\n%%EndBinary\n%%Page: 1 1\n%%Page: 2 2\n%%EOF\n\x01\x44';
    const f = await inspectAllWays(`\x01M${body}`);
    assert.equal(f.pdl, 'postscript');
    assert.equal(f.title, 'TBCP job');
    assert.equal(f.pages, 2);
    assert.deepEqual(f.problems, []);
  });
});

describe('PostScript from real documents', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  before(async () => {
    dir = await tempDir('ps-inspect');
  });
  after(async () => {
    await dir.cleanup();
  });

  test('a DSC document with a title: pages and title match the source', async () => {
    for (const pages of [1, 4]) {
      const title = `Report ${pages} (final) – ü`;
      const path = await makePostScript(dir.path, `doc${pages}.ps`, { pages, title, colorPages: [1] });
      const f = await inspectAllWays(await readFile(path));
      assert.equal(f.pdl, 'postscript');
      assert.equal(f.pages, pages);
      assert.equal(f.title, title);
    }
  });

  test('ghostscript ps2write output counts the pages pdfinfo counts', async () => {
    const pdf = await makePdf(dir.path, 'src.pdf', { pages: 5, title: 'Five' });
    const expected = await pdfPageCount(pdf);
    const out = await gsConvert(pdf, 'ps2write', join(dir.path, 'out.ps'));
    const f = await inspectAllWays(await readFile(out), 0);
    assert.equal(f.pdl, 'postscript');
    assert.equal(f.pages, expected);
    assert.deepEqual(f.problems, []);
  });

  test('PJL-wrapped ps2write output with a Windows-style header', async () => {
    const pdf = await makePdf(dir.path, 'wrapped.pdf', { pages: 3 });
    const expected = await pdfPageCount(pdf);
    const body = await readFile(await gsConvert(pdf, 'ps2write', join(dir.path, 'wrapped.ps')));
    const head = `${UEL}@PJL JOB NAME="Wrapped.pdf"\r\n@PJL SET USERNAME="alice"\r\n@PJL SET QTY=2\r\n@PJL SET DUPLEX=ON\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n\x04`;
    const job = Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from(`\x04${UEL}@PJL EOJ\r\n${UEL}`, 'latin1')]);
    const f = await inspectAllWays(job, 0);
    assert.equal(f.pages, expected);
    assert.equal(f.title, 'Wrapped.pdf'); // ps2write writes no %%Title: the PJL name is the fallback
    assert.equal(f.user, 'alice');
    assert.equal(f.copies, 2);
    assert.equal(f.duplex, true);
  });
});
