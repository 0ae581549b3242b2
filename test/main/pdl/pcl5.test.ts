import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPcl5Inspector } from '../../../main/pdl/pcl5.js';
import { gsConvert, makePdf, pdfPageCount, tempDir } from '../../helpers/documents.js';
import { inspectAllWays, sectionAllWays, UEL } from './feed.js';

const pcl = (bytes: Buffer | string): ReturnType<typeof sectionAllWays> => sectionAllWays(createPcl5Inspector, bytes);
const E = '\x1b';

describe('PCL5 pages', () => {
  test('form feeds count pages; ESC E and the end flush a marked page', () => {
    assert.equal(pcl(`${E}Epage one\fpage two\f${E}E`).facts.pages, 2);
    assert.equal(pcl(`${E}Epage one\fpage two${E}E`).facts.pages, 2);
    assert.equal(pcl(`${E}Epage one\fpage two`).facts.pages, 2);
    assert.equal(pcl(`${E}E${E}&l1X${E}E`).facts.pages, 0);
    // Spaces and line ends are not marks.
    assert.equal(pcl(`${E}Ex\f \r\n\t${E}E`).facts.pages, 1);
  });

  test('ESC&l0H ejects a marked page only (ghostscript ljet4d ends with FF ESC&l0H)', () => {
    assert.equal(pcl(`${E}Eabc${E}&l0Hdef${E}&l0H${E}E`).facts.pages, 2);
    assert.equal(pcl(`${E}Eabc\f${E}&l0H${E}E`).facts.pages, 1);
    // Other paper sources do not eject.
    assert.equal(pcl(`${E}Eabc${E}&l1Hdef${E}E`).facts.pages, 1);
  });

  test('binary payloads are skipped: their FF and ESC E bytes are data', () => {
    const raster = `${E}*r1A${E}*b6W\f\f${E}E\f\f${E}*rB`;
    assert.equal(pcl(`${E}E${raster}\f${E}E`).facts.pages, 1);
    // A raster row with data is a mark: the page is flushed at ESC E.
    assert.equal(pcl(`${E}E${E}*b3W\f\f\f${E}E`).facts.pages, 1);
    // A font download is not a mark.
    assert.equal(pcl(`${E}E${E})s7W\f\f\f\f${E}E\f${E}E`).facts.pages, 0);
    for (const cmd of ['(s', '*c', '*v', '*l', '&n', '*o']) {
      assert.equal(pcl(`${E}Ex${E}${cmd}4W\f\f\f\fy\f`).facts.pages, 1, cmd);
    }
    assert.equal(pcl(`${E}E${E}&p4X\f\f\f\f\f`).facts.pages, 1);
    assert.equal(pcl(`${E}E${E}*b4V\f\f\f\f${E}*b0W\f`).facts.pages, 1);
  });

  test('lower-case terminators chain parameters, payloads included', () => {
    // ESC*b 2m 3w <3 bytes> 0Y: the data follows the w, then the chain goes on.
    const r = pcl(`${E}E${E}*b2m3w\f\f\f0Y\f${E}&l1s3X${E}E`);
    assert.equal(r.facts.pages, 1);
    assert.equal(r.facts.duplex, true);
    assert.equal(r.facts.copies, 3);
    assert.deepEqual(r.problems, []);
  });

  test('values: signs, decimals, a missing value, negative payload lengths', () => {
    assert.equal(pcl(`${E}E${E}*p+538Y${E}&l-180u36Z${E}*rBx\f`).facts.pages, 1);
    assert.equal(pcl(`${E}E${E}*b2.5W\f\fx\f`).facts.pages, 1);
    assert.equal(pcl(`${E}E${E}*b-5Wx\f`).facts.pages, 1);
  });

  test('a payload cut by the end is TRUNCATED_PDL; a broken escape MALFORMED_PCL', () => {
    const cut = pcl(`${E}Ex${E}*b100Wabc`);
    assert.equal(cut.facts.pages, 1);
    assert.deepEqual(cut.problems, ['TRUNCATED_PDL']);
    const broken = pcl(`${E}E${E}&l1\x00x\f`);
    assert.equal(broken.facts.pages, 1);
    assert.deepEqual(broken.problems, ['MALFORMED_PCL']);
    const huge = pcl(`${E}Ex${E}*b99999999999999999999999W\f`);
    assert.deepEqual(huge.problems, ['TRUNCATED_PDL']);
  });
});

