// The keychain vault through keytar, in private keychain sessions (test/peers/keyring.ts):
// this file runs itself as a child inside dbus-run-session (+ gnome-keyring, or not),
// chosen by PULLPRINT_KEYRING_MODE. In the real keychain it runs a whole
// sign-in / refresh / SSO / restart / logout cycle with LoggingEnabled=debug and then
// searches every file of the data folder, the log and the keyring files for the tokens,
// codes and passwords. Without a keychain every operation must fail with
// KEYCHAIN_UNAVAILABLE and nothing may be written anywhere.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../main/log/logger.js';
import { IdentityError } from '../../../main/identity/errors.js';
import { IdpConnector } from '../../../main/identity/idp-client.js';
import { KeytarVault, KEYCHAIN_SERVICE, type KeytarLike } from '../../../main/identity/keytar-vault.js';
import { LogoutJournal, markerName } from '../../../main/identity/logout-journal.js';
import { logout } from '../../../main/identity/logout.js';
import { Sessions } from '../../../main/identity/sessions.js';
import { ACCOUNTS, FAST_RETRY, MovableClock, settingsFor, startTestIdp } from '../../peers/oidc-provider.js';
import { listFiles, runTestFileInKeyring, type KeyringMode, type KeyringRun } from '../../peers/keyring.js';
import { tempDir } from '../../helpers/documents.js';

const MODE = process.env.PULLPRINT_KEYRING_MODE as KeyringMode | undefined;
const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = process.env.PULLPRINT_REPO_ROOT ?? resolve(dirname(THIS_FILE), '../../..');
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const WRONG_PASSWORD = 'Wr0ng-Passw0rd-typed-by-alice';

function assertChildPassed(run: KeyringRun): void {
  const out = `${run.result.stdout}\n${run.result.stderr}`;
  assert.equal(run.result.code, 0, `child tests failed:\n${out.slice(-6000)}`);
  const passed = Number(/ℹ pass (\d+)/.exec(out)?.[1] ?? 0);
  assert.ok(passed > 0, `the child ran no test:\n${out.slice(-3000)}`);
  assert.match(out, /ℹ fail 0/);
}

async function rejectsWithKeychain(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof IdentityError, String(e));
    assert.equal(e.code, 'KEYCHAIN_UNAVAILABLE', e.message);
    assert.match(e.message, /keychain/i);
    return true;
  });
}

/** Secrets must not appear in these files (read as bytes, so any encoding of ASCII text is found). */
async function assertNoSecrets(files: string[], secrets: string[]): Promise<void> {
  for (const f of files) {
    const text = (await readFile(f)).toString('latin1');
    for (const s of secrets) {
      assert.ok(!text.includes(s), `${f} contains a secret (${s.slice(0, 8)}…)`);
      // Also the part after the JWT header, in case the header got cut or redacted.
      const tail = s.split('.').slice(1).join('.');
      if (tail.length > 24) assert.ok(!text.includes(tail), `${f} contains part of a token`);
    }
  }
}

