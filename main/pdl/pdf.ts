// Facts of a PDF inside a stored job file (PROTOCOLS.md §7): pages from trailer /Root →
// /Pages → /Count through the xref (classic, XRef streams, hybrid, /Prev chains, object
// streams), title from /Info /Title (XMP dc:title as a fallback). A missing or broken xref
// sends us to a recovery scan over the object definitions. Encrypted files: /Count is
// still read when the page tree is not in an (encrypted) object stream; whatever is
// still unknown (always the title, whose string is encrypted) comes from `pdfinfo`
// (pdf-pdfinfo.ts). Colour and duplex are not known from a PDF here and stay absent.
//
// Random access only: the tail, the xref sections and the few objects needed are read;
// every read, stream and chain is capped. Never rejects: problems give partial facts or {}.
import { open, type FileHandle } from 'node:fs/promises';
import { MAX_ARRAY_KEPT, PdfRef, PdfString, isDict, isInt, isName, type PdfDict } from './pdf-objects.js';
import { PdfSource, PdfStream } from './pdf-file.js';
import { PdfDocument } from './pdf-document.js';
import { loadXref } from './pdf-xref.js';
import { recoverPdf } from './pdf-recover.js';
import { cleanTitle, decodeTextString, xmpTitle } from './pdf-text.js';
import { runPdfInfo } from './pdf-pdfinfo.js';
import type { SectionFacts } from './types.js';

/** XMP packets larger than this are not searched for a title. */
const MAX_XMP_BYTES = 4 * 1024 * 1024;
/** Page-tree nodes visited when /Count is missing and the leaves must be counted. */
const MAX_TREE_NODES = 10_000;
const MAX_TREE_DEPTH = 64;

interface DocFacts {
  pages: number | null;
  title: string | null;
  encrypted: boolean;
}

/** How the facts were found, for diagnostics and tests. */
export interface PdfReadDetails {
  readonly facts: SectionFacts;
  /** 'xref': through the cross-reference chain; 'recovery': by the object scan. */
  readonly via: 'xref' | 'recovery' | 'none';
  readonly encrypted: boolean;
  readonly usedPdfInfo: boolean;
  /** Bytes of the file read (the point of random access is that this stays small). */
  readonly bytesRead: number;
}

/** Reads pages and title of the PDF in bytes [start, end) of file. Never rejects. */
export async function readPdfFacts(file: string, start: number, end: number): Promise<SectionFacts> {
  return (await readPdfDetails(file, start, end)).facts;
}

