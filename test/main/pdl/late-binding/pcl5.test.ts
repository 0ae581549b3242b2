// PCL 5 late binding on ghostscript's ljet4/ljet4d output and on hand-made streams. There is
// no PCL interpreter here, so results are read back with the PCL 5 inspector (pages,
// duplex, copies) and compared byte for byte with what the edit should be.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LateBindingChanges } from '../../../../main/pdl/late-binding/index.js';
import { SETUP_WINDOW } from '../../../../main/pdl/late-binding/pcl5-editor.js';
import { createPcl5Inspector } from '../../../../main/pdl/pcl5.js';
import type { SectionFacts } from '../../../../main/pdl/types.js';
import { gsConvert, makePostScript, tempDir } from '../../../helpers/documents.js';
import { rewriteChecked, type Rewritten } from './rewrite-checked.js';

const UEL = '\x1b%-12345X';
const ENTER = `${UEL}@PJL ENTER LANGUAGE=PCL\n`;

function rewrite(input: Buffer | string, changes: LateBindingChanges): Rewritten {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  return rewriteChecked(bytes, changes, 'pcl5', ['whole', { random: 8, max: 11 }, { random: 2, max: 3000 }]);
}

/** The PCL section after ENTER LANGUAGE=PCL. */
function section(job: Buffer): Buffer {
  const m = /@PJL ENTER LANGUAGE=PCL\r?\n/.exec(job.toString('latin1'));
  assert.ok(m);
  return job.subarray(m.index + m[0].length);
}

function facts(pcl: Buffer): SectionFacts {
  const ins = createPcl5Inspector();
  ins.write(pcl);
  ins.end();
  return ins.result();
}

// eslint-disable-next-line no-control-regex -- PCL escapes start with ESC
const commands = (b: Buffer): string[] => [...b.toString('latin1').matchAll(/\x1b&l-?\d+[SX]/g)].map((m) => m[0].slice(1));

describe('PCL 5 from ghostscript', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let ljet4: Buffer;
  let ljet4d: Buffer;
  before(async () => {
    dir = await tempDir('late-binding-pcl5');
    const ps = await makePostScript(dir.path, 'doc.ps', { pages: 3 });
    ljet4 = await readFile(await gsConvert(ps, 'ljet4', join(dir.path, 'a.pcl'), ['-dNumCopies=3']));
    ljet4d = await readFile(await gsConvert(ps, 'ljet4d', join(dir.path, 'b.pcl')));
  });
  after(async () => {
    await dir.cleanup();
  });

  test('ljet4 (no ESC&l#S, copies 3): ESC&l1S inserted after ESC E, every ESC&l3X → 1, pages unchanged', () => {
    const before = facts(ljet4);
    assert.deepEqual([before.pages, before.copies, before.duplex], [3, 3, null]);
    const { out, problems } = rewrite(Buffer.concat([Buffer.from(ENTER, 'latin1'), ljet4]), { sides: 'duplex-long', copies: 2 });
    assert.deepEqual(problems, []);
    const pcl = section(out);
    assert.ok(pcl.subarray(0, 7).equals(Buffer.from('\x1bE\x1b&l1S', 'latin1')));
    // Nothing else moved: taking the insertion out and the copies back gives the original.
    const back = Buffer.from(
      Buffer.concat([pcl.subarray(0, 2), pcl.subarray(7)])
        .toString('latin1')
        // eslint-disable-next-line no-control-regex -- PCL escapes start with ESC
        .replace(/\x1b&l1X/g, '\x1b&l3X'),
      'latin1',
    );
    assert.ok(back.equals(ljet4));
    assert.equal(commands(ljet4).filter((c) => c === '&l3X').length, 3);
    const after = facts(pcl);
    assert.deepEqual([after.pages, after.copies, after.duplex], [3, 1, true]);
    assert.ok(out.toString('latin1').startsWith(`${UEL}@PJL SET QTY=2\n@PJL SET DUPLEX=ON\n@PJL SET BINDING=LONGEDGE\n@PJL ENTER`));
  });

  test('ljet4d (ESC&l1S in its setup): the command is rewritten in place, nothing inserted', () => {
    const { out } = rewrite(Buffer.concat([Buffer.from(ENTER, 'latin1'), ljet4d]), { sides: 'simplex' });
    const pcl = section(out);
    assert.equal(pcl.length, ljet4d.length);
    assert.deepEqual(commands(pcl).filter((c) => c.endsWith('S')), ['&l0S']);
    assert.ok(Buffer.from(pcl.toString('latin1').replace('\x1b&l0S', '\x1b&l1S'), 'latin1').equals(ljet4d));
    assert.deepEqual([facts(pcl).duplex, facts(pcl).pages], [false, facts(ljet4d).pages]);
  });

  test('short edge', () => {
    const pcl = section(rewrite(Buffer.concat([Buffer.from(ENTER, 'latin1'), ljet4d]), { sides: 'duplex-short' }).out);
    assert.deepEqual(commands(pcl).filter((c) => c.endsWith('S')), ['&l2S']);
  });
});

