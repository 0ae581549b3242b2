// Where PullPrint's files live. The configuration file is machine-wide (an administrator
// deploys it); the data folder and the log file are per user. Everything here is a pure
// function of platform, environment and home directory, so each platform's layout is
// testable on any platform.
import { posix, win32 } from 'node:path';
import type { Platform } from './types.js';

export type PathOrigin = 'flag' | 'env' | 'platform-default';

export interface ResolvedPaths {
  /** The configuration file to read (it may not exist when the origin is platform-default). */
  readonly configFile: string;
  readonly configFileFrom: PathOrigin;
  readonly dataDir: string;
  readonly dataDirFrom: PathOrigin;
  /** The default of Logger/LogFilePath. */
  readonly logFile: string;
}

export interface PathInputs {
  /** `--config PATH` */
  readonly configPath?: string;
  /** `--data-dir PATH` */
  readonly dataDir?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: Platform;
  readonly homedir: string;
  /** Relative flag or environment paths are taken from here. */
  readonly cwd: string;
}

export const CONFIG_ENV = 'PULLPRINT_CONFIG';
export const DATA_DIR_ENV = 'PULLPRINT_DATA_DIR';
export const CONFIG_FILE_NAME = 'configuration.xml';

/** Lookup order: the flag, then the environment variable, then the platform default. */
export function resolvePaths(input: PathInputs): ResolvedPaths {
  const p = pathModule(input.platform);
  const pick = (flag: string | undefined, envName: string, fallback: () => string): [string, PathOrigin] => {
    if (flag !== undefined && flag !== '') return [p.resolve(input.cwd, flag), 'flag'];
    const fromEnv = envValue(input.env, envName, input.platform);
    if (fromEnv !== undefined) return [p.resolve(input.cwd, fromEnv), 'env'];
    return [fallback(), 'platform-default'];
  };
  const [configFile, configFileFrom] = pick(input.configPath, CONFIG_ENV, () => defaultConfigFile(input.platform, input.env));
  const [dataDir, dataDirFrom] = pick(input.dataDir, DATA_DIR_ENV, () => defaultDataDir(input.platform, input.env, input.homedir));
  return { configFile, configFileFrom, dataDir, dataDirFrom, logFile: defaultLogFile(input.platform, input.env, input.homedir) };
}

export function defaultConfigFile(platform: Platform, env: NodeJS.ProcessEnv): string {
  switch (platform) {
    case 'win32':
      return win32.join(envValue(env, 'ProgramData', platform) ?? 'C:\\ProgramData', 'PullPrint', CONFIG_FILE_NAME);
    case 'darwin':
      return posix.join('/Library/Application Support/PullPrint', CONFIG_FILE_NAME);
    case 'linux':
      return posix.join('/etc/pullprint', CONFIG_FILE_NAME);
  }
}

export function defaultDataDir(platform: Platform, env: NodeJS.ProcessEnv, homedir: string): string {
  switch (platform) {
    case 'win32':
      return win32.join(localAppData(env, homedir), 'PullPrint');
    case 'darwin':
      return posix.join(homedir, 'Library/Application Support/PullPrint');
    case 'linux':
      return posix.join(xdgDir(env, 'XDG_DATA_HOME') ?? posix.join(homedir, '.local/share'), 'pullprint');
  }
}

export function defaultLogFile(platform: Platform, env: NodeJS.ProcessEnv, homedir: string): string {
  switch (platform) {
    case 'win32':
      return win32.join(localAppData(env, homedir), 'PullPrint', 'logs', 'pullprint.log');
    case 'darwin':
      return posix.join(homedir, 'Library/Logs/PullPrint/pullprint.log');
    case 'linux':
      return posix.join(xdgDir(env, 'XDG_STATE_HOME') ?? posix.join(homedir, '.local/state'), 'pullprint', 'pullprint.log');
  }
}

function pathModule(platform: Platform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}

function localAppData(env: NodeJS.ProcessEnv, homedir: string): string {
  return envValue(env, 'LOCALAPPDATA', 'win32') ?? win32.join(homedir, 'AppData', 'Local');
}

/** The XDG base directory spec says relative values are invalid and must be ignored. */
function xdgDir(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = envValue(env, name, 'linux');
  return v !== undefined && posix.isAbsolute(v) ? v : undefined;
}

/** An empty variable counts as unset. Windows variable names are case-insensitive. */
function envValue(env: NodeJS.ProcessEnv, name: string, platform: Platform): string | undefined {
  let v = env[name];
  if (v === undefined && platform === 'win32') {
    const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
    v = key === undefined ? undefined : env[key];
  }
  return v === undefined || v === '' ? undefined : v;
}
