// IdpClient against a real oidc-provider over HTTPS with a CA made for the run:
// discovery, password grant, browser sign-in through the provider's real pages, TLS and
// network failures, clock skew and audience checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { IdpClient } from '../../../main/identity/idp-client.js';
import { IdentityError } from '../../../main/identity/errors.js';
import { shouldRetry } from '../../../main/identity/retry.js';
import { CA_OPTION_NAME } from '../../../main/identity/classify.js';
import {
  ACCOUNTS, FAST_RETRY, MovableClock, RESOURCE, makeTestPki, settingsFor, startTestIdp, type TestIdp,
} from '../../peers/oidc-provider.js';
import { freePort } from '../../helpers/process.js';
import { tempDir } from '../../helpers/documents.js';

const ALICE = 'alice@example.com';
const alicePw = ACCOUNTS[ALICE].password;

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

describe('IdpClient with oidc-provider over HTTPS', () => {
  let idp: TestIdp;
  let client: IdpClient;
  before(async () => {
    idp = await startTestIdp();
    client = await IdpClient.connect(settingsFor(idp), { retry: FAST_RETRY });
  });
  after(async () => {
    await client?.close();
    await idp?.stop();
  });

  test('password sign-in returns a JWT access token for the resource, a refresh token and the e-mail', async () => {
    assert.equal(client.supportsPasswordGrant(), true);
    const before = Date.now();
    const t = await client.passwordGrant('Alice@Example.com', alicePw);
    const at = decodeJwt(t.accessToken);
    assert.equal(at.aud, RESOURCE);
    assert.equal(at.iss, idp.issuer);
    assert.equal(at.sub, ACCOUNTS[ALICE].sub);
    assert.ok(t.refreshToken, 'offline_access must give a refresh token');
    assert.deepEqual(t.idTokenClaims, { sub: ACCOUNTS[ALICE].sub, email: ALICE });
    assert.ok(t.expiresAt >= before + 590_000 && t.expiresAt <= Date.now() + 600_000, `expiresAt ${t.expiresAt}`);
    assert.ok(idp.issued.accessTokens.includes(t.accessToken));
  });

  test('wrong password → WRONG_PASSWORD, and the message does not echo the password', async () => {
    const err = await rejectsWith(client.passwordGrant(ALICE, 'not-the-password-123'), 'WRONG_PASSWORD');
    assert.ok(!err.message.includes('not-the-password-123'));
    assert.ok(!JSON.stringify(err.cause).includes('not-the-password-123'));
  });

  test('unknown user → UNKNOWN_USER when the provider says so', async () => {
    await rejectsWith(client.passwordGrant('nobody@example.com', 'whatever'), 'UNKNOWN_USER');
  });

  test('browser sign-in: PKCE through the provider\'s real login and consent pages', async () => {
    const sso = await IdpClient.connect(settingsFor(idp), { openUrl: idp.browser({ action: 'login', email: 'bob@example.com', password: ACCOUNTS['bob@example.com'].password }) });
    try {
      const t = await sso.ssoSignIn({ loginHint: 'bob@example.com' });
      await idp.lastBrowserRun();
      assert.equal(t.idTokenClaims?.email, 'bob@example.com');
      assert.ok(t.refreshToken, 'prompt=consent + offline_access must give a refresh token');
      assert.equal(decodeJwt(t.accessToken).aud, RESOURCE);
      assert.ok((idp.grants['authorization_code:ok'] ?? 0) >= 1);
    } finally {
      await sso.close();
    }
  });

  test('browser sign-in cancelled at the provider → SSO_CANCELLED', async () => {
    const sso = await IdpClient.connect(settingsFor(idp), { openUrl: idp.browser({ action: 'cancel' }) });
    try {
      await rejectsWith(sso.ssoSignIn(), 'SSO_CANCELLED');
      await idp.lastBrowserRun();
    } finally {
      await sso.close();
    }
  });

  test('browser sign-in nobody completes → SSO_TIMEOUT, and the loopback port is closed', async () => {
    let opened = '';
    const sso = await IdpClient.connect(settingsFor(idp, { ssoTimeoutSeconds: 0.3 }), {
      openUrl: async (url) => {
        opened = url;
      },
    });
    try {
      await rejectsWith(sso.ssoSignIn(), 'SSO_TIMEOUT');
      const redirect = new URL(new URL(opened).searchParams.get('redirect_uri') ?? '');
      assert.equal(redirect.hostname, '127.0.0.1');
      assert.equal(redirect.pathname, '/callback');
      assert.equal(new URL(opened).searchParams.get('code_challenge_method'), 'S256');
      assert.equal(new URL(opened).searchParams.get('prompt'), 'consent');
      await assert.rejects(fetch(redirect), /fetch failed/);
    } finally {
      await sso.close();
    }
  });

  test('the browser cannot be opened → SSO_CANCELLED with the reason', async () => {
    const sso = await IdpClient.connect(settingsFor(idp), { openUrl: () => Promise.reject(new Error('xdg-open not found')) });
    try {
      const err = await rejectsWith(sso.ssoSignIn(), 'SSO_CANCELLED');
      assert.match(err.message, /xdg-open not found/);
    } finally {
      await sso.close();
    }
  });

  test('revocation: a revoked refresh token is refused afterwards', async () => {
    const t = await client.passwordGrant(ALICE, alicePw);
    const revokedBefore = idp.revokedGrants;
    assert.equal(await client.revoke(t.refreshToken ?? '', 'refresh_token'), true);
    assert.equal(idp.revokedGrants, revokedBefore + 1);
    await rejectsWith(client.refresh(t), 'REFRESH_REVOKED');
  });

  test('the provider\'s clock ahead of ours (token issued in the future) → CLOCK_SKEW', async () => {
    const behind = await IdpClient.connect(settingsFor(idp), { clock: new MovableClock(-10 * 60_000) });
    try {
      const err = await rejectsWith(behind.passwordGrant(ALICE, alicePw), 'CLOCK_SKEW');
      assert.match(err.message, /10 minute\(s\) behind/);
    } finally {
      await behind.close();
    }
  });

  test('our clock far ahead (fresh token already expired) → CLOCK_SKEW', async () => {
    const ahead = await IdpClient.connect(settingsFor(idp), { clock: new MovableClock(3 * 3600_000) });
    try {
      const err = await rejectsWith(ahead.passwordGrant(ALICE, alicePw), 'CLOCK_SKEW');
      assert.match(err.message, /ahead of/);
    } finally {
      await ahead.close();
    }
  });

  test('a small clock difference within tolerance is accepted', async () => {
    const slightly = await IdpClient.connect(settingsFor(idp), { clock: new MovableClock(-30_000) });
    try {
      const t = await slightly.passwordGrant(ALICE, alicePw);
      assert.ok(t.accessToken);
    } finally {
      await slightly.close();
    }
  });

  test('access token for another audience than the configured resource → IDP_CONFIGURATION', async () => {
    const other = await IdpClient.connect(settingsFor(idp, { resource: 'https://other-api.example' }));
    try {
      const err = await rejectsWith(other.passwordGrant(ALICE, alicePw), 'IDP_CONFIGURATION');
      assert.match(err.message, /other-api\.example/);
    } finally {
      await other.close();
    }
  });

  test('TLS: without the CA → TLS_FAILURE naming the CA option; the wrong CA too', async () => {
    const err = await rejectsWith(IdpClient.connect(settingsFor(idp, { caFile: null }), { retry: FAST_RETRY }), 'TLS_FAILURE');
    assert.ok(err.message.includes(CA_OPTION_NAME), err.message);
    assert.match(err.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
    const otherPki = await makeTestPki();
    try {
      await rejectsWith(IdpClient.connect(settingsFor(idp, { caFile: otherPki.caFile })), 'TLS_FAILURE');
    } finally {
      await otherPki.cleanup();
    }
  });

  test('TLS: a CA file that is missing or not a certificate → CA_FILE_UNREADABLE', async () => {
    const dir = await tempDir('idp-ca');
    try {
      await rejectsWith(IdpClient.connect(settingsFor(idp, { caFile: join(dir.path, 'missing.pem') })), 'CA_FILE_UNREADABLE');
      const junk = join(dir.path, 'junk.pem');
      await writeFile(junk, 'this is not a certificate\n');
      await rejectsWith(IdpClient.connect(settingsFor(idp, { caFile: junk })), 'CA_FILE_UNREADABLE');
      const broken = join(dir.path, 'broken.pem');
      await writeFile(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
      await rejectsWith(IdpClient.connect(settingsFor(idp, { caFile: broken })), 'CA_FILE_UNREADABLE');
    } finally {
      await dir.cleanup();
    }
  });

  test('an issuer URL that is not the provider\'s issuer → IDP_CONFIGURATION', async () => {
    await rejectsWith(IdpClient.connect(settingsFor(idp, { issuerUrl: idp.issuer.replace('127.0.0.1', 'localhost') })), 'IDP_CONFIGURATION');
    await rejectsWith(IdpClient.connect(settingsFor(idp, { issuerUrl: `${idp.issuer}/no-such-tenant` })), 'IDP_CONFIGURATION');
  });

  test('a client id the provider does not know → IDP_CONFIGURATION', async () => {
    const stranger = await IdpClient.connect(settingsFor(idp, { clientId: 'not-registered' }));
    try {
      await rejectsWith(stranger.passwordGrant(ALICE, alicePw), 'IDP_CONFIGURATION');
    } finally {
      await stranger.close();
    }
  });
});

describe('IdpClient failures around the network', () => {
  test('nothing listening → IDP_UNREACHABLE (request never sent, so retryable)', async () => {
    const port = await freePort();
    const err = await rejectsWith(IdpClient.connect({ issuerUrl: `https://127.0.0.1:${port}`, clientId: 'x' }, { retry: FAST_RETRY }), 'IDP_UNREACHABLE');
    assert.equal(err.notSent, true);
    assert.match(err.message, /ECONNREFUSED/);
  });

  test('a server that drops connections: discovery (idempotent) is retried, then IDP_UNREACHABLE', async () => {
    let connections = 0;
    const sockets = new Set<Socket>();
    const srv = createServer((s) => {
      connections += 1;
      sockets.add(s);
      s.destroy();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    try {
      const err = await rejectsWith(IdpClient.connect({ issuerUrl: `http://127.0.0.1:${port}`, clientId: 'x' }, { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10 } }), 'IDP_UNREACHABLE');
      assert.equal(err.notSent, false);
      assert.equal(err.transient, true);
      assert.equal(connections, 3);
    } finally {
      srv.close();
    }
  });

  test('a provider answering 503 → IDP_UNREACHABLE; 404 → IDP_CONFIGURATION', async () => {
    const { createServer: createHttp } = await import('node:http');
    let status = 503;
    const srv = createHttp((_req, res) => {
      res.statusCode = status;
      res.end('no');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    try {
      const err = await rejectsWith(IdpClient.connect({ issuerUrl: `http://127.0.0.1:${port}`, clientId: 'x' }, { retry: FAST_RETRY }), 'IDP_UNREACHABLE');
      assert.match(err.message, /HTTP 503/);
      status = 404;
      await rejectsWith(IdpClient.connect({ issuerUrl: `http://127.0.0.1:${port}`, clientId: 'x' }, { retry: FAST_RETRY }), 'IDP_CONFIGURATION');
    } finally {
      srv.close();
    }
  });

  test('retry policy: refresh-like (non-idempotent) requests are retried only when never sent', () => {
    const notSent = new IdentityError('IDP_UNREACHABLE', 'x', { notSent: true });
    const afterSend = new IdentityError('IDP_UNREACHABLE', 'x', { transient: true });
    const wrong = new IdentityError('WRONG_PASSWORD', 'x');
    assert.equal(shouldRetry(notSent, false), true);
    assert.equal(shouldRetry(afterSend, false), false);
    assert.equal(shouldRetry(afterSend, true), true);
    assert.equal(shouldRetry(wrong, true), false);
    assert.equal(shouldRetry(new Error('x'), true), false);
  });

  test('a provider over plain HTTP works when the issuer URL says http (UseSSL=false)', async () => {
    const idp = await startTestIdp({ plainHttp: true });
    try {
      const c = await IdpClient.connect(settingsFor(idp, { caFile: null }));
      try {
        const t = await c.passwordGrant(ALICE, alicePw);
        assert.equal(t.idTokenClaims?.email, ALICE);
      } finally {
        await c.close();
      }
    } finally {
      await idp.stop();
    }
  });

  test('a provider that does not say why a password grant failed: unknown user reads as WRONG_PASSWORD', async () => {
    const idp = await startTestIdp({ describeGrantErrors: false });
    try {
      const c = await IdpClient.connect(settingsFor(idp));
      try {
        await rejectsWith(c.passwordGrant('nobody@example.com', 'x'), 'WRONG_PASSWORD');
        await rejectsWith(c.passwordGrant(ALICE, 'x'), 'WRONG_PASSWORD');
      } finally {
        await c.close();
      }
    } finally {
      await idp.stop();
    }
  });

  test('a provider without the password grant for this client → PASSWORD_NOT_SUPPORTED', async () => {
    const idp = await startTestIdp({ passwordGrant: false });
    try {
      const c = await IdpClient.connect(settingsFor(idp));
      try {
        assert.equal(c.supportsPasswordGrant(), false);
        await rejectsWith(c.passwordGrant(ALICE, alicePw), 'PASSWORD_NOT_SUPPORTED');
      } finally {
        await c.close();
      }
    } finally {
      await idp.stop();
    }
  });
});
