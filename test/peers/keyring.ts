// A private OS keychain for keytar tests: a D-Bus session bus of our own
// (dbus-run-session) with gnome-keyring's Secret Service unlocked by a test password,
// and HOME / XDG folders pointed at temporary folders so no real keyring is touched.
// The test file runs in that child session; the parent asserts on its exit status.
// Variants without the Secret Service, or without any session bus, reproduce the
// "keychain unavailable" situations of a headless machine.
//
// Debian packages: dbus-daemon (dbus-daemon, dbus-run-session), gnome-keyring
// (gnome-keyring-daemon), libsecret-1-0 (keytar's runtime library). dbus-x11 is not
// needed: with no session bus, keytar's libsecret fails fast ("Cannot autolaunch D-Bus
// without X11 $DISPLAY"), which is exactly the case under test.
import { execFile } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/documents.js';
import { run, type RunResult } from '../helpers/process.js';

export type KeyringMode =
  /** Session bus + unlocked gnome-keyring Secret Service. */
  | 'keyring'
  /**
   * Session bus whose D-Bus activation starts gnome-keyring on demand, never unlocked,
   * and no display for its unlock prompt: a locked keyring nobody can open.
   */
  | 'locked'
  /** Session bus with no Secret Service at all (no service activation). */
  | 'no-secret-service'
  /** No session bus at all (a service, SSH session or container). */
  | 'no-bus';

export interface KeyringRun {
  readonly result: RunResult;
  /** The folders the child had as HOME and XDG_* (still present until cleanup()). */
  readonly home: string;
  readonly dirs: readonly string[];
  /** Files created under those folders, minus the bus sockets and gnome-keyring's own store. */
  strayFiles(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const exec = promisify(execFile);

export async function checkKeyringTools(): Promise<void> {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    await exec('sh', ['-c', `command -v ${tool}`]).catch(() => {
      throw new Error(`${tool} is missing: apt-get install -y --no-install-recommends dbus-daemon gnome-keyring libsecret-1-0`);
    });
  }
}

/** Every regular file under `dir`, recursively. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const p = join(d, name);
      const s = await stat(p);
      if (s.isDirectory()) await walk(p);
      else out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/**
 * Runs `node --import tsx --test <testFile>` in the given keychain situation, with
 * PULLPRINT_KEYRING_MODE=<mode> in its environment so the file knows it is the child.
 */
export async function runTestFileInKeyring(testFile: string, mode: KeyringMode, opts: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<KeyringRun> {
  await checkKeyringTools();
  const root = await tempDir(`keyring-${mode}`);
  const home = join(root.path, 'home');
  const runtime = join(root.path, 'runtime');
  const data = join(root.path, 'data');
  const config = join(root.path, 'config');
  const cache = join(root.path, 'cache');
  for (const d of [home, runtime, data, config, cache]) await mkdir(d, { recursive: true, mode: 0o700 });

  // Only what the child needs: no DISPLAY, no session bus address, no real HOME.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: data,
    XDG_CONFIG_HOME: config,
    XDG_CACHE_HOME: cache,
    TMPDIR: process.env.TMPDIR,
    PULLPRINT_KEYRING_MODE: mode,
    PULLPRINT_FUZZ_ITERATIONS: process.env.PULLPRINT_FUZZ_ITERATIONS,
    KEYRING_PW: `pw-${Math.random().toString(36).slice(2)}`,
    ...opts.env,
  };
  const node = [process.execPath, '--import', 'tsx', '--test', '--test-reporter=spec', testFile];
  let cmd: string;
  let args: string[];
  switch (mode) {
    case 'keyring':
      cmd = 'dbus-run-session';
      args = ['--', 'sh', '-c', 'printf %s "$KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"', 'sh', ...node];
      break;
    case 'locked':
      cmd = 'dbus-run-session';
      args = ['--', ...node];
      break;
    case 'no-secret-service': {
      // The distribution's session.conf minus every <servicedir>: nothing can be activated.
      const conf = join(root.path, 'session.conf');
      await writeFile(conf, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${runtime}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`);
      cmd = 'dbus-run-session';
      args = [`--config-file=${conf}`, '--', ...node];
      break;
    }
    case 'no-bus':
      [cmd, ...args] = node;
      break;
  }
  const result = await run(cmd, args, { env, cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 90_000 });
  return {
    result,
    home,
    dirs: [home, runtime, data, config, cache],
    async strayFiles() {
      const files: string[] = [];
      for (const d of [home, runtime, data, config, cache]) files.push(...await listFiles(d));
      return files.filter((f) => !f.startsWith(`${join(data, 'keyrings')}/`) && !f.startsWith(`${join(runtime, 'keyring')}/`) && !/\/dbus-[\w-]+$/.test(f));
    },
    cleanup: () => root.cleanup(),
  };
}
