// The fallback for encrypted PDFs: poppler's `pdfinfo`, which opens files protected only by
// an owner password (the common case: print allowed, empty user password). It runs with
// execFile (no shell), a timeout and a capped output. A PDF that fills the whole stored
// file is passed by path; one inside a PJL wrapper is piped to `pdfinfo -` as the slice
// [start, end), so poppler never sees the wrapper.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cleanTitle } from './pdf-text.js';

export interface PdfInfoFacts {
  readonly pages: number | null;
  readonly title: string | null;
}

export const PDFINFO_TIMEOUT_MS = 15_000;
const NOTHING: PdfInfoFacts = { pages: null, title: null };

export function parsePdfInfo(stdout: string): PdfInfoFacts {
  let pages: number | null = null;
  let title: string | null = null;
  for (const line of stdout.split('\n')) {
    const m = /^(Title|Pages):\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'Pages') {
      const n = Number(m[2].trim());
      if (Number.isSafeInteger(n) && n >= 0) pages = n;
    } else {
      title = cleanTitle(m[2]);
    }
  }
  return { pages, title };
}

export function runPdfInfo(file: string, start: number, end: number, fileSize: number, timeoutMs = PDFINFO_TIMEOUT_MS): Promise<PdfInfoFacts> {
  const whole = start === 0 && end >= fileSize;
  return new Promise((resolve) => {
    let child: ReturnType<typeof execFile>;
    try {
      child = execFile(
        'pdfinfo',
        ['-enc', 'UTF-8', whole ? file : '-'],
        { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024, encoding: 'utf8', windowsHide: true },
        (err, stdout) => {
          if (err) resolve(NOTHING);
          else resolve(parsePdfInfo(String(stdout)));
        },
      );
    } catch {
      resolve(NOTHING);
      return;
    }
    const stdin = child.stdin;
    if (!stdin) return;
    stdin.on('error', () => undefined); // pdfinfo may exit before reading everything
    if (whole) {
      stdin.end();
      return;
    }
    const slice = createReadStream(file, { start, end: end - 1 });
    slice.on('error', () => stdin.end());
    // If pdfinfo exits (or is killed) early, stop reading the file and release its descriptor.
    child.on('close', () => slice.destroy());
    slice.pipe(stdin);
  });
}
