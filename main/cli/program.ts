// The `pullprint` command: the same engine as the tray, headless, plus client commands
// that talk to a running engine over the control channel. Exit codes: 0 success,
// 1 the operation failed, 2 the command line was wrong.

import { Command, CommanderError, Option } from 'commander';
import type { Config } from '../config/types.js';
import { ConfigError, describeConfig, loadConfig } from '../config/index.js';
import { callEngine } from '../control/client.js';
import { controlSocketPath } from '../control/socket-path.js';
import type { EngineSnapshot } from '../core/engine.js';
import type { PublicJob } from '../core/public-job.js';
import { VERSION } from '../core/version.js';
import { PullPrintError } from '../util/errors.js';
import { formatBytes, printJson, table } from './output.js';
import type { Io } from './output.js';
import { runServe } from './serve.js';
import { registerTrackerCommands } from './tracker-commands.js';
import { registerIdentityCommands } from './identity-commands.js';
import { openIdentity } from './identity-wiring.js';
import { registerDirectoryCommands } from './directory-commands.js';
import { registerReleaseCommands } from './release-commands.js';
import { registerQueueCommands } from './queue-commands.js';

export interface CliContext {
  io: Io;
  env: NodeJS.ProcessEnv;
  /** Resolves when `serve` should stop (SIGINT/SIGTERM in the real process). */
  stopSignal(): Promise<string>;
}

interface PathOpts {
  config?: string;
  dataDir?: string;
}

function pathOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <file>', 'configuration file (default: $PULLPRINT_CONFIG, then the platform default)'))
    .addOption(new Option('-d, --data-dir <dir>', 'data folder (default: $PULLPRINT_DATA_DIR, then the platform default)'));
}

async function load(ctx: CliContext, o: PathOpts): Promise<Config> {
  return loadConfig({ configPath: o.config, dataDir: o.dataDir, env: ctx.env });
}

function reportConfigError(ctx: CliContext, err: ConfigError): void {
  for (const w of err.warnings) ctx.io.err(`warning: ${w}`);
  ctx.io.err(err.message);
}

/** Requests that may legitimately take long (network round trips) get a longer deadline. */
const SLOW_METHODS: Readonly<Record<string, number>> = { 'tracker.flush': 120_000, 'release.job': 600_000, 'identity.logout': 60_000 };

async function engineCall(ctx: CliContext, o: PathOpts, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const cfg = await load(ctx, o);
  return callEngine(controlSocketPath(cfg.paths.dataDir), method, params, SLOW_METHODS[method] ?? 10_000);
}

/** Every leaf command accepts -c/-d, including those registered by other subsystems. */
function addPathOptionsEverywhere(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (sub.commands.length > 0) addPathOptionsEverywhere(sub);
    else if (!sub.options.some((opt) => opt.long === '--config')) pathOptions(sub);
  }
}

function renderStatus(s: EngineSnapshot): string {
  const lines = [
    `PullPrint ${s.version}: engine ${s.status} (pid ${s.pid})${s.startedAt ? ` since ${s.startedAt}` : ''}`,
    `Configuration: ${s.configFile ?? 'embedded default (no configuration file)'}`,
    `Data folder:   ${s.dataDir}`,
    `Log file:      ${s.logFile}`,
    'Modes:',
    ...s.modes.map((m) => `  ${m.kind.padEnd(14)} queue ${m.queue.padEnd(17)} capture ${m.listening ? m.captureAddresses.map((a) => (a.includes(':') ? `[${a}]` : a)).map((a) => `${a}:${m.capturePort}`).join(', ') : `port ${m.capturePort} (not listening)`}${m.releasePort ? `  release port ${m.releasePort}` : ''}`),
    `Jobs: ${s.jobs.total} (${s.jobs.held} held, ${s.jobs.queued} queued, ${s.jobs.failed} failed)`,
  ];
  return lines.join('\n');
}

