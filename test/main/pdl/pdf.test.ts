import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { readPdfDetails, readPdfFacts } from '../../../main/pdl/pdf.js';
import { makePdf, pdfInfo, pdfPageCount, tempDir } from '../../helpers/documents.js';
import { runOk } from '../../helpers/process.js';

// ---- helpers ----------------------------------------------------------------------------

let dir: { path: string; cleanup(): Promise<void> };

async function write(name: string, data: Buffer | string): Promise<string> {
  const p = join(dir.path, name);
  await writeFile(p, data);
  return p;
}

async function details(path: string, start = 0, end?: number): Promise<Awaited<ReturnType<typeof readPdfDetails>>> {
  const size = (await readFile(path)).length;
  return readPdfDetails(path, start, end ?? size);
}

/** pdfinfo's answer, the reference truth. */
async function truth(path: string): Promise<{ pages: number; title: string | undefined }> {
  const info = await pdfInfo(path);
  return { pages: await pdfPageCount(path), title: info.Title };
}

function lastStartXref(pdf: Buffer): number {
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(pdf.subarray(-128).toString('latin1'));
  assert.ok(m, 'no startxref at the end');
  return Number(m[1]);
}

interface QpdfJson {
  qpdf: [unknown, Record<string, { value: Record<string, unknown> }>];
}

/** Object dictionaries as qpdf sees them (used to build updates against real numbers). */
async function qpdfObjects(path: string): Promise<Record<string, Record<string, unknown>>> {
  const { stdout } = await runOk('qpdf', ['--json', '--json-key=qpdf', path]);
  const objs = (JSON.parse(stdout) as QpdfJson).qpdf[1];
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(objs)) out[k] = v.value;
  return out;
}

function refNum(ref: unknown): number {
  const m = /^(\d+) 0 R$/.exec(String(ref));
  assert.ok(m, `not a reference: ${String(ref)}`);
  return Number(m[1]);
}

/**
 * Appends an incremental update: new object bodies, a classic xref section listing them,
 * and a trailer with /Prev (ISO 32000 §7.5.6).
 */