/** readPdfFacts with how the answer was reached. Never rejects. */
export async function readPdfDetails(file: string, start: number, end: number): Promise<PdfReadDetails> {
  let bytesRead = 0;
  const none = (): PdfReadDetails => ({ facts: {}, via: 'none', encrypted: false, usedPdfInfo: false, bytesRead });
  let fh: FileHandle | undefined;
  try {
    fh = await open(file, 'r');
    const size = (await fh.stat()).size;
    const s = Math.max(0, Math.floor(start));
    const e = Math.min(size, Math.floor(end));
    if (!Number.isSafeInteger(s) || !Number.isSafeInteger(e) || e - s < 8) return none();
    const src = await locate(fh, s, e);
    if (!src) return none();
    const { facts, via } = await readFacts(src).finally(() => {
      bytesRead = src.bytesRead;
    });
    let usedPdfInfo = false;
    if (facts.encrypted && (facts.pages === null || facts.title === null)) {
      const info = await runPdfInfo(file, src.base, src.base + src.length, size);
      usedPdfInfo = true;
      if (facts.pages === null) facts.pages = info.pages;
      if (facts.title === null) facts.title = info.title;
    }
    const out: SectionFacts = {};
    if (facts.pages !== null) out.pages = facts.pages;
    if (facts.title !== null) out.title = facts.title;
    return { facts: out, via, encrypted: facts.encrypted, usedPdfInfo, bytesRead };
  } catch {
    return none();
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** The section starts at `%PDF-`; tolerate a few bytes of junk before it. */
async function locate(fh: FileHandle, s: number, e: number): Promise<PdfSource | null> {
  const probe = new PdfSource(fh, s, e - s);
  const head = await probe.read(0, 1024);
  const at = head.indexOf('%PDF-');
  if (at < 0) return null;
  return at === 0 ? probe : new PdfSource(fh, s + at, e - s - at);
}

async function readFacts(src: PdfSource): Promise<{ facts: DocFacts; via: PdfReadDetails['via'] }> {
  let best: DocFacts | null = null;
  try {
    const startxref = await findStartXref(src);
    if (startxref !== null) {
      const xref = await loadXref(src, startxref);
      const encrypted = isEncrypted(xref.trailer);
      const doc = new PdfDocument(src, xref, encrypted);
      best = await docFacts(doc, xref.trailer, encrypted);
    }
  } catch {
    best = null;
  }
  if (best && best.pages !== null) return { facts: best, via: 'xref' };
  // An encrypted file whose xref loaded but whose page tree is in an (encrypted) object
  // stream: a scan cannot read it either, so go straight to pdfinfo.
  if (best && best.encrypted) return { facts: best, via: 'xref' };
  const recovered = await recoverFacts(src).catch(() => null);
  if (recovered && (recovered.pages !== null || !best)) {
    if (best && recovered.title === null) recovered.title = best.title;
    return { facts: recovered, via: 'recovery' };
  }
  return best ? { facts: best, via: 'xref' } : { facts: { pages: null, title: null, encrypted: false }, via: 'none' };
}

function isEncrypted(trailer: PdfDict): boolean {
  const e = trailer.get('Encrypt');
  return e !== undefined && e !== null;
}

/** The offset after the last `startxref` in the tail (2 KiB, then 1 MiB for trailing junk). */
async function findStartXref(src: PdfSource): Promise<number | null> {
  for (const span of [2048, 1024 * 1024]) {
    const from = Math.max(0, src.length - span);
    const tail = (await src.read(from, src.length - from)).toString('latin1');
    const i = tail.lastIndexOf('startxref');
    if (i >= 0) {
      const m = /^startxref[\0\t\n\f\r ]+(\d{1,15})/.exec(tail.slice(i, i + 64));
      return m ? Number(m[1]) : null;
    }
    if (from === 0) break;
  }
  return null;
}

async function docFacts(doc: PdfDocument, trailer: PdfDict, encrypted: boolean): Promise<DocFacts> {
  const root = await doc.resolveDict(trailer.get('Root'));
  const pages = root ? await pageCount(doc, root, trailer) : null;
  let title: string | null = null;
  // Encrypted strings and streams cannot be read here.
  if (!encrypted) {
    const info = await doc.resolveDict(trailer.get('Info'));
    const t = info ? await doc.resolve(info.get('Title')) : undefined;
    if (t instanceof PdfString) title = cleanTitle(decodeTextString(t.bytes));
    if (title === null && root) title = await metadataTitle(doc, root);
  }
  return { pages, title, encrypted };
}

async function pageCount(doc: PdfDocument, root: PdfDict, trailer: PdfDict): Promise<number | null> {
  const node = await doc.resolveDict(root.get('Pages'));
  if (!node) return null;
  const count = await doc.resolve(node.get('Count'));
  let n: number | null;
  if (isInt(count) && count >= 0) n = count;
  else if (isName(node.get('Type'), 'Page')) n = 1;
  else n = await countLeaves(doc, node);
  // Every page needs an object of its own, so a /Count above /Size is impossible; poppler
  // (our reference) clamps it the same way.
  const size = trailer.get('Size');
  if (n !== null && isInt(size) && size > 0 && n > size) n = size;
  return n;
}

/** Counts /Page leaves when the root has no usable /Count (bounded walk, loops guarded). */
async function countLeaves(doc: PdfDocument, root: PdfDict): Promise<number | null> {
  const seen = new Set<number>();
  let visited = 0;
  const walk = async (node: PdfDict, depth: number): Promise<number | null> => {
    if (depth > MAX_TREE_DEPTH || ++visited > MAX_TREE_NODES) return null;
    const kids = await doc.resolve(node.get('Kids'));
    if (!Array.isArray(kids)) return isName(node.get('Type'), 'Page') ? 1 : 0;
    // The parser keeps only the first MAX_ARRAY_KEPT elements: a longer /Kids cannot be counted.
    if (kids.length >= MAX_ARRAY_KEPT) return null;
    let total = 0;
    for (const k of kids) {
      if (k instanceof PdfRef) {
        if (seen.has(k.num)) continue;
        seen.add(k.num);
      }
      const child = await doc.resolveDict(k);
      if (!child) continue;
      if (isName(child.get('Type'), 'Page') || (!child.has('Kids') && !isName(child.get('Type'), 'Pages'))) {
        total++;
        continue;
      }
      const c = await walk(child, depth + 1);
      if (c === null) return null;
      total += c;
    }
    return total;
  };
  return walk(root, 0);
}

async function metadataTitle(doc: PdfDocument, root: PdfDict): Promise<string | null> {
  const md = await doc.resolve(root.get('Metadata'));
  if (!(md instanceof PdfStream)) return null;
  const data = await doc.streamData(md, MAX_XMP_BYTES);
  return data ? xmpTitle(data) : null;
}

/** Facts from the recovery scan: trailers newest first, then catalogs, then root page nodes. */
async function recoverFacts(src: PdfSource): Promise<DocFacts> {
  const r = await recoverPdf(src);
  const encrypted = r.doc.encrypted;
  let fallbackTitle: string | null = null;
  for (const t of r.trailers) {
    if (!t.has('Root')) continue;
    const f = await docFacts(r.doc, withoutSize(t), encrypted);
    if (f.pages !== null) return f;
    fallbackTitle ??= f.title;
  }
  const infoTrailer = r.trailers.find((t) => t.has('Info'));
  for (const num of r.catalogs) {
    const t: PdfDict = new Map([['Root', new PdfRef(num, 0)]]);
    if (infoTrailer) t.set('Info', infoTrailer.get('Info') ?? null);
    const f = await docFacts(r.doc, t, encrypted);
    if (f.pages !== null) return { ...f, title: f.title ?? fallbackTitle };
  }
  for (const num of r.rootPages) {
    const node = await r.doc.getObject(num);
    const dict = node instanceof PdfStream ? node.dict : node;
    if (!isDict(dict)) continue;
    const count = await r.doc.resolve(dict.get('Count'));
    if (isInt(count) && count >= 0) return { pages: count, title: fallbackTitle, encrypted };
  }
  return { pages: null, title: fallbackTitle, encrypted };
}

/** A recovered trailer's /Size may describe a damaged table; it is not used to clamp. */
function withoutSize(t: PdfDict): PdfDict {
  const d = new Map(t);
  d.delete('Size');
  return d;
}
