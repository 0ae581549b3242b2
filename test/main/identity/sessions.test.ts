// The per-user sign-in state machine over the real provider: refresh ahead of expiry
// with rotation, replay detection ending in sign-in-required, expiry, offline use of a
// still-valid token, one refresh at a time, waiting jobs, interactive sign-in attempts.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IdentityError } from '../../../main/identity/errors.js';
import { interactiveSignIn } from '../../../main/identity/flows.js';
import { IdpConnector } from '../../../main/identity/idp-client.js';
import type { SignInAnswer, SignInPrompter, SignInRequest } from '../../../main/identity/prompter.js';
import { Sessions, type SessionStateEvent, type SignInRequiredEvent } from '../../../main/identity/sessions.js';
import { InMemoryVault, type StoredTokens, type TokenVault } from '../../../main/identity/token-vault.js';
import { ACCOUNTS, FAST_RETRY, MovableClock, settingsFor, startTestIdp, type TestIdp, type TestIdpOptions } from '../../peers/oidc-provider.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const pw = (u: string): string => ACCOUNTS[u].password;

interface Rig {
  idp: TestIdp;
  sessions: Sessions;
  vault: InMemoryVault;
  clock: MovableClock;
  connector: IdpConnector;
  states: SessionStateEvent[];
  required: SignInRequiredEvent[];
  stop(): Promise<void>;
}

