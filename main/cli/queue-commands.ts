// `pullprint queue install|remove [--dry-run]`: create or remove the OS print queues of
// the enabled modes, each pointing at its capture port, and make DefaultQueue the
// default printer. The commands come from main/ui/queue-plan.ts; this file runs them in
// order (no shell) or, with --dry-run, prints them. Installers call it as root or
// administrator (build/ scripts). Exit 1 when a step fails, naming the step.

import { execFile } from 'node:child_process';
import type { Command } from 'commander';
import type { Config } from '../config/types.js';
import { PullPrintError } from '../util/errors.js';
import {
  defaultQueueFor,
  formatCommand,
  installPlan,
  queueSpecs,
  removePlan,
  type DefaultQueueChoice,
  type OsCommand,
  type QueueSpec,
} from '../ui/queue-plan.js';
import { printJson, type Io } from './output.js';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface QueueCommandDeps {
  readonly io: Io;
  /** The configuration in effect for the command's -c/-d options. */
  loadConfig(): Promise<Config>;
  /** Runs one command (default: execFile, no shell, 2-minute limit). */
  run?(cmd: OsCommand): Promise<CommandResult>;
}

interface QueueOpts {
  dryRun?: boolean;
  json?: boolean;
  driver?: string;
}

export function runCommand(cmd: OsCommand, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd.program, [...cmd.args], { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, windowsHide: true, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      // ENOENT and friends: the program is missing; say so instead of an empty stderr.
      const why = err && typeof err.code === 'string' ? `${err.code}: ${err.message}` : '';
      resolve({ code, stdout: String(stdout), stderr: `${String(stderr)}${why}` });
    });
  });
}

function firstLine(s: string): string {
  return s.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
}

async function execute(deps: QueueCommandDeps, plan: OsCommand[]): Promise<Array<{ command: string; purpose: string; exitCode: number | null }>> {
  const run = deps.run ?? ((c: OsCommand) => runCommand(c));
  const done: Array<{ command: string; purpose: string; exitCode: number | null }> = [];
  for (const cmd of plan) {
    const r = await run(cmd);
    done.push({ command: formatCommand(cmd), purpose: cmd.purpose, exitCode: r.code });
    if (r.code !== 0 && !cmd.ignoreFailure) {
      const detail = firstLine(r.stderr) || firstLine(r.stdout) || `exit code ${r.code ?? 'none (killed or not started)'}`;
      throw new PullPrintError('QUEUE_COMMAND_FAILED', `${cmd.purpose} failed: ${cmd.program}: ${detail}`);
    }
  }
  return done;
}

function report(deps: QueueCommandDeps, o: QueueOpts, what: {
  action: 'install' | 'remove'; config: Config; specs: QueueSpec[]; def: DefaultQueueChoice | null; plan: OsCommand[];
  results: Array<{ command: string; purpose: string; exitCode: number | null }> | null;
}): void {
  if (o.json) {
    printJson(deps.io, {
      action: what.action,
      dryRun: Boolean(o.dryRun),
      platform: what.config.platform,
      queues: what.specs,
      defaultQueue: what.def,
      commands: what.results ?? what.plan.map((c) => ({ command: formatCommand(c), purpose: c.purpose })),
    });
    return;
  }
  if (o.dryRun) {
    for (const c of what.plan) deps.io.out(`# ${c.purpose}\n${formatCommand(c)}`);
    return;
  }
  for (const r of what.results ?? []) deps.io.out(`${r.exitCode === 0 ? 'done' : 'skipped'}: ${r.purpose}`);
}

export function registerQueueCommands(program: Command, deps: QueueCommandDeps): Command {
  const queue = program.command('queue').description('create or remove the OS print queues of the enabled modes (run as administrator)');

  queue.command('install')
    .description('create one queue per enabled mode, pointing at its capture port, and make DefaultQueue the default printer')
    .option('--dry-run', 'print the commands instead of running them')
    .option('--driver <driver>', 'CUPS model or .ppd path, or Windows driver name (default: the OS\'s generic PostScript driver)')
    .option('--json', 'machine-readable output')
    .action(async (o: QueueOpts) => {
      const config = await deps.loadConfig();
      const specs = queueSpecs(config);
      const def = defaultQueueFor(config, specs);
      const plan = installPlan(config.platform, specs, def, o.driver ? { driver: o.driver } : {});
      const results = o.dryRun ? null : await execute(deps, plan);
      report(deps, o, { action: 'install', config, specs, def, plan, results });
    });

  queue.command('remove')
    .description('remove every PullPrint queue (PullPrint, PullPrint-AD, PullPrint-Hybrid, PullPrint-Cloud); absent ones are skipped')
    .option('--dry-run', 'print the commands instead of running them')
    .option('--json', 'machine-readable output')
    .action(async (o: QueueOpts) => {
      const config = await deps.loadConfig();
      const specs = queueSpecs(config);
      const plan = removePlan(config.platform);
      const results = o.dryRun ? null : await execute(deps, plan);
      report(deps, o, { action: 'remove', config, specs, def: null, plan, results });
    });

  return queue;
}