function appendUpdate(pdf: Buffer, objects: Record<number, string>, trailer: Record<string, string>, size: number): Buffer {
  const parts: Buffer[] = [pdf];
  let at = pdf.length;
  const push = (s: string | Buffer): void => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    parts.push(b);
    at += b.length;
  };
  if (pdf[pdf.length - 1] !== 0x0a) push('\n');
  const offsets: [number, number][] = [];
  for (const [num, body] of Object.entries(objects)) {
    offsets.push([Number(num), at]);
    push(`${num} 0 obj\n${body}\nendobj\n`);
  }
  const xrefAt = at;
  let table = 'xref\n0 1\n0000000000 65535 f \n';
  for (const [num, off] of offsets) table += `${num} 1\n${String(off).padStart(10, '0')} 00000 n \n`;
  const extra = Object.entries(trailer).map(([k, v]) => `/${k} ${v}`).join(' ');
  push(`${table}trailer\n<< /Size ${size} ${extra} /Prev ${lastStartXref(pdf)} >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(parts);
}

type XrefMode = 'classic' | 'stream' | 'hybrid';

/**
 * A hand-built PDF. Objects listed in inObjStm go into one object stream (Flate); the xref is a
 * classic table, an XRef stream (W [1 4 2], PNG Up predictor, Flate), or hybrid (a classic
 * table plus /XRefStm for the compressed objects).
 */
function buildPdf(objects: Record<number, string | Buffer>, trailer: string, mode: XrefMode, inObjStm: number[] = []): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  const push = (s: string | Buffer): void => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    parts.push(b);
    at += b.length;
  };
  push('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const nums = Object.keys(objects).map(Number);
  const max = Math.max(...nums);
  const direct = new Map<number, number>();
  for (const n of nums) {
    if (inObjStm.includes(n)) continue;
    direct.set(n, at);
    push(`${n} 0 obj\n`);
    push(objects[n]);
    push('\nendobj\n');
  }
  let stmNum = 0;
  if (inObjStm.length > 0) {
    assert.notEqual(mode, 'classic');
    stmNum = max + 1;
    let header = '';
    let body = '';
    for (const n of inObjStm) {
      header += `${n} ${body.length} `;
      body += `${String(objects[n])}\n`;
    }
    const data = deflateSync(Buffer.from(header + '\n' + body, 'latin1'));
    direct.set(stmNum, at);
    push(`${stmNum} 0 obj\n<< /Type /ObjStm /N ${inObjStm.length} /First ${header.length + 1} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`);
    push(data);
    push('\nendstream\nendobj\n');
  }
  const xrefNum = Math.max(max, stmNum) + 1;
  const size = xrefNum + 1;
  const xrefStream = (rows: [number, number, number][], index: number[], extra: string): void => {
    // PNG "Up" predictor on 7-byte rows, as qpdf and Acrobat write it.
    const raw: number[] = [];
    let prev = [0, 0, 0, 0, 0, 0, 0];
    for (const [t, f2, f3] of rows) {
      const row = [t, (f2 >>> 24) & 0xff, (f2 >>> 16) & 0xff, (f2 >>> 8) & 0xff, f2 & 0xff, (f3 >> 8) & 0xff, f3 & 0xff];
      raw.push(2, ...row.map((b, i) => (b - prev[i]) & 0xff));
      prev = row;
    }
    const data = deflateSync(Buffer.from(raw));
    push(
      `${xrefNum} 0 obj\n<< /Type /XRef /Size ${size} /Index [${index.join(' ')}] /W [1 4 2] /Filter /FlateDecode ` +
        `/DecodeParms << /Predictor 12 /Columns 7 >> /Length ${data.length} ${extra} >>\nstream\n`,
    );
    push(data);
    push('\nendstream\nendobj\n');
  };
  if (mode === 'stream') {
    const xrefAt = at;
    direct.set(xrefNum, xrefAt);
    const rows: [number, number, number][] = [];
    for (let n = 0; n < size; n++) {
      const k = inObjStm.indexOf(n);
      if (k >= 0) rows.push([2, stmNum, k]);
      else if (direct.has(n)) rows.push([1, n === xrefNum ? xrefAt : (direct.get(n) as number), 0]);
      else rows.push([0, 0, n === 0 ? 65535 : 0]);
    }
    xrefStream(rows, [0, size], trailer);
    push(`startxref\n${xrefAt}\n%%EOF\n`);
    return Buffer.concat(parts);
  }
  let stmAt = -1;
  if (mode === 'hybrid') {
    stmAt = at;
    const rows: [number, number, number][] = inObjStm.map((_n, k) => [2, stmNum, k]);
    xrefStream(rows, inObjStm.flatMap((n) => [n, 1]), '');
  }
  const xrefAt = at;
  // Compressed objects are left out of a hybrid file's table (its /XRefStm lists them).
  let table = 'xref\n';
  let run: string[] = [];
  let runStart = 0;
  const flush = (): void => {
    if (run.length > 0) table += `${runStart} ${run.length}\n${run.join('')}`;
    run = [];
  };
  for (let n = 0; n < size; n++) {
    if (inObjStm.includes(n)) {
      flush();
      continue;
    }
    if (run.length === 0) runStart = n;
    const off = n === xrefNum && stmAt >= 0 ? stmAt : direct.get(n);
    if (off !== undefined) run.push(`${String(off).padStart(10, '0')} 00000 n \n`);
    else run.push(n === 0 ? '0000000000 65535 f \n' : '0000000000 00000 f \n');
  }
  flush();
  const hybrid = stmAt >= 0 ? ` /XRefStm ${stmAt}` : '';
  push(`${table}trailer\n<< /Size ${size} ${trailer}${hybrid} >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(parts);
}

const PAGE = (parent: number): string => `<< /Type /Page /Parent ${parent} 0 R /MediaBox [0 0 200 200] >>`;

/** A 2-page document: catalog 1, pages 2, pages 3 and 4, info 5. */
function twoPages(title: string): Record<number, string> {
  return {
    1: '<< /Type /Catalog /Pages 2 0 R >>',
    2: '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    3: PAGE(2),
    4: PAGE(2),
    5: `<< /Title ${title} /Producer (PullPrint test) >>`,
  };
}

// ---- tests ------------------------------------------------------------------------------

