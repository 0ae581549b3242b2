// The sign-in dialog in headless Chromium against the real identity subsystem (Sessions,
// IdpClient) and a real OpenID Connect provider: success by password and by browser
// (SSO), and each typed failure shown inline, in English and French, with focus and
// ARIA state checked, through the real preload and IPC wrapper.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { IdpConnector } from '../../main/identity/idp-client.js';
import { Sessions } from '../../main/identity/sessions.js';
import { InMemoryVault } from '../../main/identity/token-vault.js';
import { sessionSourceOf } from '../../main/ui/session-source.js';
import { freePort } from '../helpers/process.js';
import { ACCOUNTS, CLIENT_ID, FAST_RETRY, settingsFor, startTestIdp, type TestIdp } from '../peers/oidc-provider.js';
import { startRig, type Rig } from './rig.js';

const ALICE = 'alice@example.com';
const ALICE_PW = ACCOUNTS[ALICE].password;
const SIGN_IN_VIEW = { width: 440, height: 560 };

describe('sign-in dialog (Chromium, real identity provider)', () => {
  let idp: TestIdp;
  let noPasswordIdp: TestIdp;
  let rig: Rig;
  let vault: InMemoryVault;
  let sessions: Sessions;
  let connector: IdpConnector;

  const use = (c: IdpConnector): void => {
    connector = c;
  };
  const normal = (): IdpConnector => new IdpConnector(settingsFor(idp), { retry: FAST_RETRY, openUrl: idp.browser({ action: 'login', email: ALICE, password: ALICE_PW }) });

  before(async () => {
    idp = await startTestIdp();
    noPasswordIdp = await startTestIdp({ passwordGrant: false, pki: idp.pki });
    vault = new InMemoryVault();
    connector = normal();
    sessions = new Sessions({ idp: () => connector.get(), vault, revokeTimeoutMs: 2000 });
    const source = sessionSourceOf(sessions);
    rig = await startRig({
      session: source,
      signIn: async (req) => {
        if ('sso' in req) await sessions.signInWithSso();
        else await sessions.signInWithPassword(req.email, req.password);
      },
      signOut: async () => {
        const user = source.current().user;
        if (user) await sessions.logout(user);
      },
      releaseJob: async () => undefined,
      savedPrinters: async () => [],
      lateBindingEnabled: false,
    });
  });

  after(async () => {
    await rig?.dispose();
    await noPasswordIdp?.stop();
    await idp?.stop();
  });

  async function signInWith(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel(/E-mail address|Adresse e-mail/).fill(email);
    await page.getByLabel(/^(Password|Mot de passe)$/).fill(password);
    await page.getByRole('button', { name: /^(Sign in|Se connecter)$/ }).click();
  }

  async function alertText(page: Page): Promise<string> {
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
    return (await alert.textContent()) ?? '';
  }

  test('labels, focus order and the empty-form check work from the keyboard', async () => {
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email', 'the address field has focus at start');
    const order: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    assert.deepEqual(order, ['password', 'submit', 'cancel', 'sso']);
    // Enter in the form with nothing typed: a message, no request to the main process.
    await page.getByLabel('E-mail address').focus();
    const calls = rig.ipc.calls.length;
    await page.keyboard.press('Enter');
    assert.match(await alertText(page), /Enter your e-mail address and password/);
    assert.equal(rig.ipc.calls.slice(calls).includes('pullprint:sign-in'), false);
    assert.equal(await page.getByLabel('E-mail address').getAttribute('aria-invalid'), 'true');
    await rig.screenshot(page, 'sign-in-en');
    await page.close();
  });

  test('wrong password: inline error, password field marked invalid and focused', async () => {
    use(normal());
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await signInWith(page, ALICE, 'not-the-password');
    assert.match(await alertText(page), /e-mail address or password is not correct/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Password').getAttribute('aria-describedby'), 'error');
    assert.equal(await page.getByRole('button', { name: 'Sign in', exact: true }).isEnabled(), true, 'the person can try again');
    assert.equal(sessions.state(ALICE), 'signed-out');
    await rig.screenshot(page, 'sign-in-wrong-password-en');
    await page.close();
  });

  test('unknown account: the address field is the one to fix', async () => {
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await signInWith(page, 'nobody@example.com', 'whatever');
    assert.match(await alertText(page), /no account with this e-mail address/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email');
    await page.close();
  });

  test('an address the main process refuses (validated there, not only in the page) → BAD_ARGUMENTS', async () => {
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await signInWith(page, 'not an address', 'x');
    assert.match(await alertText(page), /did not understand this request/);
    await page.close();
  });

  test('identity provider unreachable → IDP_UNREACHABLE inline', async () => {
    const port = await freePort();
    use(new IdpConnector({ issuerUrl: `https://127.0.0.1:${port}`, clientId: CLIENT_ID }, { retry: FAST_RETRY }));
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await signInWith(page, ALICE, ALICE_PW);
    assert.match(await alertText(page), /sign-in service cannot be reached/);
    await rig.screenshot(page, 'sign-in-unreachable-en');
    await page.close();
  });

  test('untrusted certificate → TLS_FAILURE inline', async () => {
    use(new IdpConnector(settingsFor(idp, { caFile: null }), { retry: FAST_RETRY }));
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await signInWith(page, ALICE, ALICE_PW);
    assert.match(await alertText(page), /certificate is not trusted/);
    await page.close();
  });

  test('provider without the password grant → PASSWORD_NOT_SUPPORTED points to the SSO button', async () => {
    use(new IdpConnector(settingsFor(noPasswordIdp), { retry: FAST_RETRY }));
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await signInWith(page, ALICE, ALICE_PW);
    assert.match(await alertText(page), /does not accept passwords here/);
    await page.close();
  });

  test('browser sign-in cancelled at the provider → SSO_CANCELLED inline', async () => {
    use(new IdpConnector(settingsFor(idp), { retry: FAST_RETRY, openUrl: idp.browser({ action: 'cancel' }) }));
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
    assert.match(await alertText(page), /browser was cancelled/);
    await page.close();
  });

  test('French: the page, the labels and the errors are in French (navigator locale)', async () => {
    use(normal());
    const page = await rig.open('sign-in.html', { locale: 'fr-CA', viewport: SIGN_IN_VIEW });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    assert.equal(await page.title(), 'Connexion à PullPrint');
    await signInWith(page, ALICE, 'mauvais');
    assert.match(await alertText(page), /L'adresse e-mail ou le mot de passe est incorrect/);
    await rig.screenshot(page, 'sign-in-wrong-password-fr');
    await page.close();
  });

  test('an unsupported language falls back to English', async () => {
    const page = await rig.open('sign-in.html', { locale: 'de-DE', viewport: SIGN_IN_VIEW });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in to PullPrint');
    await page.close();
  });

  test('password sign-in succeeds: status announced, session signed in, tokens in the vault', async () => {
    use(normal());
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await signInWith(page, ALICE, ALICE_PW);
    await page.getByRole('status').filter({ hasText: 'You are signed in.' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole('alert').textContent(), '');
    assert.equal(sessions.state(ALICE), 'signed-in');
    assert.ok(await vault.get(ALICE), 'tokens stored');
    const state = rig.facade.snapshot();
    assert.deepEqual(state.session, { user: ALICE, state: 'signed-in' });
    // The password never stays in the page.
    assert.equal(await page.getByLabel('Password').inputValue(), '');
    await rig.screenshot(page, 'sign-in-success-en');
    await page.close();
    await rig.facade.signOut();
    assert.equal(rig.facade.snapshot().session.state, 'signed-out');
  });

  test('browser (SSO) sign-in succeeds through the provider\'s own pages', async () => {
    use(normal());
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
    await page.getByRole('status').filter({ hasText: 'You are signed in.' }).waitFor({ timeout: 20_000 });
    assert.equal(sessions.state(ALICE), 'signed-in');
    await page.close();
    await rig.facade.signOut();
  });

  test('a page of another origin calling the bridge is refused (FORBIDDEN_SENDER)', async () => {
    const page = await rig.open('sign-in.html', { viewport: SIGN_IN_VIEW });
    // Same browser context (same preload and binding), but the frame shows another origin.
    await page.goto('data:text/html,<p>elsewhere</p>');
    const answer = await page.evaluate(() => (window as unknown as { __pullprintInvoke(c: string): Promise<unknown> }).__pullprintInvoke('pullprint:get-state'));
    assert.deepEqual((answer as { ok: boolean; error: { code: string } }).error.code, 'FORBIDDEN_SENDER');
    await page.close();
  });
});
