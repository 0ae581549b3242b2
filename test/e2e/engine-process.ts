// Runs test/e2e/engine-child.ts as a separate process on a given data folder and port,
// so a test can SIGKILL the engine at any instant and start it again on the same folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, waitFor, type Daemon } from '../helpers/process.js';
import type { ListedJob } from './engine-child.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./engine-child.ts', import.meta.url));

export interface EngineChildFiles {
  readonly dir: string;
  readonly configPath: string;
  readonly dataDir: string;
  readonly logFile: string;
}

/** Writes configuration.xml for one Serverless AD mode capturing on `port`. */
export async function writeChildConfig(dir: string, port: number): Promise<EngineChildFiles> {
  const logFile = join(dir, 'logs', 'pullprint.log');
  const configPath = join(dir, 'configuration.xml');
  await mkdir(join(dir, 'logs'), { recursive: true });
  await writeFile(configPath, `<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <Logger><LogFilePath>${logFile}</LogFilePath><LoggingEnabled>true</LoggingEnabled></Logger>
  <LPMServerlessADSettings>
    <CaptureSettings><LoopbackPort>${port}</LoopbackPort></CaptureSettings>
    <ServerSettings><ServiceAccountUserName>svc-print</ServiceAccountUserName></ServerSettings>
  </LPMServerlessADSettings>
</Configuration>
`);
  return { dir, configPath, dataDir: join(dir, 'data'), logFile };
}

export interface EngineChild {
  readonly pid: number;
  readonly port: number;
  /** The jobs the engine listed right after start-up (recovery done). */
  readonly listed: readonly ListedJob[];
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (clean stop); resolves with the exit code. */
  stop(): Promise<number | null>;
  output(): string;
}

function exited(d: Daemon): Promise<number | null> {
  if (d.exited()) return Promise.resolve(d.child.exitCode);
  return new Promise((resolve) => d.child.once('exit', (code) => resolve(code)));
}

export async function startEngineChild(files: EngineChildFiles, round: number, timeoutMs = 30_000): Promise<EngineChild> {
  const listing = join(files.dir, `listing-${round}.json`);
  const d = startDaemon(process.execPath, ['--import', 'tsx', CHILD, files.configPath, files.dataDir, listing], { cwd: REPO_ROOT });
  // waitFor keeps polling through exceptions, so an early exit is a value, not a throw.
  const ready = await waitFor('the engine child to print READY', () => {
    const m = /^READY (\d+)$/m.exec(d.output());
    if (m) return Number(m[1]);
    return d.exited() ? 'exited' : undefined;
  }, timeoutMs, 20).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
  if (typeof ready !== 'number') {
    d.child.kill('SIGKILL');
    await exited(d);
    throw new Error(`engine child (round ${round}) did not start: ${ready}\n${d.output().slice(-3000)}`);
  }
  const port = ready;
  const listed = JSON.parse(await readFile(listing, 'utf8')) as ListedJob[];
  return {
    pid: d.pid,
    port,
    listed,
    output: () => d.output(),
    async kill(): Promise<void> {
      const gone = exited(d);
      d.child.kill('SIGKILL');
      await gone;
    },
    async stop(): Promise<number | null> {
      const gone = exited(d);
      d.child.kill('SIGTERM');
      return gone;
    },
  };
}
