// Small wrappers around child processes for the tests and their peers: run a command to
// completion, start a long-lived daemon and stop it by its own PID (never by name, so a
// test never touches a process it did not start), find a free loopback port, poll.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string | Buffer;
  timeoutMs?: number;
}

/** Runs a command to completion; never rejects on a non-zero exit (see runOk). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that does not read stdin closes it early; ignore that EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a command and rejects with its stderr (and stdout) when it exits non-zero. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const detail = (r.stderr.trim() || r.stdout.trim()).slice(-4000);
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code ?? r.signal}: ${detail}`);
  }
  return r;
}

export interface Daemon {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the daemon wrote to stdout and stderr so far (capped). */
  output(): string;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_CAP = 256 * 1024;

// Daemons still running when the test process ends (a crash, an assertion thrown before
// stop(), a signal) would outlive it and hold ports; kill them by PID on the way out.
const live = new Set<ChildProcess>();
let reaperInstalled = false;

function killLive(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once('exit', killLive);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killLive();
      // Re-raise with the default action so the exit status still says "killed by signal".
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    // Only when nobody else handles the signal, so we never change a program's behaviour.
    if (process.listenerCount(sig) === 0) process.once(sig, onSignal);
  }
}

/** Starts a foreground daemon; stop() signals exactly this PID. */
export function startDaemon(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Daemon {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  const collect = (b: Buffer): void => {
    buf += b.toString('utf8');
    if (buf.length > OUTPUT_CAP) buf = buf.slice(-OUTPUT_CAP);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let gone = false;
  installReaper();
  live.add(child);
  const exitP = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      live.delete(child);
      resolve();
    });
    // spawn failures (e.g. ENOENT) arrive here, not as an exception.
    child.once('error', (e) => {
      gone = true;
      live.delete(child);
      collect(Buffer.from(String(e)));
      resolve();
    });
  });
  return {
    pid: child.pid ?? -1,
    child,
    output: () => buf,
    exited: () => gone,
    async stop(graceMs = 3000): Promise<void> {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!gone) child.kill('SIGKILL');
      }, graceMs);
      await exitP;
      clearTimeout(timer);
    },
  };
}

/** A loopback TCP port that was free a moment ago (bind port 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until check() returns a value other than undefined/false, or rejects after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      const why = lastErr instanceof Error ? `: ${lastErr.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}
