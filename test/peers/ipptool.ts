// Runs CUPS's ipptool conformance files (ipp-1.1.test, ipp-2.0.test, ...) against a
// printer URI and reads the verdicts. The suites print sample documents by fixed names
// (document-a4.pdf, document-letter.ps, color.jpg, ...) that Debian does not ship, so each
// run stages the test files next to documents made here with ghostscript.
import { readdir, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gsConvert, makePdf, makePostScript, tempDir } from '../helpers/documents.js';
import { run } from '../helpers/process.js';

export const IPP_1_1_TEST = '/usr/share/cups/ipptool/ipp-1.1.test';
export const IPP_2_0_TEST = '/usr/share/cups/ipptool/ipp-2.0.test';

export interface IpptoolResult {
  passed: number;
  failed: number;
  skipped: number;
  /** ipptool's whole stdout and stderr. */
  output: string;
  /** One entry per failed test: its name and the detail lines ipptool printed under it. */
  failures: string[];
}

export interface IpptoolOptions {
  /** The document for `-f` ($filename); defaults to a generated A4 PDF. */
  document?: string;
  /** `-d NAME=VALUE` pairs, e.g. { NOPRINT: '1' }. */
  defines?: Record<string, string>;
  timeoutMs?: number;
}

const VERDICT = /^ {4}(\S.*?)\s*\[(PASS|FAIL|SKIP)\]\s*$/;

/** Parses `ipptool -t` output. An ipptool error that ends the run early counts as a failure. */
export function parseIpptoolOutput(output: string): Omit<IpptoolResult, 'output'> {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures: string[] = [];
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    const m = VERDICT.exec(line);
    if (m) {
      current = undefined;
      if (m[2] === 'PASS') passed++;
      else if (m[2] === 'SKIP') skipped++;
      else {
        failed++;
        current = [m[1]];
        failures.push('');
      }
    } else if (current && /^ {8}\S/.test(line)) {
      current.push(line.trim());
    } else if (line.startsWith('ipptool:')) {
      // e.g. `ipptool: Filename "x" ... cannot be read.` stops the suite where it stands.
      current = undefined;
      failed++;
      failures.push(line);
      continue;
    }
    if (current) failures[failures.length - 1] = current.join('\n  ');
  }
  return { passed, failed, skipped, failures };
}

/** Documents the shipped suites print by name; each is made only if the suite's folder lacks it. */
async function stageDocuments(dir: string, present: Set<string>): Promise<string> {
  const a4Pdf = join(dir, 'document-a4.pdf');
  if (!present.has('document-a4.pdf')) {
    await makePdf(dir, 'document-a4.pdf', { pages: 2, title: 'PullPrint ipptool A4', colorPages: [2] });
  }
  const letter = ['-sPAPERSIZE=letter', '-dFIXEDMEDIA', '-dPDFFitPage'];
  const make: [string, () => Promise<unknown>][] = [
    ['document-letter.pdf', () => gsConvert(a4Pdf, 'pdfwrite', join(dir, 'document-letter.pdf'), letter)],
    ['document-a4.ps', () => makePostScript(dir, 'document-a4.ps', { pages: 2, title: 'PullPrint ipptool A4', colorPages: [2] })],
    ['document-letter.ps', () => gsConvert(a4Pdf, 'ps2write', join(dir, 'document-letter.ps'), letter)],
    ['color.jpg', () => gsConvert(a4Pdf, 'jpeg', join(dir, 'color.jpg'), ['-r36', '-dFirstPage=2', '-dLastPage=2'])],
    ['gray.jpg', () => gsConvert(a4Pdf, 'jpeggray', join(dir, 'gray.jpg'), ['-r36', '-dFirstPage=1', '-dLastPage=1'])],
  ];
  await Promise.all(make.filter(([name]) => !present.has(name)).map(([, fn]) => fn()));
  return a4Pdf;
}

export async function runIpptool(uri: string, testFile: string, opts: IpptoolOptions = {}): Promise<IpptoolResult> {
  const work = await tempDir('ipptool');
  try {
    // Link every file of the suite's folder so INCLUDE "ipp-1.1.test" and friends resolve.
    const srcDir = dirname(resolve(testFile));
    const present = new Set<string>();
    for (const name of await readdir(srcDir)) {
      present.add(name);
      await symlink(join(srcDir, name), join(work.path, name));
    }
    const defaultDoc = await stageDocuments(work.path, present);
    const args = ['-t', '-I', '-T', '30', '-f', opts.document ?? defaultDoc];
    for (const [k, v] of Object.entries(opts.defines ?? {})) args.push('-d', `${k}=${v}`);
    args.push(uri, join(work.path, basename(testFile)));
    const r = await run('ipptool', args, { cwd: work.path, timeoutMs: opts.timeoutMs ?? 120_000 });
    const output = r.stdout + r.stderr;
    const parsed = parseIpptoolOutput(output);
    if (parsed.passed + parsed.failed + parsed.skipped === 0) {
      throw new Error(`ipptool ran no test (exit ${r.code ?? r.signal}): ${output.slice(-2000)}`);
    }
    return { ...parsed, output };
  } finally {
    await work.cleanup();
  }
}
