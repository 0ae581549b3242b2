// Logout: revoke + delete tokens + delete held jobs, idempotent, bracketed by a durable
// marker so a crash halfway (a real SIGKILL here) is completed at the next start.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityError } from '../../../main/identity/errors.js';
import { IdpConnector } from '../../../main/identity/idp-client.js';
import { LogoutJournal, markerName, LOGOUT_PENDING_DIR } from '../../../main/identity/logout-journal.js';
import { logout, resumePendingLogouts } from '../../../main/identity/logout.js';
import { Sessions } from '../../../main/identity/sessions.js';
import { InMemoryVault } from '../../../main/identity/token-vault.js';
import { ACCOUNTS, FAST_RETRY, settingsFor, startTestIdp, type TestIdp } from '../../peers/oidc-provider.js';
import { tempDir } from '../../helpers/documents.js';
import { run } from '../../helpers/process.js';

const ALICE = 'alice@example.com';

/** Held jobs as files in a per-user folder, like the spool's; returns how many were deleted. */
function heldJobs(dataDir: string) {
  const folder = (user: string): string => join(dataDir, 'jobs', user);
  return {
    folder,
    async add(user: string, n: number): Promise<void> {
      await mkdir(folder(user), { recursive: true });
      for (let i = 0; i < n; i += 1) await writeFile(join(folder(user), `job-${i}.prn`), `%!PS job ${i}\n`);
    },
    async deleteHeldJobs(user: string): Promise<number> {
      let names: string[] = [];
      try {
        names = await readdir(folder(user));
      } catch {
        return 0;
      }
      await rm(folder(user), { recursive: true, force: true });
      return names.length;
    },
  };
}

describe('logout with the real provider', () => {
  let idp: TestIdp;
  let connector: IdpConnector;
  before(async () => {
    idp = await startTestIdp();
    connector = new IdpConnector(settingsFor(idp), { retry: FAST_RETRY });
  });
  after(async () => {
    await connector?.close();
    await idp?.stop();
  });

  test('revokes, deletes the tokens and the held jobs; a second logout is a no-op', async () => {
    const dir = await tempDir('logout');
    try {
      const vault = new InMemoryVault();
      const sessions = new Sessions({ idp: () => connector.get(), vault });
      await sessions.signInWithPassword(ALICE, ACCOUNTS[ALICE].password);
      const tokens = await vault.get(ALICE);
      const jobs = heldJobs(dir.path);
      await jobs.add(ALICE, 3);
      const journal = new LogoutJournal(dir.path);
      const deps = { sessions, deleteHeldJobs: jobs.deleteHeldJobs, journal };
      const revokedBefore = idp.revokedGrants;

      const out = await logout('Alice@Example.com', deps);
      assert.deepEqual(out, { user: ALICE, hadTokens: true, revoked: true, jobsDeleted: 3 });
      assert.ok(idp.revokedGrants > revokedBefore);
      assert.equal(await vault.get(ALICE), null);
      assert.equal(sessions.state(ALICE), 'signed-out');
      await assert.rejects(readdir(jobs.folder(ALICE)), { code: 'ENOENT' });
      assert.deepEqual(await journal.pending(), []);
      assert.deepEqual(await readdir(journal.dir), [], 'marker removed');
      assert.ok(tokens);
      await assert.rejects((await connector.get()).refresh(tokens), (e: unknown) => e instanceof IdentityError && e.code === 'REFRESH_REVOKED');

      assert.deepEqual(await logout(ALICE, deps), { user: ALICE, hadTokens: false, revoked: false, jobsDeleted: 0 });
    } finally {
      await dir.cleanup();
    }
  });

  test('a failure halfway keeps the marker; the next start completes the logout', async () => {
    const dir = await tempDir('logout-resume');
    try {
      const vault = new InMemoryVault();
      const sessions = new Sessions({ idp: () => connector.get(), vault });
      await sessions.signInWithPassword(ALICE, ACCOUNTS[ALICE].password);
      const jobs = heldJobs(dir.path);
      await jobs.add(ALICE, 2);
      const journal = new LogoutJournal(dir.path);
      await assert.rejects(logout(ALICE, {
        sessions, journal, deleteHeldJobs: async () => {
          throw new Error('disk went away');
        },
      }), /disk went away/);
      assert.equal(await vault.get(ALICE), null, 'tokens went first');
      assert.deepEqual(await journal.pending(), [ALICE]);

      const done = await resumePendingLogouts(dir.path, { sessions, deleteHeldJobs: jobs.deleteHeldJobs });
      assert.deepEqual(done, [{ user: ALICE, hadTokens: false, revoked: false, jobsDeleted: 2 }]);
      assert.deepEqual(await journal.pending(), []);
      assert.deepEqual(await resumePendingLogouts(dir.path, { sessions, deleteHeldJobs: jobs.deleteHeldJobs }), []);
    } finally {
      await dir.cleanup();
    }
  });

  test('keychain unavailable at logout: jobs still deleted, the error surfaces, the marker stays', async () => {
    const dir = await tempDir('logout-keychain');
    try {
      const jobs = heldJobs(dir.path);
      await jobs.add(ALICE, 1);
      const journal = new LogoutJournal(dir.path);
      const sessions = {
        logout: async () => {
          throw new IdentityError('KEYCHAIN_UNAVAILABLE', 'no secret service');
        },
      };
      await assert.rejects(logout(ALICE, { sessions, journal, deleteHeldJobs: jobs.deleteHeldJobs }), (e: unknown) => e instanceof IdentityError && e.code === 'KEYCHAIN_UNAVAILABLE');
      await assert.rejects(readdir(jobs.folder(ALICE)), { code: 'ENOENT' });
      assert.deepEqual(await journal.pending(), [ALICE]);
    } finally {
      await dir.cleanup();
    }
  });
});

