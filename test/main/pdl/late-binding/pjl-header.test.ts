// The first PJL block, byte by byte (PROTOCOLS.md §5 "Late-binding rewrite" rules 1–6).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLateBindingRewriter, createLateBindingTransform, type RewriteOptions } from '../../../../main/pdl/late-binding/index.js';
import { PJL_HEADER_CAP } from '../../../../main/pdl/late-binding/pjl-header.js';
import { PullPrintError } from '../../../../main/util/errors.js';
import { chunks, type Plan } from '../feed.js';

const UEL = '\x1b%-12345X';

/** Rewrites `input` fed whole, byte by byte and in random chunks; all three must agree. */
function rewrite(input: string | Buffer, opts: RewriteOptions): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const results = (['whole', 'bytes', { random: 5, max: 23 }] as Plan[]).map((plan) => {
    const r = createLateBindingRewriter(opts);
    const out: Buffer[] = [];
    for (const c of chunks(bytes, plan)) out.push(...r.write(c));
    out.push(...r.end());
    return Buffer.concat(out);
  });
  assert.ok(results[1].equals(results[0]), 'byte-at-a-time output differs');
  assert.ok(results[2].equals(results[0]), 'random-chunk output differs');
  return results[0].toString('latin1');
}

/** A Windows HP PostScript driver job in the manner of win-hp-ps.prn. */
function winHpPs(eol: string): { header: string; pdl: string; tail: string } {
  const l = (s: string): string => s + eol;
  const header =
    UEL +
    l('@PJL JOB NAME="Quarterly Report.docx"') +
    l('@PJL SET STRINGCODESET=UTF8') +
    l('@PJL COMMENT "Username: alice; App Filename: Quarterly Report.docx; 11-24-2026"') +
    l('@PJL SET JOBATTR="JobAcct1=alice"') +
    l('@PJL SET JOBATTR="JobAcct2=WS-0042"') +
    l('@PJL SET JOBATTR="JobAcct4=20261124093000"') +
    l('@PJL SET USERNAME="alice"') +
    l('@PJL SET QTY=1') +
    l('@PJL SET DUPLEX=ON') +
    l('@PJL SET BINDING=LONGEDGE') +
    l('@PJL SET RENDERMODE=COLOR') +
    l('@PJL SET RESOLUTION=600') +
    l('@PJL ENTER LANGUAGE=POSTSCRIPT');
  const pdl =
    '\x04' +
    l('%!PS-Adobe-3.0') +
    l('%%Title: Quarterly Report.docx') +
    l('%%Pages: 1') +
    l('%%EndComments') +
    l('%%BeginSetup') +
    l('featurebegin{') +
    l('%%BeginFeature: *Duplex DuplexNoTumble') +
    l('<</Duplex true /Tumble false>> setpagedevice') +
    l('%%EndFeature') +
    l('}featurecleanup') +
    l('%%EndSetup') +
    l('%%Page: 1 1') +
    l('showpage') +
    l('%%EOF') +
    '\x04';
  const tail = UEL + l('@PJL EOJ NAME="Quarterly Report.docx"') + UEL;
  return { header, pdl, tail };
}