if (!MODE) {
  describe('keytar vault in private keychain sessions', () => {
    test('gnome-keyring: round trip and a full cycle leaving no secret on disk or in the debug log', async () => {
      const run = await runTestFileInKeyring(THIS_FILE, 'keyring', { cwd: ROOT });
      try {
        assertChildPassed(run);
      } finally {
        await run.cleanup();
      }
    });

    const situations: Record<Exclude<KeyringMode, 'keyring'>, string> = {
      'no-bus': 'no D-Bus session',
      'no-secret-service': 'a D-Bus session without a Secret Service',
      locked: 'a locked keyring and no display to unlock it',
    };
    for (const [mode, what] of Object.entries(situations) as Array<[KeyringMode, string]>) {
      test(`${what}: KEYCHAIN_UNAVAILABLE and no file written`, async () => {
        const run = await runTestFileInKeyring(THIS_FILE, mode, { cwd: ROOT });
        try {
          assertChildPassed(run);
          // No fallback store anywhere in the child's home or XDG folders.
          assert.deepEqual(await run.strayFiles(), []);
        } finally {
          await run.cleanup();
        }
      });
    }
  });
} else if (MODE === 'keyring') {
  describe('KeytarVault in gnome-keyring', () => {
    test('set / get / accounts / delete; foreign values read as absent', async () => {
      const vault = new KeytarVault({ service: 'PullPrint-roundtrip' });
      const t = { accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: 1234, idTokenClaims: { sub: 's1', email: ALICE } };
      await vault.set(ALICE, t);
      assert.deepEqual(await vault.get(ALICE), t);
      assert.deepEqual(await vault.accounts(), [ALICE]);
      await vault.set(ALICE, { ...t, accessToken: 'at-2' });
      assert.equal((await vault.get(ALICE))?.accessToken, 'at-2');
      assert.equal(await vault.get(BOB), null);
      assert.equal(await vault.delete(ALICE), true);
      assert.equal(await vault.delete(ALICE), false);
      assert.deepEqual(await vault.accounts(), []);
      const keytar = (await import('keytar')) as unknown as KeytarLike & { default?: KeytarLike };
      await (keytar.default ?? keytar).setPassword('PullPrint-roundtrip', BOB, 'not json at all');
      assert.equal(await vault.get(BOB), null);
      await vault.delete(BOB);
    });

    test('the directory credential store keeps its own entries beside the token vault', async () => {
      const { KeychainCredentialStore } = await import('../../../main/directory/keychain-credential-store.js');
      const store = new KeychainCredentialStore();
      const vault = new KeytarVault();
      await vault.set(ALICE, { accessToken: 'at-x', refreshToken: null, expiresAt: 1 });
      await store.set('Alice@Example.com', { password: 'dir-secret' });
      assert.deepEqual(await store.get(ALICE), { password: 'dir-secret' });
      assert.equal((await vault.get(ALICE))?.accessToken, 'at-x', 'the token vault entry is untouched');
      await store.delete(ALICE);
      assert.equal(await store.get(ALICE), null);
      assert.ok(await vault.get(ALICE));
      await vault.delete(ALICE);
    });

    test('a keytar that cannot load → KEYCHAIN_UNAVAILABLE', async () => {
      const vault = new KeytarVault({ load: () => Promise.reject(new Error('libsecret-1.so.0: cannot open shared object file')) });
      await rejectsWithKeychain(vault.get(ALICE));
      await rejectsWithKeychain(vault.accounts());
    });

    test('full cycle with LoggingEnabled=debug: no token, code or password in any file', async () => {
      const data = await tempDir('identity-cycle');
      const idp = await startTestIdp({ accessTokenTtl: 300 });
      const logFile = join(data.path, 'logs', 'pullprint.log');
      const logger = createLogger({ file: logFile, loggingEnabled: 'debug' });
      const clock = new MovableClock();
      const connector = new IdpConnector(settingsFor(idp), {
        clock, retry: FAST_RETRY, logger: logger.child('identity'),
        openUrl: idp.browser({ action: 'login', email: BOB, password: ACCOUNTS[BOB].password }),
      });
      const vault = new KeytarVault();
      try {
        const sessions = new Sessions({ idp: () => connector.get(), vault, clock, logger: logger.child('identity') });
        await assert.rejects(sessions.signInWithPassword(ALICE, WRONG_PASSWORD));
        await sessions.signInWithPassword(ALICE, ACCOUNTS[ALICE].password);
        const first = await sessions.accessTokenFor(ALICE);
        clock.advance(250_000);
        const second = await sessions.accessTokenFor(ALICE);
        assert.notEqual(second, first, 'refreshed');
        await sessions.signInWithSso();
        await idp.lastBrowserRun();
        assert.deepEqual((await vault.accounts()).sort(), [ALICE, BOB]);

        // A restart: a new Sessions finds both users in the keychain.
        const restarted = new Sessions({ idp: () => connector.get(), vault, clock, logger: logger.child('identity') });
        assert.deepEqual((await restarted.init()).sort(), [ALICE, BOB]);
        assert.equal(await restarted.accessTokenFor(ALICE), second);

        const journal = new LogoutJournal(data.path);
        for (const u of [ALICE, BOB]) {
          const out = await logout(u, { sessions: restarted, journal, deleteHeldJobs: async () => 0, logger: logger.child('identity') });
          assert.equal(out.revoked, true);
        }
        assert.deepEqual(await vault.accounts(), []);
      } finally {
        await connector.close();
        await idp.stop();
        await logger.close();
      }
      try {
        const log = await readFile(logFile, 'utf8');
        // The log was really written at debug level: otherwise the search below proves nothing.
        assert.match(log, /signed in/);
        assert.match(log, /access token refreshed/);
        assert.match(log, /logout finished/);
        const secrets = [
          ...idp.issued.accessTokens, ...idp.issued.refreshTokens, ...idp.issued.idTokens, ...idp.issued.codes,
          ACCOUNTS[ALICE].password, ACCOUNTS[BOB].password, WRONG_PASSWORD,
        ];
        assert.ok(idp.issued.accessTokens.length >= 3 && idp.issued.refreshTokens.length >= 3 && idp.issued.idTokens.length >= 3 && idp.issued.codes.length >= 1);
        const files = await listFiles(data.path);
        assert.ok(files.includes(logFile));
        await assertNoSecrets(files, secrets);
        // The keychain's own files are encrypted by gnome-keyring.
        const keyrings = await listFiles(join(process.env.XDG_DATA_HOME ?? '', 'keyrings'));
        assert.ok(keyrings.length > 0, 'gnome-keyring stored its keyring under XDG_DATA_HOME');
        await assertNoSecrets(keyrings, secrets);
      } finally {
        await data.cleanup();
      }
    });
  });
} else {
  describe(`KeytarVault without a usable keychain (${MODE})`, () => {
    test('writes fail fast with KEYCHAIN_UNAVAILABLE (and, with no keychain at all, every operation)', async () => {
      assert.equal(process.env.DBUS_SESSION_BUS_ADDRESS === undefined, MODE === 'no-bus');
      const vault = new KeytarVault();
      const started = Date.now();
      await rejectsWithKeychain(vault.set(ALICE, { accessToken: 'a', refreshToken: 'r', expiresAt: 1 }));
      if (MODE === 'locked') {
        // A locked collection reads as empty: nothing can have been stored in it.
        assert.equal(await vault.get(ALICE), null);
      } else {
        await rejectsWithKeychain(vault.get(ALICE));
        await rejectsWithKeychain(vault.delete(ALICE));
        await rejectsWithKeychain(vault.accounts());
      }
      assert.ok(Date.now() - started < 20_000, 'no long hang');
      assert.equal(KEYCHAIN_SERVICE, 'PullPrint');
    });

    test('a sign-in cannot be kept: KEYCHAIN_UNAVAILABLE, tokens revoked at the provider, no file written', async () => {
      const data = await tempDir('identity-nokeychain');
      const idp = await startTestIdp();
      const connector = new IdpConnector(settingsFor(idp), { retry: FAST_RETRY });
      try {
        const sessions = new Sessions({ idp: () => connector.get(), vault: new KeytarVault() });
        const revoked = idp.revokedGrants;
        await rejectsWithKeychain(sessions.signInWithPassword(ALICE, ACCOUNTS[ALICE].password));
        assert.equal(sessions.state(ALICE), 'signed-out');
        assert.equal(idp.revokedGrants, revoked + 1, 'the tokens that could not be stored were revoked');
        if (MODE !== 'locked') {
          await rejectsWithKeychain(sessions.accessTokenFor(ALICE));
          const journal = new LogoutJournal(data.path);
          await assert.rejects(logout(ALICE, { sessions, journal, deleteHeldJobs: async () => 0 }));
        }
        // Only a logout marker (which holds no token) may exist in the data folder.
        const files = await listFiles(data.path);
        assert.deepEqual(files.map((f) => f.slice(data.path.length)), MODE === 'locked' ? [] : [`/logout-pending/${markerName(ALICE)}`]);
        await assertNoSecrets(files, [...idp.issued.accessTokens, ...idp.issued.refreshTokens, ...idp.issued.idTokens, ACCOUNTS[ALICE].password]);
      } finally {
        await connector.close();
        await idp.stop();
        await data.cleanup();
      }
    });
  });
}
