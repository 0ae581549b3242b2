import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../helpers/cli.js';
import { BADGE_COLOURS, encodePng, trayIconPng } from '../../../main/ui/tray-icon.js';
import type { TrayIconState } from '../../../main/ui/tray-view.js';

const STATES: TrayIconState[] = ['signed-out', 'idle', 'held', 'uploading', 'attention'];

/** Reads back a PNG written by encodePng (RGBA, filter 0), checking signature and CRCs. */
function decode(png: Buffer): { width: number; height: number; px: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8);
      assert.equal(data[9], 6);
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  assert.deepEqual(types, ['IHDR', 'IDAT', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, (width * 4 + 1) * height);
  const px = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    assert.equal(raw[y * (width * 4 + 1)], 0);
    raw.copy(px, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, px };
}

describe('tray icons', () => {
  test('each state at 16 and 32 px is a valid PNG of that size', () => {
    for (const s of STATES) {
      for (const size of [16, 32]) {
        const { width, height, px } = decode(trayIconPng(s, size));
        assert.equal(width, size);
        assert.equal(height, size);
        const opaque = [...Array(size * size).keys()].filter((i) => px[i * 4 + 3] > 0).length;
        assert.ok(opaque > size * size * 0.3 && opaque < size * size, `${s}@${size}: a glyph with transparent margins`);
      }
    }
  });

  test('the badge colour tells the states apart, and idle has none', () => {
    const centre = (s: TrayIconState): number[] => {
      const { px, width } = decode(trayIconPng(s, 32));
      const x = Math.floor(0.74 * 32);
      const o = (x * width + x) * 4;
      return [px[o], px[o + 1], px[o + 2]];
    };
    for (const s of STATES) {
      const want = BADGE_COLOURS[s];
      if (want) assert.deepEqual(centre(s), [...want], s);
    }
    const seen = new Set(STATES.map((s) => centre(s).join(',')));
    assert.equal(seen.size, STATES.length, 'five different pixels at the badge centre');
  });

  test('PULLPRINT_SCREENSHOTS: the icons for the user guide', { skip: !process.env.PULLPRINT_SCREENSHOTS }, async () => {
    const dir = resolve(REPO_ROOT, process.env.PULLPRINT_SCREENSHOTS ?? '');
    await mkdir(dir, { recursive: true });
    for (const s of STATES) await writeFile(join(dir, `tray-${s}.png`), trayIconPng(s, 32));
  });

  test('bad sizes and buffers are refused', () => {
    assert.throws(() => trayIconPng('idle', 4), RangeError);
    assert.throws(() => trayIconPng('idle', 16.5), RangeError);
    assert.throws(() => encodePng(new Uint8Array(10), 2, 2), RangeError);
  });
});
