// The OS print queues PullPrint creates at install time, one per enabled mode, pointing
// at that mode's capture port (docs/capture.md "Pointing a queue at PullPrint"), and the
// queue DefaultPrintQueue/DefaultQueue names made the default printer. Pure builders:
// configuration in, the exact commands out (lpadmin on Linux and macOS, PowerShell's
// PrintManagement cmdlets on Windows), so `pullprint queue install --dry-run` shows what
// would run and the tests check every platform's commands on any platform.

import type { Config, ModeKind, Platform } from '../config/types.js';
import { queueNameOf } from '../config/queue-names.js';
import { PullPrintError } from '../util/errors.js';

export interface QueueSpec {
  readonly name: string;
  readonly mode: ModeKind;
  readonly port: number;
  readonly description: string;
}

export interface OsCommand {
  readonly program: string;
  readonly args: readonly string[];
  /** For people: what this step does. */
  readonly purpose: string;
  /** A failure of this step is expected and harmless (removing what is already gone). */
  readonly ignoreFailure?: boolean;
}

export interface QueuePlanOptions {
  /** CUPS: a model name (lpinfo -m) or an absolute .ppd path; Windows: an installed driver name. */
  readonly driver?: string;
}

const MODE_LABEL: Record<ModeKind, string> = { local: 'held jobs', hybrid: 'Hybrid', 'serverless-ad': 'Serverless AD', cloud: 'Cloud' };

/** A generic PostScript driver each OS ships: its output is what late binding and release need. */
export const DEFAULT_DRIVER: Readonly<Record<Platform, string>> = {
  linux: 'drv:///sample.drv/generic.ppd',
  darwin: '/System/Library/Frameworks/ApplicationServices.framework/Versions/A/Frameworks/PrintCore.framework/Resources/Generic.ppd',
  win32: 'Microsoft PS Class Driver',
};

/** The guide's queue names, as DefaultQueue values, mapped to ours. */
const GUIDE_QUEUE_ALIASES: Readonly<Record<string, ModeKind>> = { lpmcloud: 'cloud' };

export const ALL_QUEUE_NAMES: readonly string[] = (['serverless-ad', 'hybrid', 'cloud', 'local'] as const).map(queueNameOf);

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/;

export function queueSpecs(config: Pick<Config, 'modes'>): QueueSpec[] {
  return config.modes.map((m) => ({
    name: queueNameOf(m.kind),
    mode: m.kind,
    port: m.capture.loopbackPort,
    description: `PullPrint (${MODE_LABEL[m.kind]})`,
  }));
}

export interface DefaultQueueChoice {
  readonly queue: string;
  readonly why: 'configured' | 'guide-alias' | 'first-queue';
}

/**
 * DefaultQueue naming one of our queues (any case) → that queue; the guide's `LPMCloud`
 * → our Cloud queue when Cloud is enabled; the element left at its default → our first
 * queue (a package always makes its queue the default); another name set in the file →
 * that queue as is (the administrator may choose an existing printer).
 */
export function defaultQueueFor(config: Pick<Config, 'defaultPrintQueue' | 'sources'>, specs: readonly QueueSpec[]): DefaultQueueChoice | null {
  const wanted = config.defaultPrintQueue.trim();
  const ours = specs.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
  if (ours) return { queue: ours.name, why: 'configured' };
  const alias = GUIDE_QUEUE_ALIASES[wanted.toLowerCase()];
  const aliased = alias ? specs.find((s) => s.mode === alias) : undefined;
  if (aliased) return { queue: aliased.name, why: 'guide-alias' };
  const fromFile = config.sources['DefaultPrintQueue/DefaultQueue']?.from === 'file';
  if (fromFile && !alias) {
    if (!QUEUE_NAME.test(wanted)) {
      throw new PullPrintError('BAD_QUEUE_NAME', `DefaultPrintQueue/DefaultQueue ${JSON.stringify(wanted)} cannot be used as a queue name (letters, digits, '.', '_' and '-' only)`);
    }
    return { queue: wanted, why: 'configured' };
  }
  return specs[0] ? { queue: specs[0].name, why: 'first-queue' } : null;
}

// --- CUPS (Linux, macOS) ---

function lpdUri(spec: QueueSpec): string {
  // LPD carries the user (P line) and title (J line); reserve=none: the backend runs
  // unprivileged; snmp=false: no 4-second SNMP probe per job (docs/capture.md).
  return `lpd://127.0.0.1:${spec.port}/${spec.name}?reserve=none&snmp=false`;
}

