// `pullprint login`, `logout` and `whoami`. The identity logic lives in main/identity;
// this file parses options, calls it and prints. Failures are thrown as PullPrintErrors
// so runCli prints "pullprint: message [CODE]" and exits 1.

import { Option, type Command } from 'commander';
import { interactiveSignIn } from '../identity/flows.js';
import type { LogoutResult } from '../identity/logout.js';
import type { SignInPrompter } from '../identity/prompter.js';
import { normalizeUser, type SessionInfo, type Sessions } from '../identity/sessions.js';
import { PullPrintError } from '../util/errors.js';
import { printJson, table, type Io } from './output.js';

/** What the commands need, built per invocation for its --config / --data-dir. */
export interface IdentityCommandContext {
  readonly sessions: Sessions;
  readonly prompter: SignInPrompter;
  /** The full logout (tokens + held jobs + journal): `logout(user, deps)` bound by the composition root. */
  logout(user: string): Promise<LogoutResult>;
  close(): Promise<void>;
}

export interface IdentityCommandDeps {
  readonly io: Io;
  open(opts: { config?: string; dataDir?: string }): Promise<IdentityCommandContext>;
}

interface PathOpts {
  config?: string;
  dataDir?: string;
}

function withPaths(cmd: Command): Command {
  return cmd
    .addOption(new Option('-c, --config <file>', 'configuration file (default: $PULLPRINT_CONFIG, then the platform default)'))
    .addOption(new Option('-d, --data-dir <dir>', 'data folder (default: $PULLPRINT_DATA_DIR, then the platform default)'));
}

async function using<T>(deps: IdentityCommandDeps, o: PathOpts, fn: (ctx: IdentityCommandContext) => Promise<T>): Promise<T> {
  const ctx = await deps.open({ config: o.config, dataDir: o.dataDir });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

function describeInfo(i: SessionInfo, now: number): string[] {
  let validity = 'no tokens';
  if (i.expiresAt !== null) {
    const left = Math.round((i.expiresAt - now) / 60_000);
    validity = left > 0 ? `access token valid ${left} more minute(s)` : 'access token expired';
    validity += i.canRefresh ? ', renewable' : ', not renewable';
  }
  return [i.user, i.state, validity];
}

export function registerIdentityCommands(program: Command, deps: IdentityCommandDeps): void {
  const { io } = deps;

  withPaths(program.command('login').description('sign in to the identity provider; tokens are kept in the OS keychain'))
    .option('--sso', 'sign in through your organisation\'s page in the browser')
    .option('-u, --user <email>', 'the e-mail address to sign in with')
    .option('--json', 'machine-readable output')
    .action(async (o: PathOpts & { sso?: boolean; user?: string; json?: boolean }) => {
      await using(deps, o, async (ctx) => {
        if (o.sso) io.err('Opening the sign-in page in your browser…');
        const r = await interactiveSignIn(ctx.sessions, ctx.prompter, { email: o.user, sso: o.sso, reason: 'sign in to PullPrint' });
        if (o.json) {
          printJson(io, { user: r.user, sub: r.sub, expiresAt: new Date(r.expiresAt).toISOString() });
          return;
        }
        io.out(`Signed in as ${r.user}.`);
        if (o.user && normalizeUser(o.user) !== r.user) io.err(`note: the identity provider signed you in as ${r.user}, not ${normalizeUser(o.user)}`);
      });
    });

  withPaths(program.command('logout').description('sign out: revoke and delete the stored tokens and delete the jobs held on this workstation'))
    .option('-u, --user <email>', 'the user to sign out (default: the only signed-in user)')
    .option('--json', 'machine-readable output')
    .action(async (o: PathOpts & { user?: string; json?: boolean }) => {
      await using(deps, o, async (ctx) => {
        let user = o.user;
        if (!user) {
          const users = await ctx.sessions.storedUsers();
          if (users.length === 0) {
            if (o.json) printJson(io, null);
            else io.out('Nobody is signed in.');
            return;
          }
          if (users.length > 1) {
            throw new PullPrintError('AMBIGUOUS_USER', `Several users are signed in (${users.join(', ')}): choose one with --user.`);
          }
          user = users[0];
        }
        const r = await ctx.logout(user);
        if (o.json) {
          printJson(io, r);
          return;
        }
        const parts = [
          r.hadTokens ? (r.revoked ? 'sign-in revoked and deleted' : 'sign-in deleted (the identity provider could not be told)') : 'no stored sign-in',
          `${r.jobsDeleted} held job(s) deleted`,
        ];
        io.out(`Signed out ${r.user}: ${parts.join('; ')}.`);
      });
    });

  withPaths(program.command('whoami').description('show who is signed in (never shows tokens)'))
    .option('--json', 'machine-readable output')
    .action(async (o: PathOpts & { json?: boolean }) => {
      await using(deps, o, async (ctx) => {
        const users = [...new Set([...(await ctx.sessions.storedUsers()), ...ctx.sessions.snapshot().map((s) => s.user)])].sort();
        const infos = await Promise.all(users.map((u) => ctx.sessions.describe(u)));
        if (o.json) {
          printJson(io, infos.map((i) => ({ ...i, expiresAt: i.expiresAt === null ? null : new Date(i.expiresAt).toISOString() })));
          return;
        }
        if (infos.length === 0) {
          io.out('Nobody is signed in.');
          return;
        }
        const now = Date.now();
        io.out(table(['USER', 'STATE', 'TOKENS'], infos.map((i) => describeInfo(i, now))));
      });
    });
}
