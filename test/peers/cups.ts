// A private CUPS scheduler for the tests: its own configuration, spool, state and logs in
// a temporary folder, listening on 127.0.0.1:<free port> and a Unix socket there. Clients
// (lp, lpadmin, lpstat) reach it through CUPS_SERVER=<socket>; the machine's own CUPS
// (if any) is never read, written or signalled. Never run `cupsctl` against it: cupsctl
// rewrites cupsd.conf with system defaults and grabs the system socket path.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../helpers/documents.js';
import { freePort, run, runOk, startDaemon, waitFor, type Daemon } from '../helpers/process.js';

/** Driver models checked with `lpinfo -m` on this Debian 12 image (see harness.test.ts). */
export const CUPS_MODELS = {
  /** The document unchanged. */
  raw: 'raw',
  /** PostScript, no PJL. */
  genericPostScript: 'drv:///sample.drv/generic.ppd',
  /** PJL (JOB NAME, USERNAME, ENTER LANGUAGE = POSTSCRIPT) + PostScript. */
  lexmarkCs430: 'openprinting-ppds:0/ppd/openprinting/Lexmark/Lexmark_CS430_Series.ppd',
  /** PJL + PCL XL, monochrome (cups-filters' own PPD). */
  pxlMono: 'lsb/usr/cupsfilters/pxlmono.ppd',
  /** PJL + PCL XL, colour. */
  pxlColor: 'lsb/usr/cupsfilters/pxlcolor.ppd',
  /** PJL with DUPLEX, COPIES, RENDERMODE settings + PCL XL. */
  ricohPxl: 'openprinting-ppds:0/ppd/openprinting/Ricoh/PXL/Ricoh-Aficio_MP_2510_PXL.ppd',
  /** Foomatic generic PCL XL driver (PJL + PCL XL via foomatic-rip). */
  genericPclXl: 'foomatic-db-compressed-ppds:0/ppd/foomatic-ppd/Generic-PCL_6_PCL_XL_Printer-pxlmono.ppd',
  /** Foomatic generic PCL 5e driver (ghostscript ljet4). */
  genericPcl5e: 'foomatic-db-compressed-ppds:0/ppd/foomatic-ppd/Generic-PCL_5e_Printer-ljet4.ppd',
} as const;

export type JobStateName = 'pending' | 'pending-held' | 'processing' | 'processing-stopped' | 'canceled' | 'aborted' | 'completed';

export interface JobState {
  state: JobStateName | string;
  reasons: string;
  message: string;
}

export interface PrintOptions {
  title?: string;
  copies?: number;
  sides?: 'one-sided' | 'two-sided-long-edge' | 'two-sided-short-edge';
  /** requesting-user-name sent with the job (lp -U). */
  user?: string;
  /** Further `-o name=value` options. */
  options?: Record<string, string>;
}

