// A private IPP Everywhere printer (CUPS's ippeveprinter) as the destination for release
// tests and the target of ipptool. It listens on localhost only, keeps every document it
// receives in its own spool folder, and "prints" with /bin/true so jobs finish at once.
import { mkdir, readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/documents.js';
import { freePort, startDaemon, waitFor, type Daemon } from '../helpers/process.js';
import { startSystemBus } from './dbus.js';

export const DEFAULT_FORMATS = [
  'application/pdf',
  'application/postscript',
  'application/vnd.hp-pcl',
  'application/vnd.hp-pclxl',
  'application/octet-stream',
  'image/pwg-raster',
  'image/urf',
];

export interface IppEvePrinter {
  /** ipp://127.0.0.1:PORT/ipp/print */
  readonly uri: string;
  readonly port: number;
  readonly spoolDir: string;
  readonly pid: number;
  /** Paths of the documents received so far, in job-id order. */
  receivedFiles(): Promise<string[]>;
  /** What ippeveprinter wrote to stdout/stderr (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface IppEvePrinterOptions {
  formats?: string[];
  name?: string;
  /** Advertise two-sided printing (ippeveprinter -2). */
  duplex?: boolean;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function jobIdOf(file: string): number {
  const m = /^(\d+)-/.exec(file);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export async function startIppEvePrinter(opts: IppEvePrinterOptions = {}): Promise<IppEvePrinter> {
  const bus = await startSystemBus();
  const dir = await tempDir('ippeve');
  const spoolDir = join(dir.path, 'spool');
  const keyDir = join(dir.path, 'ssl');
  await mkdir(spoolDir);
  await mkdir(keyDir);
  const formats = (opts.formats ?? DEFAULT_FORMATS).join(',');
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus.address };

  let daemon: Daemon | undefined;
  let port = 0;
  try {
    // freePort() can race with another process taking the port; retry a few times.
    for (let attempt = 0; attempt < 3 && daemon === undefined; attempt++) {
      port = await freePort();
      const args = [
        // `-n 127.0.0.1` fails on the IPv6 listener; `localhost` binds 127.0.0.1 and ::1 only.
        '-n', 'localhost', '-p', String(port), '-d', spoolDir, '-K', keyDir, '-k',
        // No DNS-SD registration; /bin/true makes each job finish at once instead of 5–15 s.
        '-r', 'off', '-c', '/bin/true', '-f', formats,
        ...(opts.duplex ? ['-2'] : []),
        opts.name ?? 'PullPrint Test Printer',
      ];
      const started = Date.now();
      const d = startDaemon('ippeveprinter', args, { env });
      const up = await waitFor(`ippeveprinter on port ${port}`, async () => {
        if (d.exited()) return 'exited';
        return (await portOpen(port)) ? 'up' : undefined;
      }, 10_000, 25);
      if (up === 'exited') {
        if (attempt === 2) throw new Error(`ippeveprinter exited: ${d.output()}`);
        continue;
      }
      // printer-up-time is in whole seconds and must be > 0 for conformance checks.
      const wait = 1100 - (Date.now() - started);
      if (wait > 0) await sleep(wait);
      daemon = d;
    }
  } catch (e) {
    await daemon?.stop();
    await bus.stop();
    await dir.cleanup();
    throw e;
  }
  const running = daemon as Daemon;

  return {
    uri: `ipp://127.0.0.1:${port}/ipp/print`,
    port,
    spoolDir,
    pid: running.pid,
    log: () => running.output(),
    async receivedFiles(): Promise<string[]> {
      // Documents are N-name.pdf/.ps/.dat...; N-name.prn is the output of the -c command.
      const names = (await readdir(spoolDir)).filter((n) => /^\d+-/.test(n) && !n.endsWith('.prn'));
      names.sort((a, b) => jobIdOf(a) - jobIdOf(b) || a.localeCompare(b));
      return names.map((n) => join(spoolDir, n));
    },
    async stop(): Promise<void> {
      await running.stop();
      await bus.stop();
      await dir.cleanup();
    },
  };
}