describe('PCL5 settings', () => {
  test('copies: the ESC&l#X in effect for the first page', () => {
    assert.equal(pcl(`${E}E${E}&l2Xa\f${E}&l5Xb\f`).facts.copies, 2);
    assert.equal(pcl(`${E}E${E}&l2X${E}&l4Xa\f`).facts.copies, 4);
    assert.equal(pcl(`${E}Ea\f`).facts.copies, null);
    assert.equal(pcl(`${E}E${E}&l0Xa\f`).facts.copies, null);
  });

  test('duplex: ESC&l#S 0 simplex, 1 long edge, 2 short edge', () => {
    assert.equal(pcl(`${E}E${E}&l0Sa\f`).facts.duplex, false);
    assert.equal(pcl(`${E}E${E}&l1Sa\f`).facts.duplex, true);
    assert.equal(pcl(`${E}E${E}&l2Sa\f`).facts.duplex, true);
    assert.equal(pcl(`${E}E${E}&l7Sa\f`).facts.duplex, null);
  });

  test('colour: ESC*r3U / ESC*r-3U or a CID are colour candidates, ESC*r1U mono', () => {
    assert.equal(pcl(`${E}E${E}*r3Ua\f`).facts.color, true);
    assert.equal(pcl(`${E}E${E}*r-3Ua\f`).facts.color, true);
    assert.equal(pcl(`${E}E${E}*r1Ua\f`).facts.color, false);
    assert.equal(pcl(`${E}E${E}*v6W\x00\x03\x08\x08\x08\x08a\f`).facts.color, true);
    assert.equal(pcl(`${E}Ea\f`).facts.color, null);
  });
});

describe('PCL5 from ghostscript', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  before(async () => {
    dir = await tempDir('pcl5-inspect');
  });
  after(async () => {
    await dir.cleanup();
  });

  for (const { device, pages, args, duplex, copies, color } of [
    { device: 'ljet4', pages: 1, args: [], duplex: null, copies: 1, color: null },
    { device: 'ljet4', pages: 4, args: ['-dNumCopies=2'], duplex: null, copies: 2, color: null },
    { device: 'ljet4d', pages: 3, args: ['-dDuplex'], duplex: true, copies: 1, color: null },
    { device: 'laserjet', pages: 2, args: [], duplex: null, copies: 1, color: null },
    { device: 'cljet5', pages: 2, args: [], duplex: null, copies: 1, color: true },
  ]) {
    test(`${device} ${args.join(' ')}: ${pages} page(s) as pdfinfo counts them`, async () => {
      const pdf = await makePdf(dir.path, `${device}-${pages}.pdf`, { pages, colorPages: [1] });
      const expected = await pdfPageCount(pdf);
      const out = await gsConvert(pdf, device, join(dir.path, `${device}-${pages}.pcl`), args);
      const f = await inspectAllWays(await readFile(out), 100_000);
      assert.equal(f.pdl, 'pcl5');
      assert.equal(f.pages, expected);
      assert.equal(f.duplex, duplex);
      assert.equal(f.copies, copies);
      assert.equal(f.color, color);
      assert.deepEqual(f.problems, []);
    });
  }

  test('ljet4 output in a PJL job with ENTER LANGUAGE=PCL', async () => {
    const pdf = await makePdf(dir.path, 'pjl.pdf', { pages: 3 });
    const expected = await pdfPageCount(pdf);
    const body = await readFile(await gsConvert(pdf, 'ljet4', join(dir.path, 'pjl.pcl')));
    const job = Buffer.concat([
      Buffer.from(`${UEL}@PJL JOB NAME="pcl job"\r\n@PJL SET DUPLEX=OFF\r\n@PJL SET COPIES=2\r\n@PJL ENTER LANGUAGE=PCL\r\n`, 'latin1'),
      body,
      Buffer.from(`${UEL}@PJL EOJ\r\n${UEL}`, 'latin1'),
    ]);
    const f = await inspectAllWays(job, 0);
    assert.equal(f.pdl, 'pcl5');
    assert.equal(f.pages, expected);
    assert.equal(f.title, 'pcl job');
    assert.equal(f.copies, 2); // PJL COPIES > 1 wins over the PDL's ESC&l1X
    assert.equal(f.duplex, false);
  });
});