function renderJobs(jobs: PublicJob[]): string {
  if (jobs.length === 0) return 'No jobs.';
  return table(
    ['ID', 'STATE', 'OWNER', 'PAGES', 'SIZE', 'RECEIVED', 'TITLE'],
    jobs.map((j) => [j.id, j.state, j.owner, j.pages === null ? '?' : String(j.pages), formatBytes(j.size), j.receivedAt.replace('T', ' ').slice(0, 19), j.title ?? '']),
  );
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('pullprint')
    .description('PullPrint print management client: capture, hold and release print jobs (headless engine and control commands)')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run "pullprint --help" for usage)')
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .exitOverride();

  const config = program.command('config').description('check or print the configuration');
  pathOptions(config.command('check').description('validate a configuration file; exit 0 when valid, 1 with every error otherwise').argument('[file]', 'file to check (default: the configuration in effect)'))
    .action(async (file: string | undefined, o: PathOpts) => {
      const cfg = await loadConfig({ configPath: file ?? o.config, dataDir: o.dataDir, env: ctx.env });
      for (const w of cfg.warnings) ctx.io.err(`warning: ${w}`);
      ctx.io.out(`${cfg.paths.configFile ?? 'embedded default'}: valid (modes: ${cfg.modes.map((m) => m.kind).join(', ')})`);
    });
  pathOptions(config.command('print').description('print the effective configuration with defaults and the source of each value').option('--json', 'machine-readable output'))
    .action(async (o: PathOpts & { json?: boolean }) => {
      const cfg = await load(ctx, o);
      const rows = describeConfig(cfg);
      if (o.json) {
        printJson(ctx.io, { configFile: cfg.paths.configFile, dataDir: cfg.paths.dataDir, values: rows, warnings: cfg.warnings });
        return;
      }
      ctx.io.out(`# ${cfg.paths.configFile ?? 'embedded default (no configuration file)'}; data folder ${cfg.paths.dataDir}`);
      ctx.io.out(table(['ELEMENT', 'VALUE', 'SOURCE'], rows.map((r) => [r.path, typeof r.value === 'string' ? r.value : JSON.stringify(r.value), r.source])));
    });

  pathOptions(program.command('serve').description('run the engine in the foreground until SIGINT/SIGTERM'))
    .action(async (o: PathOpts) => {
      const cfg = await load(ctx, o);
      await runServe(cfg, ctx);
    });

  pathOptions(program.command('status').description('show the running engine\'s state').option('--json', 'machine-readable output'))
    .action(async (o: PathOpts & { json?: boolean }) => {
      const s = (await engineCall(ctx, o, 'status')) as EngineSnapshot;
      if (o.json) printJson(ctx.io, s);
      else ctx.io.out(renderStatus(s));
    });

  pathOptions(program.command('jobs').description('list stored jobs').option('--json', 'machine-readable output').option('-u, --user <user>', 'only this owner\'s jobs'))
    .action(async (o: PathOpts & { json?: boolean; user?: string }) => {
      const jobs = (await engineCall(ctx, o, 'jobs.list', o.user ? { user: o.user } : {})) as PublicJob[];
      if (o.json) printJson(ctx.io, jobs);
      else ctx.io.out(renderJobs(jobs));
    });

  pathOptions(program.command('delete').description('delete a stored job').argument('<id>', 'job id (see "pullprint jobs")').option('--json', 'machine-readable output'))
    .action(async (id: string, o: PathOpts & { json?: boolean }) => {
      const job = (await engineCall(ctx, o, 'jobs.delete', { id })) as PublicJob;
      if (o.json) printJson(ctx.io, job);
      else ctx.io.out(`deleted ${job.id} (${job.title ?? 'untitled'})`);
    });

  // Subsystem command groups talk to the engine with the path options of the command run.
  let active: PathOpts = {};
  program.hook('preAction', (_root, action) => {
    active = action.opts<PathOpts>();
  });
  const call = (method: string, params?: Record<string, unknown>): Promise<unknown> => engineCall(ctx, active, method, params ?? {});
  registerTrackerCommands(program, { io: ctx.io, call });
  registerIdentityCommands(program, { io: ctx.io, open: async (o) => openIdentity(await load(ctx, o), ctx.io) });
  registerDirectoryCommands(program, { io: ctx.io, call });
  registerReleaseCommands(program, { io: ctx.io, call });
  registerQueueCommands(program, { io: ctx.io, loadConfig: () => load(ctx, active) });

  addPathOptionsEverywhere(program);
  return program;
}

/** Runs the command line; resolves with the process exit code. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof ConfigError) {
      reportConfigError(ctx, err);
      return 1;
    }
    if (err instanceof PullPrintError) {
      ctx.io.err(`pullprint: ${err.message} [${err.code}]`);
      return 1;
    }
    ctx.io.err(`pullprint: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
