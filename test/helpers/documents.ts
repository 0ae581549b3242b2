// Test documents made on the spot: a DSC-conforming PostScript file written by hand, the
// same document as PDF through ghostscript, and the reference readings the tests compare
// against (pdfinfo page count and title, ghostscript ink coverage per page).
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOk } from './process.js';

export interface DocSpec {
  pages: number;
  title?: string;
  author?: string;
  /** 1-based pages that carry a red (non-grey) mark; all other pages are pure black/grey. */
  colorPages?: number[];
}

/** Escapes a JS string for a PostScript string literal ( ... ); non-ASCII goes as UTF-8 octal escapes. */
export function psString(s: string): string {
  let out = '(';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += '\\' + String.fromCharCode(byte);
    else if (byte < 0x20 || byte > 0x7e) out += '\\' + byte.toString(8).padStart(3, '0');
    else out += String.fromCharCode(byte);
  }
  return out + ')';
}

/**
 * DSC <text>: written bare on one line, as Windows and CUPS drivers do, unless it starts with
 * '(' or is empty, when the parenthesised form (PostScript string escapes) keeps it unambiguous.
 */
function dscText(s: string): string {
  const line = s.replace(/[\r\n]+/g, ' ');
  if (line === '' || line.startsWith('(')) return '(' + line.replace(/[()\\]/g, (c) => '\\' + c) + ')';
  return line;
}

function checkSpec(spec: DocSpec): void {
  if (!Number.isInteger(spec.pages) || spec.pages < 1) throw new RangeError(`pages must be a positive integer, got ${spec.pages}`);
  for (const p of spec.colorPages ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > spec.pages) throw new RangeError(`colorPages entry ${p} is outside 1..${spec.pages}`);
  }
}

/** The PostScript text of a document (exposed so tests can write it to a socket directly). */
export function postScriptText(spec: DocSpec): string {
  checkSpec(spec);
  const colour = new Set(spec.colorPages ?? []);
  const lines: string[] = [
    '%!PS-Adobe-3.0',
    '%%Creator: PullPrint test documents',
  ];
  if (spec.title !== undefined) lines.push(`%%Title: ${dscText(spec.title)}`);
  if (spec.author !== undefined) lines.push(`%%For: ${dscText(spec.author)}`);
  lines.push(
    `%%Pages: ${spec.pages}`,
    '%%BoundingBox: 0 0 595 842',
    '%%DocumentMedia: A4 595 842 0 () ()',
    '%%LanguageLevel: 2',
    '%%EndComments',
    '%%BeginProlog',
    '/F { /Helvetica findfont exch scalefont setfont } bind def',
    '%%EndProlog',
    '%%BeginSetup',
    '%%EndSetup',
  );
  for (let p = 1; p <= spec.pages; p++) {
    lines.push(
      `%%Page: ${p} ${p}`,
      '%%BeginPageSetup',
      'save',
      '%%EndPageSetup',
      '0 setgray 24 F 72 760 moveto',
      `(Page ${p} of ${spec.pages}) show`,
      '0.5 setgray 72 600 200 100 rectfill',
    );
    // Red is the only non-neutral ink in these documents, so colour detection has one source.
    if (colour.has(p)) lines.push('1 0 0 setrgbcolor 320 600 200 100 rectfill');
    lines.push('restore', 'showpage');
  }
  lines.push('%%Trailer', '%%EOF', '');
  return lines.join('\n');
}

/** Writes a DSC-conforming PostScript file and returns its path. */
export async function makePostScript(dir: string, name: string, spec: DocSpec): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, postScriptText(spec), 'utf8');
  return path;
}

/** PDF text strings outside ASCII must be UTF-16BE with a BOM; pdfmark takes them as hex. */
function pdfTextString(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return psString(s);
  const be = Buffer.from(s, 'utf16le').swap16();
  return '<FEFF' + be.toString('hex').toUpperCase() + '>';
}

