// Saved printers: the small list of release destinations the CLI and the tray share, in
// the user's preferences at <dataDir>/preferences/printers.json:
//   {"version": 1, "printers": [{"name": "Floor 2", "uri": "ipp://...", "default": true}]}
// Names are unique ignoring case; at most one printer is the default. Every change is
// written to a temporary file, flushed and renamed over the old one (never half a list),
// and changes are serialised within the process (the engine is the only writer: the CLI
// and the tray both go through its control channel). The file is read on every call, so
// a hand edit is seen without a restart; a file that cannot be parsed is reported, never
// overwritten.

import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ReleaseError } from './errors.js';
import { looksLikeUri, parsePrinterUri, type PrinterTarget } from './printer-uri.js';

export interface SavedPrinter {
  readonly name: string;
  readonly uri: string;
  readonly default: boolean;
}

const MAX_PRINTERS = 100;
const MAX_NAME = 64;

const fileSchema = z.object({
  version: z.literal(1),
  printers: z.array(z.object({ name: z.string(), uri: z.string(), default: z.boolean().optional() })).max(MAX_PRINTERS),
});

export function printersFile(dataDir: string): string {
  return join(dataDir, 'preferences', 'printers.json');
}

function checkName(name: string): string {
  const n = name.normalize('NFC').trim();
  // eslint-disable-next-line no-control-regex
  if (n === '' || [...n].length > MAX_NAME || /[\x00-\x1f\x7f]/.test(n)) {
    throw new ReleaseError('BAD_PRINTER_NAME', `a printer name is 1 to ${MAX_NAME} characters without control characters`);
  }
  if (looksLikeUri(n)) throw new ReleaseError('BAD_PRINTER_NAME', 'a printer name cannot look like a URI (scheme://...)');
  return n;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export class SavedPrinters {
  readonly #file: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.#file = printersFile(dataDir);
  }

  get file(): string {
    return this.#file;
  }

  async list(): Promise<SavedPrinter[]> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if (err && typeof err === 'object' && 'code' in err && err.code === 'ENOENT') return [];
      throw new ReleaseError('PREFERENCES_UNREADABLE', `${this.#file} cannot be read`, {}, { cause: err });
    }
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch {
      throw new ReleaseError('PREFERENCES_UNREADABLE', `${this.#file} is not a saved-printer list (fix or remove it)`);
    }
    return parsed.printers.map((p) => ({ name: p.name, uri: p.uri, default: p.default === true }));
  }

  /** Adds a printer (or replaces the one of that name); the first one saved is the default. */
  add(name: string, uri: string, opts: { makeDefault?: boolean } = {}): Promise<SavedPrinter> {
    const n = checkName(name);
    const target = parsePrinterUri(uri);
    return this.#change((list) => {
      const rest = list.filter((p) => !same(p.name, n));
      const makeDefault = opts.makeDefault === true || rest.length === 0 || list.some((p) => same(p.name, n) && p.default);
      if (rest.length >= MAX_PRINTERS) throw new ReleaseError('BAD_PRINTER_NAME', `at most ${MAX_PRINTERS} printers can be saved`);
      const entry: SavedPrinter = { name: n, uri: target.uri, default: makeDefault };
      const next = [...rest.map((p) => (makeDefault ? { ...p, default: false } : p)), entry];
      return { next, result: entry };
    });
  }

  /** Removes a printer; false when there was none of that name. */
  remove(name: string): Promise<boolean> {
    return this.#change((list) => {
      const next = list.filter((p) => !same(p.name, name.trim()));
      return { next, result: next.length !== list.length };
    });
  }

  setDefault(name: string): Promise<SavedPrinter> {
    return this.#change((list) => {
      const found = list.find((p) => same(p.name, name.trim()));
      if (!found) throw new ReleaseError('PRINTER_NOT_FOUND', `no saved printer named ${JSON.stringify(name.slice(0, 64))}`);
      const next = list.map((p) => ({ ...p, default: p === found }));
      return { next, result: { ...found, default: true } };
    });
  }

  /**
   * The printer for a release: a URI as given, else a saved printer by name (ignoring
   * case), else (no argument) the default saved printer.
   */
  async resolve(nameOrUri: string | null | undefined): Promise<PrinterTarget> {
    if (nameOrUri && looksLikeUri(nameOrUri)) return parsePrinterUri(nameOrUri);
    const list = await this.list();
    if (!nameOrUri) {
      const d = list.find((p) => p.default);
      if (!d) throw new ReleaseError('NO_PRINTER', 'no printer given and no default printer saved (pullprint printers add NAME URI --default)');
      return parsePrinterUri(d.uri);
    }
    const found = list.find((p) => same(p.name, nameOrUri.trim()));
    if (!found) throw new ReleaseError('PRINTER_NOT_FOUND', `no saved printer named ${JSON.stringify(nameOrUri.slice(0, 64))} (pullprint printers list)`);
    return parsePrinterUri(found.uri);
  }

  #change<T>(fn: (list: SavedPrinter[]) => { next: SavedPrinter[]; result: T }): Promise<T> {
    const run = this.#queue.then(async () => {
      const { next, result } = fn(await this.list());
      await this.#write(next);
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(list: readonly SavedPrinter[]): Promise<void> {
    const dir = join(this.#file, '..');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify({ version: 1, printers: list }, null, 2)}\n`, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, 0o600);
    await rename(tmp, this.#file);
    try {
      const d = await open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      // Folders cannot be opened on Windows; the rename is what matters.
    }
  }
}
