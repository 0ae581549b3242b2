import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPjlCollector } from '../../../main/pdl/pjl.js';
import { inspectAllWays, UEL } from './feed.js';

function collect(...lines: string[]): ReturnType<typeof createPjlCollector> {
  const c = createPjlCollector();
  for (const l of lines) c.line(Buffer.from(l, 'latin1'));
  return c;
}

describe('PJL lines', () => {
  test('job name from JOB NAME, with whitespace around = and a quoted string', () => {
    const c = collect('@PJL JOB NAME = "Quarterly Report.docx" START=1\r\n');
    assert.equal(c.facts().jobName, 'Quarterly Report.docx');
    assert.deepEqual(c.problems(), []);
  });

  test('the rest of the line is case-insensitive, @PJL is not', () => {
    const c = collect('@PJL job name="lower"\n', '@PJL set qty=4\n', '@PJL Set Duplex = on\n');
    assert.equal(c.facts().jobName, 'lower');
    assert.equal(c.facts().qty, 4);
    assert.equal(c.facts().duplex, true);
    const bad = collect('@pjl SET QTY=4\n');
    assert.equal(bad.facts().qty, null);
    assert.deepEqual(bad.problems(), ['MALFORMED_PJL']);
  });

  test('SET JOBNAME and HP JOBNAME are fallbacks for JOB NAME, whatever their order', () => {
    assert.equal(collect('@PJL SET JOBNAME="set name"\n', '@PJL JOB NAME="job name"\n').facts().jobName, 'job name');
    assert.equal(collect('@PJL JOBNAME="hp name"\n', '@PJL SET JOBNAME="set name"\n').facts().jobName, 'set name');
    assert.equal(collect('@PJL JOBNAME="hp name"\n').facts().jobName, 'hp name');
    assert.equal(collect('@PJL SET JOBATTR="JobAcct7=acct name"\n').facts().jobName, 'acct name');
  });

  test('user and host from USERNAME, JOBATTR, LJOBINFO and the Windows COMMENT', () => {
    assert.equal(collect('@PJL SET USERNAME="alice"\n').facts().user, 'alice');
    const hp = collect('@PJL SET JOBATTR="JobAcct1=bob"\n', '@PJL SET JOBATTR="JobAcct2=PC-42"\n').facts();
    assert.equal(hp.user, 'bob');
    assert.equal(hp.host, 'PC-42');
    assert.equal(collect('@PJL SET JOBATTR="JobAcct8=dave"\n').facts().user, 'dave');
    const lx = collect('@PJL LJOBINFO USERID="carol" HOSTID="lexhost"\n').facts();
    assert.equal(lx.user, 'carol');
    assert.equal(lx.host, 'lexhost');
    const win = collect('@PJL COMMENT "Username: erin; App Filename: X.docx; 11-24-2026"\n').facts();
    assert.equal(win.user, 'erin');
    // USERNAME beats the other sources even when it comes last.
    const both = collect('@PJL COMMENT "Username: erin; App Filename: X"\n', '@PJL SET JOBATTR="JobAcct1=bob"\n', '@PJL SET USERNAME="alice"\n');
    assert.equal(both.facts().user, 'alice');
  });

  test('UTF-8 names are decoded, other bytes read as ISO-8859-1', () => {
    const utf8 = createPjlCollector();
    utf8.line(Buffer.concat([Buffer.from('@PJL JOB NAME="'), Buffer.from('Café ☕', 'utf8'), Buffer.from('"\n')]));
    assert.equal(utf8.facts().jobName, 'Café ☕');
    const latin = collect('@PJL JOB NAME="Caf\xe9"\n');
    assert.equal(latin.facts().jobName, 'Café');
  });

  test('copies: QTY and COPIES are kept apart; invalid values are problems', () => {
    const f = collect('@PJL SET QTY=3\n', '@PJL SET COPIES = 2\n').facts();
    assert.equal(f.qty, 3);
    assert.equal(f.copies, 2);
    for (const v of ['0', '-1', 'many', '']) {
      const c = collect(`@PJL SET QTY=${v}\n`);
      assert.equal(c.facts().qty, null, v);
      assert.deepEqual(c.problems(), ['MALFORMED_PJL'], v);
    }
  });

  test('the last SET wins; SET beats DEFAULT in any order', () => {
    assert.equal(collect('@PJL SET QTY=3\n', '@PJL SET QTY=5\n').facts().qty, 5);
    assert.equal(collect('@PJL SET DUPLEX=ON\n', '@PJL DEFAULT DUPLEX=OFF\n').facts().duplex, true);
    assert.equal(collect('@PJL DEFAULT DUPLEX=OFF\n').facts().duplex, false);
  });

  test('duplex and binding', () => {
    const f = collect('@PJL SET DUPLEX=ON\n', '@PJL SET BINDING=SHORTEDGE\n').facts();
    assert.equal(f.duplex, true);
    assert.equal(f.binding, 'short-edge');
    assert.equal(collect('@PJL SET BINDING=LONGEDGE\n').facts().binding, 'long-edge');
    assert.equal(collect('@PJL SET DUPLEX=OFF\n').facts().duplex, false);
    assert.equal(collect('@PJL SET DUPLEX=MAYBE\n').facts().duplex, null);
  });

  test('colour: grey settings win over colour ones', () => {
    const colour = (...l: string[]): boolean | null => collect(...l).facts().color;
    assert.equal(colour('@PJL SET RENDERMODE=COLOR\n'), true);
    assert.equal(colour('@PJL SET RENDERMODE=GRAYSCALE\n'), false);
    assert.equal(colour('@PJL SET PLANESINUSE=3\n'), true);
    assert.equal(colour('@PJL SET PLANESINUSE=1\n'), false);
    assert.equal(colour('@PJL SET GRAYSCALE=ON\n'), false);
    assert.equal(colour('@PJL SET DATAMODE=COLOR\n'), true);
    assert.equal(colour('@PJL SET DATAMODE=GRAYSCALE\n'), false);
    assert.equal(colour('@PJL SET RENDERMODE=COLOR\n', '@PJL SET PLANESINUSE=1\n'), false);
    assert.equal(colour('@PJL SET RESOLUTION=600\n'), null);
  });

  test('ENTER LANGUAGE returns the language and lists it', () => {
    const c = createPjlCollector();
    assert.equal(c.line(Buffer.from('@PJL ENTER LANGUAGE = PCLXL\n')), 'PCLXL');
    assert.equal(c.line(Buffer.from('@PJL enter language=postscript\r\n')), 'POSTSCRIPT');
    assert.equal(c.line(Buffer.from('@PJL SET QTY=2\n')), null);
    assert.deepEqual(c.facts().languages, ['PCLXL', 'POSTSCRIPT']);
    const bad = createPjlCollector();
    assert.equal(bad.line(Buffer.from('@PJL ENTER\n')), null);
    assert.deepEqual(bad.problems(), ['MALFORMED_PJL']);
  });

  test('personality-scoped LPARM settings are not job settings', () => {
    const c = collect('@PJL SET LPARM:PCL DUPLEX=ON\n', '@PJL SET LPARM : POSTSCRIPT QTY=9\n');
    assert.equal(c.facts().duplex, null);
    assert.equal(c.facts().qty, null);
    assert.deepEqual(c.problems(), []);
  });

  test('malformed lines: unterminated quote, glued command, stray tokens', () => {
    const q = collect('@PJL JOB NAME="no end\n');
    assert.equal(q.facts().jobName, 'no end');
    assert.deepEqual(q.problems(), ['MALFORMED_PJL']);
    assert.deepEqual(collect('@PJLSET QTY=2\n').problems(), ['MALFORMED_PJL']);
    assert.deepEqual(collect('@PJL SET = 2\n').problems(), ['MALFORMED_PJL']);
    assert.deepEqual(collect('@PJL "x"\n').problems(), ['MALFORMED_PJL']);
    // A bare @PJL and unknown commands are fine.
    assert.deepEqual(collect('@PJL\r\n', '@PJL USTATUSOFF\n', '@PJL RDYMSG DISPLAY="hi"\n').problems(), []);
  });

  test('names are capped and stripped of control characters', () => {
    const c = collect(`@PJL JOB NAME="${'x'.repeat(2000)}\x07y"\n`);
    const name = c.facts().jobName ?? '';
    assert.equal(name.length, 256);
    assert.ok(!name.includes('\x07'), 'control character kept');
  });
});

