// The recovery scan for a PDF whose xref is missing or broken: one streamed pass over the
// section in 1 MiB chunks, noting every `n g obj` (the last definition of a number wins),
// every `trailer`, and which objects say /Type /Pages, /Catalog, /ObjStm or /XRef and
// /Parent. Object streams found on the way are then opened to add their objects. Memory is
// bounded by the cap on recovered objects and on decoded object-stream bytes.
import { PdfParser, isDict, isInt, isName, type PdfDict } from './pdf-objects.js';
import { PdfStream, readIndirectAt, type PdfSource } from './pdf-file.js';
import { PdfDocument } from './pdf-document.js';
import { MapXref, type XrefEntry } from './pdf-xref.js';

const CHUNK = 1024 * 1024;
/** Longer than any match below, so a match starting before a chunk's end fits in it. */
const OVERLAP = 128;
/** Object definitions remembered; a bigger file recovers partially. */
export const MAX_RECOVERED_OBJECTS = 1_000_000;
const MAX_TRAILERS = 16;
const MAX_OBJSTMS = 4096;
const OBJSTM_BUDGET = 256 * 1024 * 1024;

const WS = '[\\x00\\t\\n\\f\\r ]';
const NAME_END = '(?=[\\x00\\t\\n\\f\\r ()<>\\[\\]{}/%]|$)';
const SCAN_RE = new RegExp(
  `(?<![0-9])(\\d{1,10})${WS}{1,16}(\\d{1,5})${WS}{1,16}obj${NAME_END}` +
    `|(?<![A-Za-z])trailer${NAME_END}` +
    `|/Type${WS}{0,16}/(Pages|Catalog|ObjStm|XRef)${NAME_END}` +
    `|/Parent${NAME_END}`,
  'g',
);

interface Flags {
  pages: boolean;
  catalog: boolean;
  objStm: boolean;
  xref: boolean;
  parent: boolean;
}

export interface Recovered {
  readonly doc: PdfDocument;
  /** Trailer dictionaries (classic and XRef-stream), newest first. */
  readonly trailers: readonly PdfDict[];
  /** /Type/Catalog objects, last defined first. */
  readonly catalogs: readonly number[];
  /** /Type/Pages objects without /Parent, last defined first. */
  readonly rootPages: readonly number[];
}