describe('first PJL block', () => {
  for (const eol of ['\r\n', '\n']) {
    const name = eol === '\r\n' ? 'CRLF' : 'LF';
    test(`win-hp-ps example (${name}): QTY/DUPLEX/RENDERMODE replaced in place, PLANESINUSE inserted before ENTER`, () => {
      const job = winHpPs(eol);
      const out = rewrite(job.header + job.pdl + job.tail, { changes: { copies: 3, sides: 'simplex', color: 'mono' }, pdl: 'postscript', finishingDialect: 'hp' });
      const l = (s: string): string => s + eol;
      const expectedHeader =
        UEL +
        l('@PJL JOB NAME="Quarterly Report.docx"') +
        l('@PJL SET STRINGCODESET=UTF8') +
        l('@PJL COMMENT "Username: alice; App Filename: Quarterly Report.docx; 11-24-2026"') +
        l('@PJL SET JOBATTR="JobAcct1=alice"') +
        l('@PJL SET JOBATTR="JobAcct2=WS-0042"') +
        l('@PJL SET JOBATTR="JobAcct4=20261124093000"') +
        l('@PJL SET USERNAME="alice"') +
        l('@PJL SET QTY=3') +
        l('@PJL SET DUPLEX=OFF') +
        l('@PJL SET BINDING=LONGEDGE') +
        l('@PJL SET RENDERMODE=GRAYSCALE') +
        l('@PJL SET RESOLUTION=600') +
        l('@PJL SET PLANESINUSE=1') +
        l('@PJL ENTER LANGUAGE=POSTSCRIPT');
      assert.equal(out.slice(0, expectedHeader.length), expectedHeader);
      // The PostScript gets its Duplex feature block and the injected requests (§5 rule 5);
      // nothing else of the PDL or the closing EOJ changes.
      const expectedPdl = job.pdl
        .replace(`%%BeginFeature: *Duplex DuplexNoTumble${eol}<</Duplex true /Tumble false>> setpagedevice`, `%%BeginFeature: *Duplex None${eol}<</Duplex false>> setpagedevice`)
        .replace(
          `%%EndSetup${eol}`,
          `[{ <</Duplex false>> setpagedevice } stopped cleartomark${eol}[{ <</NumCopies 1>> setpagedevice } stopped cleartomark${eol}%%EndSetup${eol}`,
        );
      assert.equal(out.slice(expectedHeader.length), expectedPdl + job.tail);
    });

    test(`PDL bytes after ENTER stay byte-identical for PJL-only changes (${name})`, () => {
      const job = winHpPs(eol);
      const out = rewrite(job.header + job.pdl + job.tail, { changes: { color: 'mono', staple: 'top-left', punch: '2-hole' }, pdl: 'postscript' });
      const enter = out.indexOf(`@PJL ENTER LANGUAGE=POSTSCRIPT${eol}`);
      assert.ok(enter > 0);
      assert.equal(out.slice(enter + `@PJL ENTER LANGUAGE=POSTSCRIPT${eol}`.length), job.pdl + job.tail);
      // Every inserted line uses the block's own line ending.
      const block = out.slice(0, enter);
      const lines = block.slice(UEL.length).split(eol);
      assert.equal(lines.pop(), '');
      for (const line of lines) assert.ok(line.startsWith('@PJL'), `line ${JSON.stringify(line)} in ${name} block`);
      if (eol === '\n') assert.ok(!block.includes('\r'), 'no CR in an LF block');
    });
  }

  test('keeps JOB, COMMENT, JOBATTR and unknown lines; replaces every SET of a key we set', () => {
    const job =
      UEL +
      '@PJL JOB NAME="x"\n@PJL SET DUPLEX=ON\n@PJL COMMENT "hi"\n@PJL SET  duplex = off\n@PJL DEFAULT DUPLEX=ON\n@PJL SET LPARM:POSTSCRIPT PRTPSERRS=ON\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n';
    const out = rewrite(job, { changes: { sides: 'duplex-short' }, pdl: 'pdf', finishingDialect: 'hp' });
    assert.equal(
      out,
      UEL +
        '@PJL JOB NAME="x"\n@PJL SET DUPLEX=ON\n@PJL COMMENT "hi"\n@PJL SET DUPLEX=ON\n@PJL DEFAULT DUPLEX=ON\n@PJL SET LPARM:POSTSCRIPT PRTPSERRS=ON\n@PJL SET BINDING=SHORTEDGE\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n',
    );
  });

  test('copies in one place: QTY=N, an existing COPIES set to 1', () => {
    const job = `${UEL}@PJL SET COPIES=4\r\n@PJL ENTER LANGUAGE = PCLXL\r\n`;
    const out = rewrite(job, { changes: { copies: 7 }, pdl: 'pclxl' });
    assert.equal(out, `${UEL}@PJL SET COPIES=1\r\n@PJL SET QTY=7\r\n@PJL ENTER LANGUAGE = PCLXL\r\n`);
  });

  test('a block without ENTER (auto-switch): keys go after its last line, before the PDL', () => {
    const job = `${UEL}@PJL JOB\n@PJL SET QTY=1\n\n%!PS-Adobe-3.0\n%%EOF\n`;
    const out = rewrite(job, { changes: { color: 'color' }, pdl: 'postscript', finishingDialect: 'hp' });
    assert.equal(out, `${UEL}@PJL JOB\n@PJL SET QTY=1\n@PJL SET RENDERMODE=COLOR\n\n%!PS-Adobe-3.0\n%%EOF\n`);
  });

  test('UEL straight into the PDL: keys go after the UEL', () => {
    const out = rewrite(`${UEL}%PDF-1.7\n`, { changes: { copies: 2 }, pdl: 'pdf' });
    assert.equal(out, `${UEL}@PJL SET QTY=2\n%PDF-1.7\n`);
  });

  test('only the first block is edited: a later block passes through as it is', () => {
    const later = `${UEL}@PJL SET DUPLEX=ON\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n${UEL}@PJL EOJ\n${UEL}`;
    const job = `${UEL}@PJL JOB\n@PJL ENTER LANGUAGE=PCL\n\x1bEtext\f` + later;
    const out = rewrite(job, { changes: { color: 'mono' }, pdl: 'pcl5', finishingDialect: 'hp' });
    assert.equal(out, `${UEL}@PJL JOB\n@PJL SET RENDERMODE=GRAYSCALE\n@PJL SET PLANESINUSE=1\n@PJL ENTER LANGUAGE=PCL\n\x1bEtext\f` + later);
  });

  test('no UEL: the job is wrapped, with ENTER LANGUAGE from the bytes and the closing EOJ', () => {
    const ps = '%!PS-Adobe-3.0\n%%Pages: 1\n%%Page: 1 1\nshowpage\n%%EOF\n';
    const out = rewrite(ps, { changes: { color: 'mono' }, pdl: 'postscript', jobName: 'Budget "Q3"', finishingDialect: 'hp' });
    assert.equal(
      out,
      `${UEL}@PJL JOB NAME="Budget 'Q3'"\n@PJL SET RENDERMODE=GRAYSCALE\n@PJL SET PLANESINUSE=1\n@PJL ENTER LANGUAGE=POSTSCRIPT\n${ps}${UEL}@PJL EOJ\n${UEL}`,
    );
  });

  test('no UEL: a leading Ctrl-D stays in front of the PostScript', () => {
    const ps = '\x04%!PS-Adobe-3.0\n%%EOF\n\x04';
    const out = rewrite(ps, { changes: { copies: 2 }, pdl: 'postscript', jobName: null });
    assert.equal(out, `${UEL}@PJL JOB\n@PJL SET QTY=2\n@PJL ENTER LANGUAGE=POSTSCRIPT\n\x04%!PS-Adobe-3.0\n%%EOF\n\x04${UEL}@PJL EOJ\n${UEL}`);
    // (no %%EndSetup or %%Page: to inject before: the copies stay in PJL only)
  });

  test('no UEL: ENTER LANGUAGE is sniffed for PCL XL, PCL 5 and PDF, and falls back to the stored kind', () => {
    const cases: [string, RewriteOptions['pdl'], string][] = [
      [') HP-PCL XL;2;0;\n', 'unknown', 'PCLXL'],
      ['\x1bE\x1b&l0O', 'unknown', 'PCL'],
      ['%PDF-1.7\n', 'unknown', 'PDF'],
      ['plain text', 'pcl5', 'PCL'],
    ];
    for (const [pdl, kind, lang] of cases) {
      const out = rewrite(pdl, { changes: { color: 'color' }, pdl: kind, finishingDialect: 'hp' });
      assert.equal(out, `${UEL}@PJL JOB\n@PJL SET RENDERMODE=COLOR\n@PJL ENTER LANGUAGE=${lang}\n${pdl}${UEL}@PJL EOJ\n${UEL}`, lang);
    }
    // Unknown everywhere: the printer's auto-switch decides, no ENTER line.
    const out = rewrite('plain text', { changes: { color: 'color' }, pdl: 'unknown', finishingDialect: 'hp' });
    assert.equal(out, `${UEL}@PJL JOB\n@PJL SET RENDERMODE=COLOR\nplain text${UEL}@PJL EOJ\n${UEL}`);
  });

  test('no UEL: non-ASCII names are UTF-8 with STRINGCODESET=UTF8; names are cut to 80 characters', () => {
    const out = rewrite('%PDF-1.4\n', { changes: { copies: 1 }, pdl: 'pdf', jobName: 'Prévisions été\r\n2026' });
    assert.ok(
      Buffer.from(out, 'latin1').toString('utf8').startsWith(`${UEL}@PJL JOB NAME="Prévisions été 2026"\n@PJL SET STRINGCODESET=UTF8\n@PJL SET QTY=1\n`),
      out,
    );
    const long = rewrite('%PDF-1.4\n', { changes: { copies: 1 }, pdl: 'pdf', jobName: 'é'.repeat(200) });
    const m = /NAME="([^"]*)"/.exec(Buffer.from(long, 'latin1').toString('utf8'));
    assert.equal(Array.from(m?.[1] ?? '').length, 80);
  });

  test('@PJL without UEL: a UEL and a JOB line go in front, the block is edited in place', () => {
    const job = '@PJL SET DUPLEX=OFF\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n';
    const out = rewrite(job, { changes: { sides: 'duplex-long' }, pdl: 'pdf', jobName: 'a' });
    assert.equal(out, `${UEL}@PJL JOB NAME="a"\n@PJL SET DUPLEX=ON\n@PJL SET BINDING=LONGEDGE\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n${UEL}@PJL EOJ\n${UEL}`);
  });

  test('leading Ctrl-D before the UEL stays first', () => {
    const out = rewrite(`\x04${UEL}@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n`, { changes: { copies: 5 }, pdl: 'pdf' });
    assert.equal(out, `\x04${UEL}@PJL SET QTY=5\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n`);
  });

  test('a job cut inside its last PJL line still gets well-formed lines', () => {
    const out = rewrite(`${UEL}@PJL SET QTY=1\n@PJL COMMENT cut`, { changes: { copies: 2, color: 'mono' }, pdl: 'pdf', finishingDialect: 'hp' });
    assert.equal(out, `${UEL}@PJL SET QTY=2\n@PJL COMMENT cut\n@PJL SET RENDERMODE=GRAYSCALE\n@PJL SET PLANESINUSE=1\n`);
  });

  test('no changes: the job passes through untouched, wrapper or not', () => {
    for (const job of ['%!PS-Adobe-3.0\n', `${UEL}@PJL SET QTY=3\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n`]) {
      assert.equal(rewrite(job, { changes: {}, pdl: 'postscript' }), job);
    }
  });
});