export interface Cups {
  /** Environment for CUPS clients: CUPS_SERVER points at the private socket. */
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  readonly socketPath: string;
  readonly dir: string;
  readonly pid: number;
  /** ipp://127.0.0.1:PORT/printers/NAME */
  queueUri(name: string): string;
  addQueue(name: string, uri: string, model: string, options?: Record<string, string>): Promise<void>;
  print(queue: string, file: string, opts?: PrintOptions): Promise<number>;
  jobState(id: number): Promise<JobState>;
  /** Resolves when the job completed; rejects with the error_log tail if it stopped, was canceled or aborted, or on timeout. */
  waitJobDone(id: number, timeoutMs: number): Promise<void>;
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

function cupsdConf(port: number, socketPath: string): string {
  return [
    'LogLevel debug',
    'MaxLogSize 0',
    `Listen 127.0.0.1:${port}`,
    `Listen ${socketPath}`,
    'Browsing No',
    'BrowseLocalProtocols none',
    'DefaultShared No',
    'WebInterface No',
    // A failing backend or filter ends the job instead of stopping the queue, so one bad
    // test does not leave the queue paused for the next.
    'ErrorPolicy abort-job',
    'PreserveJobHistory Yes',
    'DefaultAuthType None',
    // Loopback only and private: every operation is allowed without authentication.
    '<Location />',
    '  Order allow,deny',
    '  Allow all',
    '</Location>',
    '<Policy default>',
    '  <Limit All>',
    '    Order deny,allow',
    '  </Limit>',
    '</Policy>',
    '',
  ].join('\n');
}

function cupsFilesConf(dir: string): string {
  return [
    `ServerRoot ${dir}`,
    `RequestRoot ${join(dir, 'spool')}`,
    `CacheDir ${join(dir, 'cache')}`,
    `StateDir ${join(dir, 'state')}`,
    `TempDir ${join(dir, 'tmp')}`,
    `ServerKeychain ${join(dir, 'ssl')}`,
    `Printcap ${join(dir, 'printcap')}`,
    `AccessLog ${join(dir, 'log', 'access_log')}`,
    `ErrorLog ${join(dir, 'log', 'error_log')}`,
    `PageLog ${join(dir, 'log', 'page_log')}`,
    // Filters and most backends run as lp, as on a real system.
    'User lp',
    'Group lp',
    'SystemGroup root',
    '',
  ].join('\n');
}

function canConnect(opts: { path: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(opts);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Get-Job-Attributes through ipptool; DISPLAY makes -c print a CSV header and one row. */
const JOB_STATE_TEST = `{
  NAME "job state"
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job_id
  ATTR name requesting-user-name root
  ATTR keyword requested-attributes job-state,job-state-reasons,job-printer-state-message
  STATUS successful-ok
  DISPLAY job-state
  DISPLAY job-state-reasons
  DISPLAY job-printer-state-message
}
`;

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export async function startCups(): Promise<Cups> {
  const work = await tempDir('cups');
  const dir = work.path;
  for (const sub of ['spool', 'cache', 'state', 'log', 'ppd', 'ssl']) await mkdir(join(dir, sub));
  // Filters run as lp and write their temporary files here.
  await mkdir(join(dir, 'tmp'));
  await chmod(join(dir, 'tmp'), 0o1777);
  const socketPath = join(dir, 'cups.sock');
  const conf = join(dir, 'cupsd.conf');
  const filesConf = join(dir, 'cups-files.conf');
  const stateTest = join(dir, 'job-state.test');
  await writeFile(filesConf, cupsFilesConf(dir));
  await writeFile(stateTest, JOB_STATE_TEST);

  let daemon: Daemon | undefined;
  let port = 0;
  try {
    // The free port can be taken between freePort() and cupsd's bind; try again then.
    for (let attempt = 0; attempt < 3 && daemon === undefined; attempt++) {
      port = await freePort();
      await writeFile(conf, cupsdConf(port, socketPath));
      const d = startDaemon('cupsd', ['-f', '-c', conf, '-s', filesConf]);
      const ready = await waitFor('cupsd to listen', async () => {
        if (d.exited()) return 'exited';
        const both = (await canConnect({ path: socketPath })) && (await canConnect({ host: '127.0.0.1', port }));
        return both ? 'up' : undefined;
      }, 10_000, 25).catch(() => 'timeout');
      if (ready === 'up') daemon = d;
      else {
        await d.stop();
        if (attempt === 2) {
          const log = await readFile(join(dir, 'log', 'error_log'), 'utf8').catch(() => '');
          throw new Error(`cupsd did not start (${ready}): ${d.output()}\n${log.slice(-3000)}`);
        }
      }
    }
  } catch (e) {
    await work.cleanup();
    throw e;
  }
  const cupsd = daemon as Daemon;
  const env: NodeJS.ProcessEnv = { ...process.env, CUPS_SERVER: socketPath };
  const errorLog = (): Promise<string> => readFile(join(dir, 'log', 'error_log'), 'utf8').catch(() => '');
  const queueUri = (name: string): string => `ipp://127.0.0.1:${port}/printers/${encodeURIComponent(name)}`;

  async function jobState(id: number): Promise<JobState> {
    // Any printer URI of this server answers for any job id.
    const r = await runOk('ipptool', ['-c', '-T', '10', '-d', `job_id=${id}`, `ipp://127.0.0.1:${port}/`, stateTest]);
    const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
    const header = parseCsvLine(lines[0] ?? '');
    const row = parseCsvLine(lines[1] ?? '');
    const get = (k: string): string => row[header.indexOf(k)] ?? '';
    return { state: get('job-state'), reasons: get('job-state-reasons'), message: get('job-printer-state-message') };
  }

  async function logTail(id: number): Promise<string> {
    const lines = (await errorLog()).split('\n');
    const mine = lines.filter((l) => l.includes(`[Job ${id}]`) && !/ (envp|argv)\[/.test(l));
    return (mine.length > 0 ? mine : lines).slice(-60).join('\n');
  }

  return {
    env,
    port,
    socketPath,
    dir,
    pid: cupsd.pid,
    queueUri,
    async addQueue(name, uri, model, options = {}): Promise<void> {
      const args = ['-p', name, '-E', '-v', uri, '-m', model];
      for (const [k, v] of Object.entries(options)) args.push('-o', `${k}=${v}`);
      await runOk('lpadmin', args, { env });
    },
    async print(queue, file, opts = {}): Promise<number> {
      const args = ['-d', queue];
      if (opts.title !== undefined) args.push('-t', opts.title);
      if (opts.copies !== undefined) args.push('-n', String(opts.copies));
      if (opts.user !== undefined) args.push('-U', opts.user);
      if (opts.sides !== undefined) args.push('-o', `sides=${opts.sides}`);
      for (const [k, v] of Object.entries(opts.options ?? {})) args.push('-o', `${k}=${v}`);
      args.push('--', file);
      const r = await runOk('lp', args, { env });
      const m = /request id is .*-(\d+) \(/.exec(r.stdout);
      if (!m) throw new Error(`lp printed no job id: ${r.stdout} ${r.stderr}`);
      return Number(m[1]);
    },
    jobState,
    async waitJobDone(id, timeoutMs): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      let last: JobState | undefined;
      for (;;) {
        last = await jobState(id);
        if (last.state === 'completed') return;
        if (last.state === 'canceled' || last.state === 'aborted' || last.state === 'processing-stopped') {
          throw new Error(`CUPS job ${id} ${last.state} (${last.reasons}; ${last.message})\n${await logTail(id)}`);
        }
        if (Date.now() > deadline) {
          throw new Error(`CUPS job ${id} still ${last.state} after ${timeoutMs} ms (${last.reasons}; ${last.message})\n${await logTail(id)}`);
        }
        await sleep(100);
      }
    },
    errorLog,
    async stop(): Promise<void> {
      await cupsd.stop();
      await work.cleanup();
    },
  };
}

/** `lpinfo -m` against a private server: model name to description. */
export async function listModels(cups: Cups): Promise<Map<string, string>> {
  const r = await run('lpinfo', ['-m'], { env: cups.env, timeoutMs: 60_000 });
  const models = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0) models.set(line.slice(0, i), line.slice(i + 1));
  }
  return models;
}