/** The PostScript document converted by ghostscript's pdfwrite, with /Info /Title (and /Author) set. */
export async function makePdf(dir: string, name: string, spec: DocSpec): Promise<string> {
  const ps = await makePostScript(dir, `${name}.src.ps`, spec);
  const mark = join(dir, `${name}.pdfmark.ps`);
  const info: string[] = [];
  if (spec.title !== undefined) info.push(`/Title ${pdfTextString(spec.title)}`);
  if (spec.author !== undefined) info.push(`/Author ${pdfTextString(spec.author)}`);
  await writeFile(mark, info.length > 0 ? `[ ${info.join(' ')} /DOCINFO pdfmark\n` : '\n', 'utf8');
  const out = join(dir, name);
  try {
    // The pdfmark file goes last: pdfwrite also turns the DSC %%Title into DOCINFO (reading
    // its bytes as PDFDocEncoding), and the last DOCINFO wins.
    await gsConvert(mark, 'pdfwrite', out, [ps]);
  } finally {
    await rm(ps, { force: true });
    await rm(mark, { force: true });
  }
  return out;
}

/** gs -q -dBATCH -dNOPAUSE -dSAFER -sDEVICE=device -sOutputFile=output [extra] input. */
export async function gsConvert(input: string, device: string, output: string, extraArgs: string[] = []): Promise<string> {
  await runOk('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-dSAFER', `-sDEVICE=${device}`, `-sOutputFile=${output}`, ...extraArgs, input], {
    timeoutMs: 60_000,
  });
  return output;
}

/** pdfinfo's key/value lines (Title, Author, Pages, ...). Rejects if pdfinfo rejects the file. */
export async function pdfInfo(path: string): Promise<Record<string, string>> {
  const { stdout } = await runOk('pdfinfo', ['-enc', 'UTF-8', path]);
  const info: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[m[1].trim()] = m[2].trim();
  }
  return info;
}

/** Page count by pdfinfo: the reference truth the page counters are checked against. */
export async function pdfPageCount(path: string): Promise<number> {
  const pages = Number((await pdfInfo(path)).Pages);
  if (!Number.isInteger(pages)) throw new Error(`pdfinfo gave no page count for ${path}`);
  return pages;
}

export interface InkCoverage {
  c: number;
  m: number;
  y: number;
  k: number;
}

/** Ghostscript's inkcov device: one CMYK coverage line per page (works for PDF and PostScript). */
export async function inkCoverage(path: string): Promise<InkCoverage[]> {
  const { stdout } = await runOk('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-dSAFER', '-o', '-', '-sDEVICE=inkcov', path]);
  const pages: InkCoverage[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+CMYK OK/.exec(line);
    if (m) pages.push({ c: Number(m[1]), m: Number(m[2]), y: Number(m[3]), k: Number(m[4]) });
  }
  return pages;
}

/** True when a page uses any C, M or Y ink (grey renders as K only on the inkcov device). */
export function isColourPage(p: InkCoverage): boolean {
  return p.c > 0 || p.m > 0 || p.y > 0;
}

/**
 * A fresh directory under os.tmpdir(). It is world-readable (0755) because CUPS filters run
 * as user lp and must read the documents the tests print.
 */
export async function tempDir(prefix: string): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `pullprint-${prefix.replace(/[^\w.-]/g, '_')}-`));
  await chmod(path, 0o755);
  pending.add(path);
  installSweep();
  return {
    path,
    async cleanup(): Promise<void> {
      pending.delete(path);
      await rm(path, { recursive: true, force: true });
    },
  };
}

// Folders a test forgot (or never reached, after a failure) to clean up go at process exit.
const pending = new Set<string>();
let sweepInstalled = false;
function installSweep(): void {
  if (sweepInstalled) return;
  sweepInstalled = true;
  process.once('exit', () => {
    for (const p of pending) rmSync(p, { recursive: true, force: true });
  });
}