describe('finishing dialects', () => {
  const job = `${UEL}@PJL JOB\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n`;
  const header = (opts: Omit<RewriteOptions, 'pdl'>): string[] => {
    const out = rewrite(job, { ...opts, pdl: 'pdf' });
    return out.slice(UEL.length, out.indexOf('@PJL ENTER')).split('\n').slice(1, -1);
  };

  test('hp: FINISH/STAPLEOPTION and the PROCESSING sequence; mono adds PLANESINUSE', () => {
    assert.deepEqual(header({ changes: { staple: 'dual-left', punch: '3-hole', color: 'mono' }, finishingDialect: 'hp' }), [
      '@PJL SET RENDERMODE=GRAYSCALE',
      '@PJL SET PLANESINUSE=1',
      '@PJL SET FINISH=STAPLE',
      '@PJL SET STAPLEOPTION=TWO',
      '@PJL SET PROCESSINGACTION=APPEND',
      '@PJL SET PROCESSINGTYPE="STAPLING"',
      '@PJL SET PROCESSINGOPTION="LEFT_2PT"',
      '@PJL SET PROCESSINGBOUNDARY=MOPY',
      '@PJL SET PROCESSINGTYPE="PUNCH"',
      '@PJL SET PROCESSINGOPTION="3HOLE"',
      '@PJL SET PROCESSINGBOUNDARY=MOPY',
    ]);
  });

  test('ricoh: STAPLE, PUNCH + PUNCHHOLE, RENDERMODE + DATAMODE (as the Ricoh PPD writes them)', () => {
    assert.deepEqual(header({ changes: { staple: 'top-left', punch: '2-hole', color: 'mono' }, finishingDialect: 'ricoh' }), [
      '@PJL SET RENDERMODE=GRAYSCALE',
      '@PJL SET DATAMODE=GRAYSCALE',
      '@PJL SET STAPLE=LEFTTOP',
      '@PJL SET PUNCH=LEFTPORT',
      '@PJL SET PUNCHHOLE=JP2',
    ]);
    assert.deepEqual(header({ changes: { staple: 'none', punch: 'none' }, finishingDialect: 'ricoh' }), ['@PJL SET STAPLE=OFF', '@PJL SET PUNCH=OFF']);
  });

  test('generic (the default): both dialects, since printers ignore PJL variables they do not know', () => {
    const lines = header({ changes: { staple: 'dual-top', punch: '4-hole' } });
    for (const l of ['@PJL SET FINISH=STAPLE', '@PJL SET STAPLE=TOP2PORT', '@PJL SET PROCESSINGOPTION="TOP_2PT"', '@PJL SET PUNCHHOLE=EU4', '@PJL SET PROCESSINGOPTION="4HOLE"']) {
      assert.ok(lines.includes(l), `${l} in ${lines.join(' | ')}`);
    }
  });

  test("another dialect's existing variables are only ever switched off", () => {
    const ricohJob = `${UEL}@PJL SET STAPLE=LEFTTOP\n@PJL SET PUNCH=LEFTPORT\n@PJL ENTER LANGUAGE=PDF\n`;
    assert.equal(
      rewrite(ricohJob, { changes: { staple: 'none', punch: 'none' }, pdl: 'pdf', finishingDialect: 'hp' }),
      `${UEL}@PJL SET STAPLE=OFF\n@PJL SET PUNCH=OFF\n@PJL SET FINISH=NONE\n@PJL SET PROCESSINGACTION=APPEND\n@PJL SET PROCESSINGTYPE="STAPLING"\n@PJL SET PROCESSINGOPTION="NONE"\n@PJL SET PROCESSINGBOUNDARY=MOPY\n@PJL SET PROCESSINGTYPE="PUNCH"\n@PJL SET PROCESSINGOPTION="NONE"\n@PJL SET PROCESSINGBOUNDARY=MOPY\n@PJL ENTER LANGUAGE=PDF\n`,
    );
    // A staple request in the hp dialect leaves a Ricoh STAPLE line alone (its values differ).
    const out = rewrite(ricohJob, { changes: { staple: 'top-left' }, pdl: 'pdf', finishingDialect: 'hp' });
    assert.ok(out.includes('@PJL SET STAPLE=LEFTTOP\n'));
  });

  test('an existing PROCESSING sequence is rewritten whole, keeping the types not changed', () => {
    const hpJob =
      `${UEL}@PJL SET PROCESSINGACTION=REPLACE\n@PJL SET PROCESSINGTYPE="STAPLING"\n@PJL SET PROCESSINGOPTION="LEFT_1PT"\n` +
      `@PJL SET PROCESSINGBOUNDARY=JOB\n@PJL SET PROCESSINGTYPE="FOLD"\n@PJL SET PROCESSINGOPTION="HALF"\n@PJL ENTER LANGUAGE=PDF\n`;
    const out = rewrite(hpJob, { changes: { punch: '2-hole' }, pdl: 'pdf', finishingDialect: 'hp' });
    assert.equal(
      out,
      `${UEL}@PJL SET PROCESSINGACTION=REPLACE\n@PJL SET PROCESSINGTYPE="STAPLING"\n@PJL SET PROCESSINGOPTION="LEFT_1PT"\n@PJL SET PROCESSINGBOUNDARY=JOB\n` +
        `@PJL SET PROCESSINGTYPE="FOLD"\n@PJL SET PROCESSINGOPTION="HALF"\n@PJL SET PROCESSINGBOUNDARY=MOPY\n` +
        `@PJL SET PROCESSINGTYPE="PUNCH"\n@PJL SET PROCESSINGOPTION="2HOLE"\n@PJL SET PROCESSINGBOUNDARY=MOPY\n@PJL ENTER LANGUAGE=PDF\n`,
    );
  });
});

