// Tray icons drawn in code: a document glyph with a coloured status badge, encoded as
// PNG. No binary assets to ship or keep in sync, the shell passes the bytes to
// nativeImage.createFromBuffer, and tests can decode them. Anti-aliased by 4×4
// supersampling; 16 px plus a 32 px version for high-density displays.

import { deflateSync } from 'node:zlib';
import type { TrayIconState } from './tray-view.js';

type Rgb = readonly [number, number, number];

/** Badge colour per state; null: no badge. Chosen to differ in hue and in lightness (colour blindness). */
export const BADGE_COLOURS: Readonly<Record<TrayIconState, Rgb | null>> = {
  'signed-out': [128, 128, 128],
  idle: null,
  held: [37, 99, 235],
  uploading: [217, 119, 6],
  attention: [220, 38, 38],
};

const GLYPH: Rgb = [55, 65, 81];
const PAGE: Rgb = [255, 255, 255];

interface Sample {
  rgb: Rgb;
  inside: (x: number, y: number) => boolean;
}

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): (x: number, y: number) => boolean {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

const circle = (cx: number, cy: number, r: number) => (x: number, y: number): boolean => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

/** Layers in painting order, in unit coordinates (0..1). */
function layers(state: TrayIconState): Sample[] {
  const out: Sample[] = [];
  const hollow = state === 'signed-out';
  out.push({ rgb: GLYPH, inside: roundedRect(0.14, 0.06, 0.78, 0.94, 0.1) });
  // Signed out: the page is white inside (an outline); otherwise three text lines on a dark page.
  if (hollow) out.push({ rgb: PAGE, inside: roundedRect(0.22, 0.14, 0.7, 0.86, 0.05) });
  else for (const y of [0.28, 0.46, 0.64]) out.push({ rgb: PAGE, inside: roundedRect(0.26, y, 0.66, y + 0.07, 0.02) });
  const badge = BADGE_COLOURS[state];
  if (badge) {
    out.push({ rgb: PAGE, inside: circle(0.74, 0.74, 0.27) });
    out.push({ rgb: badge, inside: circle(0.74, 0.74, 0.2) });
  }
  return out;
}

/** RGBA pixels, row by row. */
export function drawTrayIcon(state: TrayIconState, size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 8 || size > 512) throw new RangeError(`icon size ${size} out of range 8..512`);
  const ls = layers(state);
  const px = new Uint8Array(size * size * 4);
  const ss = 4;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let r = 0; let g = 0; let b = 0; let a = 0;
      for (let sy = 0; sy < ss; sy += 1) {
        for (let sx = 0; sx < ss; sx += 1) {
          const ux = (x + (sx + 0.5) / ss) / size;
          const uy = (y + (sy + 0.5) / ss) / size;
          let hit: Rgb | null = null;
          for (const l of ls) if (l.inside(ux, uy)) hit = l.rgb;
          if (hit) {
            r += hit[0]; g += hit[1]; b += hit[2]; a += 1;
          }
        }
      }
      const o = (y * size + x) * 4;
      if (a > 0) {
        px[o] = Math.round(r / a);
        px[o + 1] = Math.round(g / a);
        px[o + 2] = Math.round(b / a);
        px[o + 3] = Math.round((255 * a) / (ss * ss));
      }
    }
  }
  return px;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG (RGBA, 8 bits per channel, no interlace) of the given pixels. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError('pixel buffer does not match the size');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function trayIconPng(state: TrayIconState, size: number): Buffer {
  return encodePng(drawTrayIcon(state, size), size, size);
}