describe('PCL 5 structure', () => {
  test('chained values are rewritten in place', () => {
    const { out } = rewrite(`${ENTER}\x1bE\x1b&l0o2x1S\x1b&l26a3X`, { copies: 5, sides: 'duplex-short' });
    assert.equal(section(out).toString('latin1'), '\x1bE\x1b&l0o1x2S\x1b&l26a1X');
  });

  test('binary payloads are skipped: bytes that look like commands inside raster data stay', () => {
    const raster = '\x1b&l5X\x1b&l1S..';
    // The setup asks for 2 copies (a conflict), so every later ESC&l#X is rewritten too.
    const job = `${ENTER}\x1bE\x1b&l2X\x1b*r1A\x1b*b${raster.length}W${raster}\x1b*rB\f\x1bE\x1b&l4X`;
    const { out } = rewrite(job, { copies: 2, sides: 'simplex' });
    // The raster row ends the setup: ESC&l0S goes after ESC E; the real ESC&l#X become 1.
    assert.equal(section(out).toString('latin1'), `\x1bE\x1b&l0S\x1b&l1X\x1b*r1A\x1b*b${raster.length}W${raster}\x1b*rB\f\x1bE\x1b&l1X`);
  });

  test('after a setup that agrees with the new settings, the rest passes untouched (the hot path)', () => {
    // Copies 1 and no duplex in the setup: nothing to repeat, so page bytes are not read.
    const job = `${ENTER}\x1bE\x1b&l1X\x1b&l0S page one\f\x1b&l3X page two\f`;
    const { out } = rewrite(job, { copies: 4 });
    assert.equal(section(out).toString('latin1'), '\x1bE\x1b&l1X\x1b&l0S page one\f\x1b&l3X page two\f');
  });

  test('no ESC E: the duplex command goes at the start of the section', () => {
    const { out } = rewrite(`${ENTER}Hello\f`, { sides: 'duplex-long' });
    assert.equal(section(out).toString('latin1'), '\x1b&l1SHello\f');
  });

  test('a setup longer than the window gets its ESC&l#S after ESC E; what follows is page data', () => {
    const filler = '\x1b&l0O'.repeat(Math.ceil(SETUP_WINDOW / 5) + 10);
    const { out } = rewrite(`${ENTER}\x1bE${filler}\x1b&l2S`, { sides: 'duplex-long' });
    assert.ok(section(out).equals(Buffer.from(`\x1bE\x1b&l1S${filler}\x1b&l2S`, 'latin1'))); // (no diff: it is long)
  });

  test('a value too long to hold is left alone and reported', () => {
    const digits = '0'.repeat(100) + '2';
    const { out, problems } = rewrite(`${ENTER}\x1bE\x1b&l${digits}X`, { copies: 2 });
    assert.equal(section(out).toString('latin1'), `\x1bE\x1b&l${digits}X`);
    assert.deepEqual(problems, ['PCL_NOT_EDITED']);
  });

  test('a conflicting setup keeps the tokenizer on: every ESC&l#S and ESC&l#X is rewritten; malformed escapes pass', () => {
    const job = `${ENTER}\x1bE\x1b&l1S\x1b\x01junk\x1b&l2X page\f\x1bE\x1b&l3X\x1b&l1s1S`;
    const { out } = rewrite(job, { copies: 2, sides: 'simplex' });
    assert.equal(section(out).toString('latin1'), '\x1bE\x1b&l0S\x1b\x01junk\x1b&l1X page\f\x1bE\x1b&l1X\x1b&l0s0S');
  });
});