describe('readPdfFacts', () => {
  let jobPdf = '';
  let jobBytes: Buffer = Buffer.alloc(0);

  before(async () => {
    dir = await tempDir('pdf');
    jobPdf = await makePdf(dir.path, 'job.pdf', { pages: 3, title: 'Quarterly (draft) report', colorPages: [2] });
    jobBytes = await readFile(jobPdf);
  });
  after(async () => dir.cleanup());

  test('gs pdfwrite output: pages and title match pdfinfo, through the xref', async () => {
    const ref = await truth(jobPdf);
    const d = await details(jobPdf);
    assert.equal(d.via, 'xref');
    // Colour and duplex are not known from a PDF: absent, not guessed.
    assert.equal(d.facts.color, undefined);
    assert.equal(d.facts.duplex, undefined);
    assert.deepEqual(d.facts, { pages: ref.pages, title: ref.title });
    assert.equal(ref.pages, 3);
  });

  test('linearized (qpdf --linearize)', async () => {
    const out = join(dir.path, 'linear.pdf');
    await runOk('qpdf', ['--linearize', jobPdf, out]);
    assert.match((await readFile(out)).subarray(0, 1024).toString('latin1'), /\/Linearized/);
    const d = await details(out);
    assert.equal(d.via, 'xref');
    assert.deepEqual(d.facts, { pages: (await truth(out)).pages, title: (await truth(out)).title });
  });

  test('object streams and an XRef stream (qpdf --object-streams=generate)', async () => {
    const out = join(dir.path, 'objstm.pdf');
    await runOk('qpdf', ['--object-streams=generate', jobPdf, out]);
    const text = (await readFile(out)).toString('latin1');
    assert.match(text, /\/Type \/ObjStm/);
    assert.match(text, /\/Type \/XRef/);
    assert.doesNotMatch(text, /\/Type \/Pages/, 'the page tree root should be compressed');
    const d = await details(out);
    assert.equal(d.via, 'xref');
    assert.deepEqual(d.facts, { pages: (await truth(out)).pages, title: (await truth(out)).title });
  });

  test('an incremental update that drops a page: 2 pages, as pdfinfo says', async () => {
    const objs = await qpdfObjects(jobPdf);
    const trailerStr = (await runOk('qpdf', ['--show-object=trailer', jobPdf])).stdout;
    const rootNum = refNum(/\/Root (\d+ 0 R)/.exec(trailerStr)?.[1]);
    const infoNum = refNum(/\/Info (\d+ 0 R)/.exec(trailerStr)?.[1]);
    const pagesNum = refNum(objs[`obj:${rootNum} 0 R`]['/Pages']);
    const kids = objs[`obj:${pagesNum} 0 R`]['/Kids'] as string[];
    assert.equal(kids.length, 3);
    const size = Number(/\/Size (\d+)/.exec(trailerStr)?.[1]);
    const updated = appendUpdate(
      jobBytes,
      { [pagesNum]: `<< /Type /Pages /Kids [${kids.slice(0, 2).join(' ')}] /Count 2 >>` },
      { Root: `${rootNum} 0 R`, Info: `${infoNum} 0 R` },
      size,
    );
    const path = await write('incr.pdf', updated);
    const ref = await truth(path);
    assert.equal(ref.pages, 2);
    const d = await details(path);
    assert.equal(d.via, 'xref');
    assert.deepEqual(d.facts, { pages: 2, title: ref.title });

    // The same update with its startxref corrupted: the recovery scan's "last definition
    // wins" must still see the 2-page tree.
    const broken = Buffer.from(updated);
    const tail = broken.subarray(-64).toString('latin1');
    const m = /startxref\n(\d+)/.exec(tail);
    assert.ok(m);
    broken.write('9'.repeat(m[1].length), broken.length - 64 + m.index + 10, 'latin1');
    const bpath = await write('incr-broken.pdf', broken);
    const bd = await details(bpath);
    assert.equal(bd.via, 'recovery');
    assert.equal(bd.facts.pages, await pdfPageCount(bpath));
    assert.equal(bd.facts.pages, 2);
  });

  test('a corrupt startxref is recovered by the scan', async () => {
    const broken = Buffer.from(jobBytes);
    const off = lastStartXref(broken);
    const i = broken.lastIndexOf(`startxref\n${off}`);
    assert.ok(i > 0);
    broken.write('1'.repeat(String(off).length), i + 10, 'latin1');
    const path = await write('badxref.pdf', broken);
    const d = await details(path);
    assert.equal(d.via, 'recovery');
    assert.deepEqual(d.facts, { pages: (await truth(path)).pages, title: (await truth(jobPdf)).title });
  });

  test('no xref and no trailer at all: the catalog found by the scan gives the pages', async () => {
    const cut = jobBytes.subarray(0, jobBytes.lastIndexOf('\nxref') + 1);
    const path = await write('noxref.pdf', cut);
    const d = await details(path);
    assert.equal(d.via, 'recovery');
    // pdfinfo cannot open this one; the intact original is the reference.
    assert.equal(d.facts.pages, await pdfPageCount(jobPdf));
    // No /Info without a trailer: the title comes from the XMP metadata gs writes.
    assert.equal(d.facts.title, (await truth(jobPdf)).title);
  });

  test('a PDF wrapped in PJL (start > 0, trailing UEL)', async () => {
    const head = Buffer.from('\x1b%-12345X@PJL JOB NAME="x"\r\n@PJL ENTER LANGUAGE=PDF\r\n', 'latin1');
    const tail = Buffer.from('\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X', 'latin1');
    const path = await write('wrapped.prn', Buffer.concat([head, jobBytes, tail]));
    const ref = await truth(jobPdf);
    assert.deepEqual(await readPdfFacts(path, head.length, head.length + jobBytes.length), { pages: ref.pages, title: ref.title });
    // The section may also run to the end of the file, trailing PJL included.
    const d = await details(path, head.length);
    assert.equal(d.via, 'xref');
    assert.deepEqual(d.facts, { pages: ref.pages, title: ref.title });
  });

  test('titles: literal escapes, hex, PDFDocEncoding, UTF-16BE, UTF-8 BOM', async () => {
    const cases: [string, string | null][] = [
      ['(Paren \\(x\\) back\\\\slash \\101\\102\\103 tab\\tend)', null],
      ['(Split \\\nline)', null],
      ['<48657820 7469746C65>', null],
      ['(Bullet \\200 euro \\240)', null],
      ['<FEFF 0043 0061 0066 0065 0301 0020 2013 0020 6771 4EAC>', 'Cafe\u0301 – 東京'],
      ['<FEFF D83D DE00>', null],
      ['<EFBBBF 4772C3BC C39F65>', 'Grüße'], // PDF 2.0 UTF-8; poppler 22 does not decode it
    ];
    for (const [i, [lit, expected]] of cases.entries()) {
      const path = await write(`title-${i}.pdf`, buildPdf(twoPages(lit), '/Root 1 0 R /Info 5 0 R', 'classic'));
      const facts = await readPdfFacts(path, 0, Number.MAX_SAFE_INTEGER);
      // Tabs and line breaks in a title are reported as spaces (it is shown on one line).
      const want = expected ?? (await truth(path)).title?.replace(/[\t\r\n]+/g, ' ');
      assert.deepEqual(facts, { pages: 2, title: want }, lit);
    }
  });

  test('XMP dc:title when /Info has none', async () => {
    const xmp =
      '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>' +
      '<rdf:li xml:lang="de">Bericht</rdf:li><rdf:li xml:lang="x-default">Report &amp; Plan</rdf:li></rdf:Alt></dc:title>' +
      '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
    const data = deflateSync(Buffer.from(xmp, 'utf8'));
    const objs: Record<number, string | Buffer> = { ...twoPages('()') };
    objs[1] = '<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>';
    objs[6] = Buffer.concat([
      Buffer.from(`<< /Type /Metadata /Subtype /XML /Filter /FlateDecode /Length ${data.length} >>\nstream\n`, 'latin1'),
      data,
      Buffer.from('\nendstream', 'latin1'),
    ]);
    const path = await write('xmp.pdf', buildPdf(objs, '/Root 1 0 R /Info 5 0 R', 'classic'));
    assert.deepEqual(await readPdfFacts(path, 0, (await readFile(path)).length), { pages: 2, title: 'Report & Plan' });
  });

  test('hand-built XRef stream with PNG predictor and object stream; hybrid /XRefStm', async () => {
    for (const mode of ['stream', 'hybrid'] as const) {
      const path = await write(`hand-${mode}.pdf`, buildPdf(twoPages('(Hand built)'), '/Root 1 0 R /Info 5 0 R', mode, [1, 2, 5]));
      await runOk('qpdf', ['--check', path]);
      const ref = await truth(path);
      assert.equal(ref.pages, 2);
      const d = await details(path);
      assert.equal(d.via, 'xref', mode);
      assert.deepEqual(d.facts, { pages: ref.pages, title: ref.title }, mode);
    }
  });

  test('a /Prev loop and a /Prev out of range do not hang or fail', async () => {
    const base = buildPdf(twoPages('(Loop)'), '/Root 1 0 R /Info 5 0 R', 'classic');
    const xrefAt = lastStartXref(base);
    const looped = Buffer.from(base.toString('latin1').replace('/Info 5 0 R >>', `/Info 5 0 R /Prev ${xrefAt} >>`), 'latin1');
    const far = Buffer.from(base.toString('latin1').replace('/Info 5 0 R >>', '/Info 5 0 R /Prev 99999999 >>'), 'latin1');
    for (const [name, bytes] of [['loop', looped], ['far', far]] as const) {
      const path = await write(`prev-${name}.pdf`, bytes);
      const d = await details(path);
      assert.equal(d.via, 'xref', name);
      assert.deepEqual(d.facts, { pages: 2, title: 'Loop' }, name);
    }
  });

  test('missing /Count: the page tree leaves are counted', async () => {
    const objs = twoPages('(No count)');
    objs[2] = '<< /Type /Pages /Kids [3 0 R 4 0 R] >>';
    const path = await write('nocount.pdf', buildPdf(objs, '/Root 1 0 R /Info 5 0 R', 'classic'));
    assert.equal((await readPdfFacts(path, 0, 1e9)).pages, 2);
  });

  test('encrypted (AES-256, empty user password): pages read directly, title from pdfinfo', async () => {
    const out = join(dir.path, 'enc.pdf');
    await runOk('qpdf', ['--encrypt', '', 'owner-secret', '256', '--', jobPdf, out]);
    const ref = await truth(out);
    const d = await details(out);
    assert.equal(d.encrypted, true);
    assert.equal(d.usedPdfInfo, true);
    assert.deepEqual(d.facts, { pages: ref.pages, title: ref.title });

    // Page tree inside an encrypted object stream: pages can only come from pdfinfo.
    const out2 = join(dir.path, 'enc-objstm.pdf');
    await runOk('qpdf', ['--object-streams=generate', '--encrypt', '', 'owner-secret', '256', '--', jobPdf, out2]);
    const d2 = await details(out2);
    assert.equal(d2.usedPdfInfo, true);
    assert.equal(d2.via, 'xref', 'no recovery scan for a readable but encrypted xref');
    assert.deepEqual(d2.facts, { pages: (await truth(out2)).pages, title: (await truth(out2)).title });

    // And inside a PJL wrapper: pdfinfo is fed the slice.
    const head = Buffer.from('\x1b%-12345X@PJL ENTER LANGUAGE=PDF\n', 'latin1');
    const wrapped = await write('enc-wrapped.prn', Buffer.concat([head, await readFile(out2), Buffer.from('\x1b%-12345X')]));
    assert.deepEqual(await readPdfFacts(wrapped, head.length, head.length + (await readFile(out2)).length), d2.facts);
  });

  test('an encrypted file whose user password is unknown gives no title and pages only if readable', async () => {
    const out = join(dir.path, 'enc-user.pdf');
    await runOk('qpdf', ['--object-streams=generate', '--encrypt', 'user-secret', 'owner-secret', '256', '--', jobPdf, out]);
    const d = await details(out);
    assert.equal(d.encrypted, true);
    assert.equal(d.facts.title, undefined);
    assert.equal(d.facts.pages, undefined);
  });

  test('random access: a 24 MiB PDF is answered from a few KiB of reads', async () => {
    const objs: Record<number, string | Buffer> = { ...twoPages('(Large)') };
    const payload = Buffer.alloc(24 * 1024 * 1024, 0x41);
    objs[6] = Buffer.concat([Buffer.from(`<< /Length ${payload.length} >>\nstream\n`), payload, Buffer.from('\nendstream')]);
    const path = await write('large.pdf', buildPdf(objs, '/Root 1 0 R /Info 5 0 R', 'classic'));
    const d = await details(path);
    assert.deepEqual(d.facts, { pages: (await truth(path)).pages, title: 'Large' });
    assert.ok(d.bytesRead < 256 * 1024, `read ${d.bytesRead} bytes`);
  });

  test('bad input never rejects', async () => {
    const junk = await write('junk.bin', Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(1000)));
    assert.deepEqual(await readPdfFacts(junk, 0, 8009), {});
    assert.deepEqual(await readPdfFacts(join(dir.path, 'does-not-exist.pdf'), 0, 100), {});
    assert.deepEqual(await readPdfFacts(jobPdf, 50, 10), {});
    assert.deepEqual(await readPdfFacts(jobPdf, -5, Number.NaN), {});
    assert.deepEqual(await readPdfFacts(jobPdf, 1e12, 2e12), {});
    const empty = await write('empty.pdf', '');
    assert.deepEqual(await readPdfFacts(empty, 0, 0), {});
    // Not a PDF at the given start.
    assert.deepEqual(await readPdfFacts(jobPdf, 2000, jobBytes.length), {});
  });
});