describe('PJL framing in a job', () => {
  const winHeader = [
    `${UEL}@PJL JOB NAME="Quarterly Report.docx"`,
    '@PJL SET STRINGCODESET=UTF8',
    '@PJL COMMENT "Username: alice; App Filename: Quarterly Report.docx; 11-24-2026"',
    '@PJL SET JOBATTR="JobAcct1=alice"',
    '@PJL SET JOBATTR="JobAcct2=WS-0042"',
    '@PJL SET USERNAME="alice"',
    '@PJL SET QTY=3',
    '@PJL SET DUPLEX=OFF',
    '@PJL SET BINDING=LONGEDGE',
    '@PJL SET RENDERMODE=GRAYSCALE',
    '@PJL SET PLANESINUSE=1',
    '@PJL ENTER LANGUAGE=POSTSCRIPT',
    '',
  ].join('\r\n');

  test('a Windows HP PostScript header (PROTOCOLS.md §5 win-hp-ps.prn)', async () => {
    const ps = '\x04%!PS-Adobe-3.0\r\n%%Title: Microsoft Word - Quarterly Report.docx\r\n%%Pages: 2\r\n%%EndComments\r\n%%Page: 1 1\r\nshowpage\r\n%%Page: 2 2\r\nshowpage\r\n%%EOF\r\n\x04';
    const f = await inspectAllWays(`${winHeader}${ps}${UEL}@PJL EOJ NAME="Quarterly Report.docx"\r\n${UEL}`);
    assert.equal(f.pdl, 'postscript');
    assert.deepEqual(f.sections, ['postscript']);
    assert.equal(f.pages, 2);
    assert.equal(f.title, 'Microsoft Word - Quarterly Report.docx');
    assert.equal(f.user, 'alice');
    assert.equal(f.copies, 3);
    assert.equal(f.duplex, false);
    assert.equal(f.color, false);
    assert.ok(f.pjl, 'no PJL facts');
    assert.equal(f.pjl.jobName, 'Quarterly Report.docx');
    assert.equal(f.pjl.host, 'WS-0042');
    assert.equal(f.pjl.binding, 'long-edge');
    assert.deepEqual(f.pjl.languages, ['POSTSCRIPT']);
    assert.deepEqual(f.problems, []);
  });

  test('bare @PJL without UEL, and auto-switch without ENTER', async () => {
    const f = await inspectAllWays('@PJL SET QTY=2\n@PJL JOB NAME="auto"\n\x1bE\x1b&l1X text\f\x1bE');
    assert.equal(f.pdl, 'pcl5');
    assert.equal(f.pages, 1);
    assert.equal(f.copies, 2);
    assert.equal(f.title, 'auto');
    assert.deepEqual(f.pjl?.languages, []);
  });

  test('a line that is not @PJL (lower case) starts the PDL', async () => {
    const f = await inspectAllWays(`${UEL}@PJL SET QTY=2\n@pjl SET QTY=5\n`);
    assert.equal(f.pjl?.qty, 2);
    assert.deepEqual(f.sections, ['unknown']);
    assert.equal(f.pages, null);
  });

  test('status-only PJL has no PDL and 0 pages', async () => {
    for (const job of [
      `${UEL}@PJL INFO STATUS\r\n${UEL}`,
      `${UEL}@PJL USTATUSOFF\r\n@PJL ECHO 12345\r\n${UEL}`,
      `${UEL}@PJL\r\n${UEL}\r\n`,
      '',
    ]) {
      const f = await inspectAllWays(job);
      assert.equal(f.pdl, 'unknown', JSON.stringify(job));
      assert.deepEqual(f.sections, []);
      assert.equal(f.pages, 0);
    }
  });

  test('job spanning: a PCL banner then PostScript in one PJL job, pages summed', async () => {
    const job = [
      `${UEL}@PJL JOB NAME="spanning"\r\n@PJL ENTER LANGUAGE=PCL\r\n`,
      '\x1bEBanner page for alice\f\x1bE',
      `${UEL}@PJL ENTER LANGUAGE=POSTSCRIPT\r\n`,
      '%!PS-Adobe-3.0\n%%Title: (Body)\n%%Pages: 3\n%%EndComments\n%%Page: 1 1\n%%Page: 2 2\n%%Page: 3 3\n%%EOF\n',
      `${UEL}@PJL EOJ\r\n${UEL}`,
    ].join('');
    const f = await inspectAllWays(job);
    assert.deepEqual(f.sections, ['pcl5', 'postscript']);
    assert.equal(f.pdl, 'postscript');
    assert.equal(f.pages, 4);
    assert.equal(f.title, 'Body');
    assert.deepEqual(f.pjl?.languages, ['PCL', 'POSTSCRIPT']);
  });

  test('an overlong PJL line is skipped as MALFORMED_PJL and framing goes on', async () => {
    const f = await inspectAllWays(`${UEL}@PJL COMMENT ${'x'.repeat(10_000)}\n@PJL SET QTY=2\n@PJL ENTER LANGUAGE=PCL\n\x1bEx\f`);
    assert.deepEqual(f.problems, ['MALFORMED_PJL']);
    assert.equal(f.copies, 2);
    assert.equal(f.pages, 1);
  });

  test('a UEL ends a PJL line without LF', async () => {
    const f = await inspectAllWays(`${UEL}@PJL SET QTY=7${UEL}@PJL ENTER LANGUAGE=PCL\nx\f`);
    assert.equal(f.pjl?.qty, 7);
    assert.equal(f.pages, 1);
  });
});
