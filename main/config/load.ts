// Finds and reads configuration.xml. An explicitly named file (--config or
// PULLPRINT_CONFIG) must exist; a missing platform-default file means the embedded default.
import { readFile, stat } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import { ConfigError } from './config-error.js';
import { defaultConfig, parseConfig } from './parse-config.js';
import { CONFIG_ENV, resolvePaths, type ResolvedPaths } from './paths.js';
import { decodeConfigBytes } from './text-position.js';
import type { Config, Platform } from './types.js';

export interface LoadConfigOptions {
  /** `--config PATH` */
  readonly configPath?: string;
  /** `--data-dir PATH` */
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: Platform;
  readonly homedir?: string;
  readonly cwd?: string;
}

/** A configuration file is a few kilobytes; anything this large is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export function currentPlatform(): Platform {
  const p = process.platform;
  // Other Unix systems (FreeBSD…) use CUPS and the XDG layout like Linux.
  return p === 'win32' || p === 'darwin' ? p : 'linux';
}

export async function loadConfig(opts: LoadConfigOptions = {}): Promise<Config> {
  const platform = opts.platform ?? currentPlatform();
  const paths = resolvePaths({
    configPath: opts.configPath,
    dataDir: opts.dataDir,
    env: opts.env ?? process.env,
    platform,
    homedir: opts.homedir ?? osHomedir(),
    cwd: opts.cwd ?? process.cwd(),
  });
  const bytes = await readConfigFile(paths);
  if (bytes === null) return defaultConfig({ platform, paths });
  return parseConfig(decodeConfigBytes(bytes), { platform, paths });
}

async function readConfigFile(paths: ResolvedPaths): Promise<Uint8Array | null> {
  const file = paths.configFile;
  const named = paths.configFileFrom === 'flag' ? 'named by --config' : paths.configFileFrom === 'env' ? `named by ${CONFIG_ENV}` : 'the platform default';
  const fail = (code: 'CONFIG_NOT_FOUND' | 'CONFIG_UNREADABLE' | 'CONFIG_INVALID', allowed: string, detail: string, cause?: unknown): never => {
    const issue = { path: '(file)', line: null, column: null, found: file, allowed, message: detail };
    throw new ConfigError(code, file, [issue], [], cause === undefined ? undefined : { cause });
  };
  try {
    const st = await stat(file);
    if (!st.isFile()) fail('CONFIG_UNREADABLE', 'a regular file', `${file} (${named}) is not a regular file`);
    if (st.size > MAX_CONFIG_BYTES) fail('CONFIG_INVALID', `at most ${MAX_CONFIG_BYTES} bytes`, `${file} is ${st.size} bytes; a configuration file is at most ${MAX_CONFIG_BYTES} bytes`);
    return await readFile(file);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && paths.configFileFrom === 'platform-default') return null;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail('CONFIG_NOT_FOUND', 'an existing file', `${file} (${named}) does not exist`, err);
    return fail('CONFIG_UNREADABLE', 'a readable file', `${file} (${named}) cannot be read: ${code ?? (err as Error).message}`, err);
  }
}
