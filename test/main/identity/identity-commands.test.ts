// `pullprint login / logout / whoami` over the real provider, with the terminal prompter
// reading from a non-TTY stdin as scripts do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { registerIdentityCommands, type IdentityCommandContext } from '../../../main/cli/identity-commands.js';
import { IdpConnector } from '../../../main/identity/idp-client.js';
import { LogoutJournal } from '../../../main/identity/logout-journal.js';
import { logout } from '../../../main/identity/logout.js';
import { TerminalPrompter } from '../../../main/identity/prompter.js';
import { Sessions } from '../../../main/identity/sessions.js';
import { InMemoryVault } from '../../../main/identity/token-vault.js';
import { PullPrintError } from '../../../main/util/errors.js';
import { ACCOUNTS, FAST_RETRY, settingsFor, startTestIdp, type TestIdp } from '../../peers/oidc-provider.js';
import { tempDir } from '../../helpers/documents.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

interface Result {
  code: number;
  out: string;
  err: string;
}

describe('identity commands', () => {
  let idp: TestIdp;
  let connector: IdpConnector;
  let data: { path: string; cleanup(): Promise<void> };
  const vault = new InMemoryVault();
  const held = new Map<string, number>();
  let opened: Array<{ config?: string; dataDir?: string }> = [];

  before(async () => {
    idp = await startTestIdp();
    data = await tempDir('identity-cli');
    connector = new IdpConnector(settingsFor(idp), { retry: FAST_RETRY, openUrl: idp.browser({ action: 'login', email: BOB, password: ACCOUNTS[BOB].password }) });
  });
  after(async () => {
    await connector?.close();
    await idp?.stop();
    await data?.cleanup();
  });

  async function cli(argv: string[], stdin = ''): Promise<Result> {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const program = new Command('pullprint').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
    registerIdentityCommands(program, {
      io,
      async open(o): Promise<IdentityCommandContext> {
        opened.push(o);
        const sessions = new Sessions({ idp: () => connector.get(), vault });
        await sessions.init();
        const input = new PassThrough();
        input.end(stdin);
        const journal = new LogoutJournal(data.path);
        return {
          sessions,
          prompter: new TerminalPrompter({ input, output: new PassThrough() }),
          logout: (user) => logout(user, {
            sessions, journal, deleteHeldJobs: async (u) => {
              const n = held.get(u) ?? 0;
              held.delete(u);
              return n;
            },
          }),
          close: async () => undefined,
        };
      },
    });
    let code = 0;
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch (e) {
      if (e instanceof CommanderError) code = 2;
      else if (e instanceof PullPrintError) {
        code = 1;
        err.push(`pullprint: ${e.message} [${e.code}]`);
      } else throw e;
    }
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('whoami with nobody signed in; logout with nobody signed in', async () => {
    assert.deepEqual(await cli(['whoami']), { code: 0, out: 'Nobody is signed in.', err: '' });
    assert.deepEqual(JSON.parse((await cli(['whoami', '--json'])).out), []);
    assert.equal((await cli(['logout'])).out, 'Nobody is signed in.');
  });

  test('login reads "email\\npassword" from a script, passes -c/-d through, and whoami never shows a token', async () => {
    opened = [];
    const r = await cli(['login', '-c', '/etc/pullprint/configuration.xml', '-d', data.path], `${ALICE}\n${ACCOUNTS[ALICE].password}\n`);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `Signed in as ${ALICE}.`);
    assert.deepEqual(opened, [{ config: '/etc/pullprint/configuration.xml', dataDir: data.path }]);
    const who = await cli(['whoami']);
    assert.match(who.out, /alice@example\.com\s+signed-in\s+access token valid \d+ more minute\(s\), renewable/);
    const json = JSON.parse((await cli(['whoami', '--json'])).out) as Array<Record<string, unknown>>;
    assert.equal(json[0].user, ALICE);
    assert.equal(json[0].state, 'signed-in');
    const stored = await vault.get(ALICE);
    assert.ok(stored);
    for (const text of [who.out, JSON.stringify(json)]) {
      assert.ok(!text.includes(stored.accessToken) && !text.includes(stored.refreshToken ?? '\u0000'));
    }
  });

  test('login with a wrong password exits 1 with WRONG_PASSWORD and does not print the password', async () => {
    const r = await cli(['login'], `${BOB}\nnot-bobs-password\n`);
    assert.equal(r.code, 1);
    assert.match(r.err, /\[WRONG_PASSWORD\]/);
    assert.ok(!r.err.includes('not-bobs-password'));
  });

  test('login with nothing on stdin is cancelled (exit 1)', async () => {
    const r = await cli(['login'], '');
    assert.equal(r.code, 1);
    assert.match(r.err, /\[SIGN_IN_CANCELLED\]/);
  });

  test('login --sso goes through the browser', async () => {
    const r = await cli(['login', '--sso', '--json']);
    await idp.lastBrowserRun();
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { user: string }).user, BOB);
    assert.match(r.err, /browser/);
  });

  test('logout: needs --user when several are signed in; deletes held jobs; idempotent', async () => {
    const many = await cli(['logout']);
    assert.equal(many.code, 1);
    assert.match(many.err, /--user.*\[AMBIGUOUS_USER\]|AMBIGUOUS_USER/);
    held.set(ALICE, 2);
    const r = await cli(['logout', '--user', 'Alice@Example.com']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `Signed out ${ALICE}: sign-in revoked and deleted; 2 held job(s) deleted.`);
    assert.equal(await vault.get(ALICE), null);
    const again = await cli(['logout', '--user', ALICE, '--json']);
    assert.deepEqual(JSON.parse(again.out), { user: ALICE, hadTokens: false, revoked: false, jobsDeleted: 0 });
    // Only Bob left: no --user needed.
    assert.match((await cli(['logout'])).out, /Signed out bob@example\.com/);
  });

  test('unknown options are usage errors (exit 2)', async () => {
    assert.equal((await cli(['login', '--password', 'x'])).code, 2);
  });
});