describe('logout journal', () => {
  test('a process killed (SIGKILL) in the middle of a logout leaves a marker that names only the user', async () => {
    const dir = await tempDir('logout-crash');
    try {
      const root = process.env.PULLPRINT_REPO_ROOT ?? process.cwd();
      const script = [
        `import { logout } from ${JSON.stringify(join(root, 'main/identity/logout.ts'))};`,
        `import { LogoutJournal } from ${JSON.stringify(join(root, 'main/identity/logout-journal.ts'))};`,
        `const journal = new LogoutJournal(${JSON.stringify(dir.path)});`,
        'await logout("Alice@Example.com", {',
        '  journal,',
        '  sessions: { logout: async (u) => ({ user: u, hadTokens: true, revoked: true }) },',
        '  deleteHeldJobs: async () => { process.kill(process.pid, "SIGKILL"); await new Promise(() => {}); return 0; },',
        '});',
      ].join('\n');
      const r = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeoutMs: 30_000 });
      assert.equal(r.signal, 'SIGKILL', `child should have died by SIGKILL: ${r.stderr}`);
      const markers = await readdir(join(dir.path, LOGOUT_PENDING_DIR));
      assert.deepEqual(markers, [markerName(ALICE)]);
      const content = JSON.parse(await readFile(join(dir.path, LOGOUT_PENDING_DIR, markers[0]), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(content).sort(), ['startedAt', 'user']);
      assert.equal(content.user, ALICE);

      let deletedFor = '';
      const done = await resumePendingLogouts(dir.path, {
        sessions: { logout: async (u) => ({ user: u, hadTokens: false, revoked: false }) },
        deleteHeldJobs: async (u) => {
          deletedFor = u;
          return 4;
        },
      });
      assert.equal(deletedFor, ALICE);
      assert.equal(done[0]?.jobsDeleted, 4);
      assert.deepEqual(await readdir(join(dir.path, LOGOUT_PENDING_DIR)), []);
    } finally {
      await dir.cleanup();
    }
  });

  test('marker names: no path characters, distinct for distinct users, the user read back exactly', async () => {
    const dir = await tempDir('logout-names');
    try {
      const journal = new LogoutJournal(dir.path);
      const users = ['../../etc/passwd', 'a/b@example.com', 'a_b@example.com', '..', 'CON', 'ünïcødé@example.com', 'x'.repeat(300), 'a\\b'];
      const names = users.map(markerName);
      assert.equal(new Set(names).size, users.length);
      for (const n of names) {
        assert.doesNotMatch(n, /[/\\]/);
        assert.ok(!n.startsWith('.'), n);
        assert.ok(n.length < 100);
      }
      for (const u of users) await journal.begin(u);
      assert.deepEqual((await journal.pending()).sort(), [...users].sort());
      assert.deepEqual((await readdir(dir.path)).sort(), [LOGOUT_PENDING_DIR]);
      for (const u of users) await journal.end(u);
      assert.deepEqual(await journal.pending(), []);
    } finally {
      await dir.cleanup();
    }
  });

  test('leftover temporary files and foreign files are cleaned, not resumed', async () => {
    const dir = await tempDir('logout-junk');
    try {
      const journal = new LogoutJournal(dir.path);
      await journal.begin(ALICE);
      await writeFile(join(journal.dir, '.tmp-0123456789abcdef'), '{"user":"half-written');
      await writeFile(join(journal.dir, 'stranger.json'), '{"user":"mallory@example.com"}');
      await writeFile(join(journal.dir, markerName('bob@example.com')), 'not json');
      assert.deepEqual(await journal.pending(), [ALICE]);
      assert.deepEqual(await readdir(journal.dir), [markerName(ALICE)]);
    } finally {
      await dir.cleanup();
    }
  });
});