function cupsInstall(platform: 'linux' | 'darwin', specs: readonly QueueSpec[], def: DefaultQueueChoice | null, opts: QueuePlanOptions): OsCommand[] {
  const driver = opts.driver ?? DEFAULT_DRIVER[platform];
  const driverArgs = driver.startsWith('/') && driver.toLowerCase().endsWith('.ppd') ? ['-P', driver] : ['-m', driver];
  const out: OsCommand[] = specs.map((s) => ({
    program: 'lpadmin',
    args: ['-p', s.name, '-E', '-v', lpdUri(s), ...driverArgs, '-D', s.description, '-L', 'This computer', '-o', 'printer-is-shared=false'],
    purpose: `create queue ${s.name} → capture port ${s.port}`,
  }));
  if (def) out.push({ program: 'lpadmin', args: ['-d', def.queue], purpose: `make ${def.queue} the default printer` });
  return out;
}

function cupsRemove(names: readonly string[]): OsCommand[] {
  return names.map((n) => ({ program: 'lpadmin', args: ['-x', n], purpose: `remove queue ${n}`, ignoreFailure: true }));
}

// --- Windows (PowerShell PrintManagement) ---

/** PowerShell single-quoted string literal. */
export function psQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function portNameOf(spec: QueueSpec): string {
  return `${spec.name}_${spec.port}`;
}

function powershell(script: string[], purpose: string, ignoreFailure = false): OsCommand {
  return {
    program: 'powershell.exe',
    args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', ["$ErrorActionPreference = 'Stop'", ...script].join('; ')],
    purpose,
    ...(ignoreFailure ? { ignoreFailure } : {}),
  };
}

function windowsInstall(specs: readonly QueueSpec[], def: DefaultQueueChoice | null, opts: QueuePlanOptions): OsCommand[] {
  const driver = psQuote(opts.driver ?? DEFAULT_DRIVER.win32);
  const out: OsCommand[] = [
    powershell([`if (-not (Get-PrinterDriver -Name ${driver} -ErrorAction SilentlyContinue)) { Add-PrinterDriver -Name ${driver} }`], 'install the printer driver'),
  ];
  for (const s of specs) {
    const port = psQuote(portNameOf(s));
    const name = psQuote(s.name);
    // A Standard TCP/IP port in RAW mode on the loopback capture port, SNMP off (no -SNMP);
    // LPR mode always uses port 515 and cannot point at the capture port (docs/capture.md).
    out.push(powershell([
      `if (-not (Get-PrinterPort -Name ${port} -ErrorAction SilentlyContinue)) { Add-PrinterPort -Name ${port} -PrinterHostAddress '127.0.0.1' -PortNumber ${s.port} }`,
      `if (Get-Printer -Name ${name} -ErrorAction SilentlyContinue) { Set-Printer -Name ${name} -PortName ${port} -DriverName ${driver} -Shared $false }` +
        ` else { Add-Printer -Name ${name} -PortName ${port} -DriverName ${driver} -Comment ${psQuote(s.description)} -Location 'This computer' }`,
    ], `create queue ${s.name} → capture port ${s.port}`));
  }
  if (def) {
    // WQL string literal: backslash and quote escaped.
    const wql = def.queue.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    out.push(powershell([
      `$p = Get-CimInstance -ClassName Win32_Printer -Filter ${psQuote(`Name='${wql}'`)}`,
      `if (-not $p) { throw ${psQuote(`no printer named ${def.queue}`)} }`,
      'Invoke-CimMethod -InputObject $p -MethodName SetDefaultPrinter | Out-Null',
    ], `make ${def.queue} the default printer`));
  }
  return out;
}

function windowsRemove(names: readonly string[]): OsCommand[] {
  // The port is found through the printer: its name carries the port number, which the
  // configuration may have changed since the install.
  return names.map((n) => powershell([
    `$pr = Get-Printer -Name ${psQuote(n)} -ErrorAction SilentlyContinue`,
    `if (-not $pr) { exit 3 }`,
    `Remove-Printer -Name ${psQuote(n)}`,
    'Remove-PrinterPort -Name $pr.PortName -ErrorAction SilentlyContinue',
  ], `remove queue ${n}`, true));
}

export function installPlan(platform: Platform, specs: readonly QueueSpec[], def: DefaultQueueChoice | null, opts: QueuePlanOptions = {}): OsCommand[] {
  if (platform === 'win32') return windowsInstall(specs, def, opts);
  return cupsInstall(platform, specs, def, opts);
}

/**
 * Removes every queue name PullPrint uses, enabled or not: the configuration may have
 * changed (or be gone) since the install, and removing an absent queue is harmless.
 */
export function removePlan(platform: Platform, names: readonly string[] = ALL_QUEUE_NAMES): OsCommand[] {
  return platform === 'win32' ? windowsRemove(names) : cupsRemove(names);
}

/** POSIX shell quoting, for showing commands to people (they are run without a shell). */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

export function formatCommand(cmd: OsCommand): string {
  if (cmd.program === 'powershell.exe') return `powershell.exe -Command "${cmd.args[cmd.args.length - 1].replace(/"/g, '\\"')}"`;
  return [cmd.program, ...cmd.args].map(shQuote).join(' ');
}
