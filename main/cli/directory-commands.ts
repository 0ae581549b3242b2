// `pullprint directory …` (Serverless AD): give the running engine the directory password
// it needs to publish this workstation, see what is published, and sign out. The password
// is read without echo (or from standard input for scripts), sent over the owner-only
// control socket, verified by a directory bind and kept in the OS keychain.

import type { Command } from 'commander';
import { TerminalPrompter } from '../identity/index.js';
import { PullPrintError } from '../util/errors.js';
import { printJson } from './output.js';
import type { Io } from './output.js';

export interface DirectoryCommandDeps {
  readonly io: Io;
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** The password source (tests pass their own). */
  readonly prompter?: { promptSecret(label: string): Promise<string | null> };
}

interface DirectoryStatusView {
  state?: string;
  user?: string;
  value?: string | null;
  lastError?: { code: string; message: string } | null;
  [k: string]: unknown;
}

export function registerDirectoryCommands(program: Command, deps: DirectoryCommandDeps): Command {
  const dir = program.command('directory').description('Serverless AD: publishing this workstation in your directory entry');

  dir.command('login')
    .description('give PullPrint your directory password (verified by the directory, kept in the OS keychain)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const prompter = deps.prompter ?? new TerminalPrompter();
      const password = await prompter.promptSecret('Directory password');
      if (password === null) throw new PullPrintError('SIGN_IN_CANCELLED', 'no password given');
      const r = (await deps.call('directory.sign-in', { password })) as { user: string };
      if (o.json) printJson(deps.io, r);
      else deps.io.out(`Directory password accepted for ${r.user}; this workstation will be published as ADWriteOption says.`);
    });

  dir.command('status')
    .description('what is published in the directory, and the last problem')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const s = (await deps.call('directory.status', {})) as DirectoryStatusView;
      if (o.json) printJson(deps.io, s);
      else deps.io.out(Object.entries(s).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n'));
    });

  dir.command('logout')
    .description('remove this workstation from your directory entry and forget the directory password')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const r = (await deps.call('directory.sign-out', {})) as { user: string };
      if (o.json) printJson(deps.io, r);
      else deps.io.out(`Signed out of the directory for ${r.user}.`);
    });
  return dir;
}