describe('header limits', () => {
  test(`a PJL block longer than ${PJL_HEADER_CAP} bytes fails the stream with PJL_HEADER_TOO_LARGE`, async () => {
    const t = createLateBindingTransform({ changes: { copies: 2 }, pdl: 'pdf' });
    const failed = new Promise<unknown>((resolve) => t.on('error', resolve));
    t.resume();
    const line = `@PJL COMMENT "${'x'.repeat(1000)}"\n`;
    t.write(Buffer.from(UEL, 'latin1'));
    for (let i = 0; i < 70 && !t.destroyed; i++) t.write(Buffer.from(line, 'latin1'));
    const err = await failed;
    assert.ok(err instanceof PullPrintError);
    assert.equal(err.code, 'PJL_HEADER_TOO_LARGE');
  });

  test('endless padding after a block without UEL is not held: the job is wrapped without ENTER', () => {
    const r = createLateBindingRewriter({ changes: { copies: 2 }, pdl: 'unknown' });
    const parts: Buffer[] = [...r.write(Buffer.from('@PJL SET QTY=1\n', 'latin1'))];
    let max = 0;
    for (let i = 0; i < 200; i++) {
      parts.push(...r.write(Buffer.alloc(1000, 0x04)));
      max = Math.max(max, r.bufferedBytes());
    }
    parts.push(...r.end());
    assert.ok(max < 8192, `held ${max}`);
    const out = Buffer.concat(parts);
    assert.ok(out.subarray(0, 60).toString('latin1').startsWith(`${UEL}@PJL JOB\n@PJL SET QTY=2\n\x04`));
    assert.equal(out.length, 9 + 9 + 15 + 200_000 + 9 + 9 + 9);
  });

  test('a header just under the cap is fine, and the rewriter never holds more than the cap', () => {
    const r = createLateBindingRewriter({ changes: { copies: 2 }, pdl: 'pdf' });
    const body = `@PJL COMMENT "${'y'.repeat(500)}"\n`.repeat(120); // ~60 KiB
    const job = Buffer.from(`${UEL}${body}@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n`, 'latin1');
    let max = 0;
    const out: Buffer[] = [];
    for (const c of chunks(job, { random: 9, max: 700 })) {
      out.push(...r.write(c));
      max = Math.max(max, r.bufferedBytes());
    }
    out.push(...r.end());
    assert.ok(max <= PJL_HEADER_CAP, `held ${max}`);
    assert.ok(Buffer.concat(out).toString('latin1').includes('@PJL SET QTY=2\n@PJL ENTER LANGUAGE=PDF\n%PDF-1.4\n'));
  });
});
