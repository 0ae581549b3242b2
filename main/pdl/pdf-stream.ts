// Stream decoding for the few streams the fact reader needs (xref streams, object streams,
// XMP metadata): FlateDecode with PNG/TIFF predictors, and no filter. Output is capped;
// anything else (another filter, a bomb, corrupt data) gives null.
import { constants, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { promisify } from 'node:util';
import { isDict, isInt, isName, type PdfDict, type PdfValue } from './pdf-objects.js';

/** Largest decoded stream. */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;

const inflateAsync = promisify<Buffer, ZlibOptions, Buffer>(inflate);
const inflateRawAsync = promisify<Buffer, ZlibOptions, Buffer>(inflateRaw);

async function flate(raw: Buffer, maxOut: number): Promise<Buffer | null> {
  // Z_SYNC_FLUSH keeps what decoded before a truncated or damaged end, as readers do.
  const opts: ZlibOptions = { maxOutputLength: maxOut, finishFlush: constants.Z_SYNC_FLUSH };
  try {
    return await inflateAsync(raw, opts);
  } catch (e) {
    if (e instanceof RangeError) return null; // over the cap
    try {
      // Some producers omit the zlib header.
      return await inflateRawAsync(raw, opts);
    } catch {
      return null;
    }
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Undoes a /Predictor (2 = TIFF, ≥10 = PNG, per-row filter byte). */
export function unpredict(data: Buffer, parms: PdfDict | null): Buffer | null {
  if (!parms) return data;
  const predictor = parms.get('Predictor');
  if (!isInt(predictor) || predictor <= 1) return data;
  const colors = isInt(parms.get('Colors')) ? (parms.get('Colors') as number) : 1;
  const bpc = isInt(parms.get('BitsPerComponent')) ? (parms.get('BitsPerComponent') as number) : 8;
  const columns = isInt(parms.get('Columns')) ? (parms.get('Columns') as number) : 1;
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 24) return null;
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) {
    if (bpc !== 8) return null;
    const out = Buffer.from(data);
    for (let r = 0; r < out.length; r += rowLen) {
      for (let i = r + bpp; i < Math.min(r + rowLen, out.length); i++) out[i] = (out[i] + out[i - bpp]) & 0xff;
    }
    return out;
  }
  if (predictor < 10) return null;
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = Buffer.alloc(rows * rowLen);
  let prev = Buffer.alloc(rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)];
    const src = data.subarray(r * (rowLen + 1) + 1, (r + 1) * (rowLen + 1));
    const cur = out.subarray(r * rowLen, (r + 1) * rowLen);
    for (let i = 0; i < rowLen; i++) {
      const left = i >= bpp ? cur[i - bpp] : 0;
      const up = prev[i];
      const upLeft = i >= bpp ? prev[i - bpp] : 0;
      let v: number;
      switch (type) {
        case 0: v = src[i]; break;
        case 1: v = src[i] + left; break;
        case 2: v = src[i] + up; break;
        case 3: v = src[i] + ((left + up) >> 1); break;
        case 4: v = src[i] + paeth(left, up, upLeft); break;
        default: return null;
      }
      cur[i] = v & 0xff;
    }
    prev = cur;
  }
  return out;
}

function asList(v: PdfValue | undefined): PdfValue[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Decodes a stream's raw bytes per its /Filter and /DecodeParms (direct values only). */
export async function decodeStream(dict: PdfDict, raw: Buffer, maxOut = MAX_DECODED_BYTES): Promise<Buffer | null> {
  const filters = asList(dict.get('Filter'));
  const parms = asList(dict.get('DecodeParms'));
  let data: Buffer | null = raw;
  for (let i = 0; i < filters.length && data; i++) {
    const f = filters[i];
    if (!isName(f)) return null;
    if (f.name === 'FlateDecode' || f.name === 'Fl') {
      data = await flate(data, maxOut);
      const p = parms[i];
      if (data) data = unpredict(data, isDict(p) ? p : null);
    } else {
      return null;
    }
  }
  if (data && data.length > maxOut) return null;
  return data;
}