export async function recoverPdf(src: PdfSource): Promise<Recovered> {
  const offsets = new Map<number, number>();
  const flags = new Map<number, Flags>();
  const trailerAt: number[] = [];
  let current = -1;

  const flagsOf = (num: number): Flags => {
    let f = flags.get(num);
    if (!f) {
      f = { pages: false, catalog: false, objStm: false, xref: false, parent: false };
      flags.set(num, f);
    }
    return f;
  };

  let carry: Buffer = Buffer.alloc(0);
  let carryAt = 0; // section offset of carry[0]
  let readAt = 0;
  while (readAt < src.length) {
    const chunk = await src.read(readAt, CHUNK);
    if (chunk.length === 0) break;
    readAt += chunk.length;
    const final = readAt >= src.length;
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const text = buf.toString('latin1');
    const limit = final ? text.length : text.length - OVERLAP;
    let resume = limit;
    SCAN_RE.lastIndex = 0;
    for (let m = SCAN_RE.exec(text); m !== null && m.index < limit; m = SCAN_RE.exec(text)) {
      resume = Math.max(limit, m.index + m[0].length);
      const at = carryAt + m.index;
      if (m[1] !== undefined) {
        const num = Number(m[1]);
        current = num;
        if (offsets.has(num) || offsets.size < MAX_RECOVERED_OBJECTS) {
          offsets.set(num, at);
          flags.delete(num); // a later definition replaces everything about the earlier one
        } else {
          current = -1;
        }
      } else if (m[0].startsWith('trailer')) {
        trailerAt.push(at + 7);
        if (trailerAt.length > MAX_TRAILERS) trailerAt.shift();
        current = -1;
      } else if (m[3] !== undefined) {
        if (current >= 0) {
          const f = flagsOf(current);
          if (m[3] === 'Pages') f.pages = true;
          else if (m[3] === 'Catalog') f.catalog = true;
          else if (m[3] === 'ObjStm') f.objStm = true;
          else f.xref = true;
        }
      } else if (current >= 0) {
        flagsOf(current).parent = true;
      }
    }
    const keepFrom = Math.min(resume, buf.length);
    carry = Buffer.from(buf.subarray(keepFrom));
    carryAt += keepFrom;
  }

  const entries = new Map<number, XrefEntry>();
  for (const [num, offset] of offsets) entries.set(num, { type: 1, offset, gen: 0 });
  const xref = new MapXref(entries);

  // Trailers: classic ones and XRef stream dictionaries, in file order, newest first.
  const found: { at: number; dict: PdfDict }[] = [];
  for (const at of trailerAt) {
    try {
      const d = await src.parseAt(at, (p: PdfParser) => p.parseValue());
      if (isDict(d)) found.push({ at, dict: d });
    } catch {
      // a damaged trailer is skipped
    }
  }

  const byOffset = (a: number, b: number): number => (offsets.get(b) ?? 0) - (offsets.get(a) ?? 0);
  const catalogs: number[] = [];
  const rootPages: number[] = [];
  const objStms: number[] = [];
  for (const [num, f] of flags) {
    if (f.catalog) catalogs.push(num);
    if (f.pages && !f.parent) rootPages.push(num);
    if (f.objStm) objStms.push(num);
    if (f.xref) {
      try {
        const o = await readIndirectAt(src, offsets.get(num) as number, num);
        if (o.value instanceof PdfStream) found.push({ at: offsets.get(num) as number, dict: o.value.dict });
      } catch {
        // skipped
      }
    }
  }
  found.sort((a, b) => b.at - a.at);
  const trailers = found.map((t) => t.dict);
  const encrypted = trailers.some((t) => t.has('Encrypt') && t.get('Encrypt') !== null);
  const doc = new PdfDocument(src, xref, encrypted);

  if (!encrypted) await addObjectStreams(doc, objStms.sort(byOffset).reverse(), entries, catalogs, rootPages);
  catalogs.sort(byOffset);
  rootPages.sort(byOffset);
  return { doc, trailers, catalogs, rootPages };
}

/** Adds the objects of each object stream (direct definitions win) and notes their types. */
async function addObjectStreams(
  doc: PdfDocument,
  objStms: readonly number[],
  entries: Map<number, XrefEntry>,
  catalogs: number[],
  rootPages: number[],
): Promise<void> {
  let budget = OBJSTM_BUDGET;
  // Streams in file order, so a later stream's copy of an object replaces an earlier one.
  for (const num of objStms.slice(0, MAX_OBJSTMS)) {
    if (budget <= 0) break;
    const obj = await doc.getObject(num);
    if (!(obj instanceof PdfStream)) continue;
    const n = obj.dict.get('N');
    const first = obj.dict.get('First');
    if (!isInt(n) || !isInt(first) || n < 0 || first < 0) continue;
    const data = await doc.streamData(obj, Math.min(budget, 16 * 1024 * 1024));
    if (!data || first > data.length) continue;
    budget -= data.length;
    try {
      const p = new PdfParser(data.subarray(0, first), 0, true);
      for (let i = 0; i < n; i++) {
        const a = p.parseValue();
        const b = p.parseValue();
        if (!isInt(a) || !isInt(b)) break;
        const direct = entries.get(a);
        if (direct && direct.type === 1) continue;
        if (entries.size >= MAX_RECOVERED_OBJECTS && !direct) continue;
        entries.set(a, { type: 2, stream: num, index: i });
        try {
          const v = new PdfParser(data, first + b, true).parseValue();
          if (isDict(v)) {
            const type = v.get('Type');
            if (isName(type, 'Catalog')) catalogs.push(a);
            if (isName(type, 'Pages') && !v.has('Parent')) rootPages.push(a);
          }
        } catch {
          // an unparsable object is still listed; it just is not a candidate
        }
      }
    } catch {
      // keep what was added before the damage
    }
  }
}