async function rig(opts: TestIdpOptions = {}, vault: InMemoryVault = new InMemoryVault()): Promise<Rig> {
  const idp = await startTestIdp(opts);
  const clock = new MovableClock();
  const connector = new IdpConnector(settingsFor(idp), { clock, retry: FAST_RETRY, openUrl: idp.browser({ action: 'login', email: BOB, password: pw(BOB) }) });
  const sessions = new Sessions({ idp: () => connector.get(), vault, clock, revokeTimeoutMs: 2000 });
  const states: SessionStateEvent[] = [];
  const required: SignInRequiredEvent[] = [];
  sessions.on('state', (e) => states.push(e));
  sessions.on('sign-in-required', (e) => required.push(e));
  return {
    idp, sessions, vault, clock, connector, states, required,
    async stop() {
      await connector.close();
      await idp.stop();
    },
  };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<IdentityError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IdentityError, `expected an IdentityError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

describe('Sessions with the real provider', () => {
  let r: Rig;
  before(async () => {
    r = await rig({ accessTokenTtl: 300 });
  });
  beforeEach(() => r.clock.reset());
  after(async () => {
    await r?.stop();
  });

  test('password sign-in: signing-in → signed-in, tokens stored under the e-mail', async () => {
    const res = await r.sessions.signInWithPassword(' Alice@Example.COM ', pw(ALICE));
    assert.equal(res.user, ALICE);
    assert.equal(r.sessions.state(ALICE), 'signed-in');
    assert.deepEqual(r.states.filter((e) => e.user === ALICE).map((e) => e.state), ['signing-in', 'signed-in']);
    const stored = await r.vault.get(ALICE);
    assert.ok(stored?.refreshToken);
    assert.equal(await r.sessions.accessTokenFor('ALICE@example.com'), stored.accessToken);
  });

  test('wrong password leaves the previous state and stores nothing', async () => {
    await rejectsWith(r.sessions.signInWithPassword('bob@example.com', 'nope'), 'WRONG_PASSWORD');
    assert.equal(r.sessions.state(BOB), 'signed-out');
    assert.equal(await r.vault.get(BOB), null);
  });

  test('refresh before expiry with rotation: the new refresh token is stored before the new access token is used', async () => {
    await r.sessions.signInWithPassword(ALICE, pw(ALICE));
    const first = await r.vault.get(ALICE);
    assert.ok(first);
    const refreshesBefore = r.idp.grants['refresh_token:ok'] ?? 0;
    // 250 s later: 50 s left, inside the 60 s skew.
    r.clock.advance(250_000);
    const token = await r.sessions.accessTokenFor(ALICE);
    const second = await r.vault.get(ALICE);
    assert.ok(second);
    assert.notEqual(token, first.accessToken);
    assert.equal(token, second.accessToken);
    assert.notEqual(second.refreshToken, first.refreshToken, 'public-client refresh tokens rotate');
    assert.equal(r.idp.grants['refresh_token:ok'], refreshesBefore + 1);
    assert.ok(second.expiresAt > r.clock.now() + 290_000);
    // Not yet due: no second refresh.
    assert.equal(await r.sessions.accessTokenFor(ALICE), token);
    assert.equal(r.idp.grants['refresh_token:ok'], refreshesBefore + 1);
  });

  test('forceRefresh (a server answered 401) refreshes once even before expiry', async () => {
    await r.sessions.signInWithPassword(ALICE, pw(ALICE));
    const first = await r.vault.get(ALICE);
    assert.ok(first);
    const before = r.idp.grants['refresh_token:ok'] ?? 0;
    const token = await r.sessions.accessTokenFor(ALICE, { forceRefresh: true });
    assert.notEqual(token, first.accessToken);
    assert.equal(r.idp.grants['refresh_token:ok'], before + 1);
    assert.equal(await r.sessions.accessTokenFor(ALICE), token, 'no second refresh without force');
  });

  test('parallel callers share one refresh (a second would replay the rotated token)', async () => {
    await r.sessions.signInWithPassword(ALICE, pw(ALICE));
    const refreshesBefore = r.idp.grants['refresh_token:ok'] ?? 0;
    const errorsBefore = r.idp.grants['refresh_token:error'] ?? 0;
    r.clock.advance(290_000);
    const tokens = await Promise.all(Array.from({ length: 5 }, () => r.sessions.accessTokenFor(ALICE)));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(r.idp.grants['refresh_token:ok'], refreshesBefore + 1);
    assert.equal(r.idp.grants['refresh_token:error'] ?? 0, errorsBefore);
    assert.equal(r.sessions.state(ALICE), 'signed-in');
  });

  test('old refresh token replayed → provider revokes the grant → REFRESH_REVOKED, sign-in-required, announced once', async () => {
    await r.sessions.signInWithPassword(ALICE, pw(ALICE));
    const stolen = await r.vault.get(ALICE);
    assert.ok(stolen);
    r.clock.advance(290_000);
    await r.sessions.accessTokenFor(ALICE); // rotates; `stolen` holds the consumed refresh token
    // Someone replays the old token (a copy, a restored backup):
    const replayVault = new InMemoryVault();
    await replayVault.set(ALICE, { ...stolen, expiresAt: 0 });
    const replayer = new Sessions({ idp: () => r.connector.get(), vault: replayVault, clock: r.clock });
    await rejectsWith(replayer.accessTokenFor(ALICE), 'REFRESH_REVOKED');
    // The whole grant is gone: our own current refresh token is refused too.
    r.clock.advance(290_000);
    const requiredBefore = r.required.length;
    await rejectsWith(r.sessions.accessTokenFor(ALICE), 'REFRESH_REVOKED');
    assert.equal(r.sessions.state(ALICE), 'sign-in-required');
    assert.equal(await r.vault.get(ALICE), null, 'unusable tokens are deleted');
    assert.equal(r.required.length, requiredBefore + 1);
    assert.deepEqual(r.required.at(-1), { user: ALICE, reason: 'REFRESH_REVOKED', message: r.required.at(-1)?.message });
    // Further calls fail without announcing again (no prompt loop).
    await rejectsWith(r.sessions.accessTokenFor(ALICE), 'SIGN_IN_REQUIRED');
    assert.equal(r.required.length, requiredBefore + 1);
  });

  test('a job waits for the sign-in and continues once the user signs in', async () => {
    await r.sessions.logout(ALICE);
    await rejectsWith(r.sessions.accessTokenFor(ALICE), 'SIGN_IN_REQUIRED');
    assert.equal(r.sessions.state(ALICE), 'sign-in-required');
    let resumed = false;
    const waiting = r.sessions.waitForSignIn(ALICE).then(() => {
      resumed = true;
    });
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(resumed, false);
    await r.sessions.signInWithPassword(ALICE, pw(ALICE));
    await waiting;
    assert.equal(resumed, true);
    assert.ok(await r.sessions.accessTokenFor(ALICE));
  });

  test('waitForSignIn rejects only when aborted', async () => {
    const ac = new AbortController();
    const p = r.sessions.waitForSignIn('carol@example.com', ac.signal);
    ac.abort(new Error('engine stopping'));
    await assert.rejects(p, /engine stopping/);
    await r.sessions.waitForSignIn(ALICE); // already signed in: immediate
  });

  test('browser sign-in: user named by the ID token e-mail', async () => {
    const res = await r.sessions.signInWithSso();
    await r.idp.lastBrowserRun();
    assert.equal(res.user, BOB);
    assert.equal(r.sessions.state(BOB), 'signed-in');
    assert.ok((await r.vault.get(BOB))?.refreshToken);
  });

  test('logout revokes at the provider, deletes the tokens, and is idempotent', async () => {
    await r.sessions.signInWithPassword(BOB, pw(BOB));
    const tokens = await r.vault.get(BOB);
    assert.ok(tokens?.refreshToken);
    const revokedBefore = r.idp.revokedGrants;
    const out = await r.sessions.logout(BOB);
    assert.deepEqual(out, { user: BOB, hadTokens: true, revoked: true });
    assert.ok(r.idp.revokedGrants > revokedBefore);
    assert.equal(await r.vault.get(BOB), null);
    assert.equal(r.sessions.state(BOB), 'signed-out');
    const client = await r.connector.get();
    await rejectsWith(client.refresh(tokens), 'REFRESH_REVOKED');
    assert.deepEqual(await r.sessions.logout(BOB), { user: BOB, hadTokens: false, revoked: false });
  });

  test('signing in again replaces the old sign-in and revokes its refresh token', async () => {
    await r.sessions.signInWithPassword(ALICE, pw(ALICE));
    const old = await r.vault.get(ALICE);
    await r.sessions.signInWithPassword(ALICE, pw(ALICE));
    assert.ok(old);
    const client = await r.connector.get();
    // The background revocation of the replaced token finishes shortly.
    for (let i = 0; i < 50; i += 1) {
      try {
        await client.refresh(old);
      } catch (err) {
        assert.ok(err instanceof IdentityError && err.code === 'REFRESH_REVOKED');
        return;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.fail('the replaced refresh token still works');
  });
});

describe('Sessions edge cases', () => {
  test('an expired refresh token → REFRESH_EXPIRED → sign-in-required', async () => {
    const r = await rig({ accessTokenTtl: 120, refreshTokenTtl: 1 });
    try {
      await r.sessions.signInWithPassword(ALICE, pw(ALICE));
      await new Promise((res) => setTimeout(res, 1200));
      r.clock.advance(120_000);
      await rejectsWith(r.sessions.accessTokenFor(ALICE), 'REFRESH_EXPIRED');
      assert.equal(r.sessions.state(ALICE), 'sign-in-required');
      assert.equal(r.required[0]?.reason, 'REFRESH_EXPIRED');
    } finally {
      await r.stop();
    }
  });

  test('provider unreachable while the access token is still valid: the current token is used', async () => {
    const r = await rig({ accessTokenTtl: 300 });
    let idpStopped = false;
    try {
      await r.sessions.signInWithPassword(ALICE, pw(ALICE));
      const current = await r.vault.get(ALICE);
      await r.connector.get(); // discovered while up
      await r.idp.stop();
      idpStopped = true;
      r.clock.advance(270_000); // inside the skew, not expired
      assert.equal(await r.sessions.accessTokenFor(ALICE), current?.accessToken);
      assert.equal(r.sessions.state(ALICE), 'signed-in');
      r.clock.advance(60_000); // now expired
      await rejectsWith(r.sessions.accessTokenFor(ALICE), 'IDP_UNREACHABLE');
      assert.equal(r.sessions.state(ALICE), 'signed-in', 'a network failure is not a reason to ask for a sign-in');
      assert.deepEqual(await r.vault.get(ALICE), current, 'tokens kept for when the provider is back');
      // Logout works offline.
      const out = await r.sessions.logout(ALICE);
      assert.deepEqual(out, { user: ALICE, hadTokens: true, revoked: false });
      assert.equal(await r.vault.get(ALICE), null);
    } finally {
      if (idpStopped) await r.connector.close();
      else await r.stop();
    }
  });

  test('a refreshed token failing the clock check is still kept (its refresh token is the only valid one)', async () => {
    const r = await rig({ accessTokenTtl: 300 });
    try {
      await r.sessions.signInWithPassword(ALICE, pw(ALICE));
      r.clock.advance(2 * 3600_000); // the clock jumps 2 h ahead
      const t1 = await r.sessions.accessTokenFor(ALICE);
      const stored = await r.vault.get(ALICE);
      assert.equal(stored?.accessToken, t1);
      r.clock.advance(300_000);
      await r.sessions.accessTokenFor(ALICE);
      assert.equal(r.idp.grants['refresh_token:ok'], 2);
      assert.equal(r.idp.grants['refresh_token:error'] ?? 0, 0, 'no replay of a consumed refresh token');
    } finally {
      await r.stop();
    }
  });

  test('keychain refuses the rotated tokens: not used until they are stored', async () => {
    class FlakyVault extends InMemoryVault {
      failWrites = false;
      override async set(account: string, tokens: StoredTokens): Promise<void> {
        if (this.failWrites) throw new IdentityError('KEYCHAIN_UNAVAILABLE', 'locked');
        return super.set(account, tokens);
      }
    }
    const vault = new FlakyVault();
    const r = await rig({ accessTokenTtl: 300 }, vault);
    try {
      await r.sessions.signInWithPassword(ALICE, pw(ALICE));
      r.clock.advance(290_000);
      vault.failWrites = true;
      await rejectsWith(r.sessions.accessTokenFor(ALICE), 'KEYCHAIN_UNAVAILABLE');
      await rejectsWith(r.sessions.accessTokenFor(ALICE), 'KEYCHAIN_UNAVAILABLE');
      vault.failWrites = false;
      const token = await r.sessions.accessTokenFor(ALICE);
      assert.equal((await vault.get(ALICE))?.accessToken, token, 'stored first, then handed out');
      assert.equal(r.idp.grants['refresh_token:error'] ?? 0, 0, 'the rotated refresh token was kept, not lost');
    } finally {
      await r.stop();
    }
  });

  test('sign-in whose tokens cannot be stored fails with KEYCHAIN_UNAVAILABLE and revokes them', async () => {
    const vault: TokenVault = {
      get: async () => null,
      set: async () => {
        throw new IdentityError('KEYCHAIN_UNAVAILABLE', 'no secret service');
      },
      delete: async () => false,
      accounts: async () => [],
    };
    const idp = await startTestIdp();
    const connector = new IdpConnector(settingsFor(idp), { retry: FAST_RETRY });
    try {
      const sessions = new Sessions({ idp: () => connector.get(), vault });
      const revokedBefore = idp.revokedGrants;
      await rejectsWith(sessions.signInWithPassword(ALICE, pw(ALICE)), 'KEYCHAIN_UNAVAILABLE');
      assert.equal(sessions.state(ALICE), 'signed-out');
      assert.equal(idp.revokedGrants, revokedBefore + 1);
    } finally {
      await connector.close();
      await idp.stop();
    }
  });

  test('init marks users with stored tokens as signed in; reload notices another process\'s login and logout', async () => {
    const vault = new InMemoryVault();
    const r = await rig({}, vault);
    try {
      await vault.set(BOB, { accessToken: 'x', refreshToken: null, expiresAt: Date.now() + 3600_000 });
      assert.deepEqual(await r.sessions.init(), [BOB]);
      assert.equal(r.sessions.state(BOB), 'signed-in');
      await vault.delete(BOB);
      await r.sessions.reload();
      assert.equal(r.sessions.state(BOB), 'signed-out');
      await vault.set(BOB, { accessToken: 'y', refreshToken: null, expiresAt: Date.now() + 3600_000 });
      await r.sessions.reload(BOB);
      assert.equal(r.sessions.state(BOB), 'signed-in');
      assert.equal(await r.sessions.accessTokenFor(BOB), 'y');
      const info = await r.sessions.describe(BOB);
      assert.equal(info.canRefresh, false);
      assert.ok(!JSON.stringify(info).includes('"y"'), 'describe never shows a token');
    } finally {
      await r.stop();
    }
  });
});

class ScriptedPrompter implements SignInPrompter {
  readonly requests: SignInRequest[] = [];
  readonly #answers: SignInAnswer[];
  constructor(answers: SignInAnswer[]) {
    this.#answers = answers;
  }
  async promptCredentials(req: SignInRequest): Promise<SignInAnswer> {
    this.requests.push(req);
    return this.#answers.shift() ?? null;
  }
}

describe('interactiveSignIn', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(async () => {
    await r?.stop();
  });

  test('a wrong password is asked again with the error shown, then succeeds', async () => {
    const p = new ScriptedPrompter([{ email: ALICE, password: 'wrong' }, { email: ALICE, password: pw(ALICE) }]);
    const res = await interactiveSignIn(r.sessions, p, { reason: 'a job is waiting' });
    assert.equal(res.user, ALICE);
    assert.equal(p.requests.length, 2);
    assert.equal(p.requests[0].error, undefined);
    assert.equal(p.requests[1].error?.code, 'WRONG_PASSWORD');
    assert.equal(p.requests[1].email, ALICE);
  });

  test('attempts are bounded: the last error is thrown, no further prompt', async () => {
    const p = new ScriptedPrompter(Array.from({ length: 10 }, () => ({ email: BOB, password: 'wrong' })));
    await rejectsWith(interactiveSignIn(r.sessions, p, { reason: 'x', maxAttempts: 3 }), 'WRONG_PASSWORD');
    assert.equal(p.requests.length, 3);
  });

  test('cancel → SIGN_IN_CANCELLED; a choice of SSO goes to the browser sign-in', async () => {
    await rejectsWith(interactiveSignIn(r.sessions, new ScriptedPrompter([null]), { reason: 'x' }), 'SIGN_IN_CANCELLED');
    const res = await interactiveSignIn(r.sessions, new ScriptedPrompter([{ sso: true }]), { reason: 'x' });
    await r.idp.lastBrowserRun();
    assert.equal(res.user, BOB);
  });

  test('a provider without the password grant goes straight to the browser, no prompt', async () => {
    const r2 = await rig({ passwordGrant: false });
    try {
      const p = new ScriptedPrompter([]);
      const res = await interactiveSignIn(r2.sessions, p, { reason: 'x' });
      await r2.idp.lastBrowserRun();
      assert.equal(res.user, BOB);
      assert.equal(p.requests.length, 0);
    } finally {
      await r2.stop();
    }
  });
});
