// Identity settings, issuer URLs from IDPServerSettings, and the vault value format.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { issuerUrlOf, resolveIdentitySettings, DEFAULT_SCOPES } from '../../../main/identity/settings.js';
import { InMemoryVault, parseStoredTokens, serializeStoredTokens } from '../../../main/identity/token-vault.js';

describe('issuerUrlOf', () => {
  test('scheme from UseSSL, default ports omitted, path kept', () => {
    assert.equal(issuerUrlOf({ host: 'idp.us.iss.example.com', path: '', port: 443, useSsl: true }), 'https://idp.us.iss.example.com');
    assert.equal(issuerUrlOf({ host: 'idp.example.com', path: '/realms/print', port: 8443, useSsl: true }), 'https://idp.example.com:8443/realms/print');
    assert.equal(issuerUrlOf({ host: 'idp.example.com', path: '', port: 80, useSsl: false }), 'http://idp.example.com');
    assert.equal(issuerUrlOf({ host: '[::1]', path: '', port: 9000, useSsl: false }), 'http://[::1]:9000');
    assert.equal(issuerUrlOf({ host: 'idp.example.com', path: '', port: 443, useSsl: false }), 'http://idp.example.com:443');
  });
});

describe('resolveIdentitySettings', () => {
  test('defaults', () => {
    const s = resolveIdentitySettings({ issuerUrl: 'https://idp.example.com', clientId: 'pullprint' });
    assert.deepEqual(s.scopes, DEFAULT_SCOPES);
    assert.equal(s.refreshSkewSeconds, 60);
    assert.equal(s.caFile, null);
    assert.equal(s.resource, null);
    assert.equal(s.insecure, false);
    assert.equal(resolveIdentitySettings({ issuerUrl: 'http://idp', clientId: 'c' }).insecure, true);
  });

  test('openid is always requested; duplicates removed', () => {
    assert.deepEqual(resolveIdentitySettings({ issuerUrl: 'https://i', clientId: 'c', scopes: ['email', 'email', 'offline_access'] }).scopes, ['openid', 'email', 'offline_access']);
  });

  test('programming errors are thrown', () => {
    assert.throws(() => resolveIdentitySettings({ issuerUrl: 'idp.example.com', clientId: 'c' }), /not a URL/);
    assert.throws(() => resolveIdentitySettings({ issuerUrl: 'ftp://idp', clientId: 'c' }), /http/);
    assert.throws(() => resolveIdentitySettings({ issuerUrl: 'https://idp', clientId: '' }), /clientId/);
    assert.throws(() => resolveIdentitySettings({ issuerUrl: 'https://idp', clientId: 'c', refreshSkewSeconds: -1 }), /refreshSkewSeconds/);
  });
});

describe('vault values', () => {
  test('round trip, and only the known fields are kept', async () => {
    const t = { accessToken: 'a', refreshToken: 'r', expiresAt: 123, idTokenClaims: { sub: 's', email: 'e@x' } };
    assert.deepEqual(parseStoredTokens(serializeStoredTokens(t)), t);
    assert.deepEqual(parseStoredTokens(JSON.stringify({ ...t, password: 'p', idToken: 'i' })), t);
    const v = new InMemoryVault();
    await v.set('u', t);
    assert.deepEqual(await v.get('u'), t);
    assert.deepEqual(await v.accounts(), ['u']);
    assert.equal(await v.delete('u'), true);
    assert.equal(await v.delete('u'), false);
  });

  test('foreign or damaged values read as absent, never throw (seeded mutations)', () => {
    const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 1e9);
    let x = seed || 1;
    const rnd = (n: number): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return Math.abs(x) % n;
    };
    const base = serializeStoredTokens({ accessToken: 'a.b.c', refreshToken: null, expiresAt: 1, idTokenClaims: { sub: 's' } });
    const iterations = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 2000);
    for (let i = 0; i < iterations; i += 1) {
      const chars = [...base];
      const edits = 1 + rnd(4);
      for (let e = 0; e < edits; e += 1) {
        const at = rnd(chars.length + 1);
        const op = rnd(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, String.fromCharCode(rnd(128)));
        else chars[at] = '{}[]":,0n'[rnd(9)];
      }
      const text = chars.join('');
      let out: unknown;
      try {
        out = parseStoredTokens(text);
      } catch (err) {
        assert.fail(`seed ${seed}: threw on ${JSON.stringify(text)}: ${String(err)}`);
      }
      if (out !== null) {
        const o = out as Record<string, unknown>;
        assert.equal(typeof o.accessToken, 'string', `seed ${seed}`);
        assert.ok(o.refreshToken === null || typeof o.refreshToken === 'string', `seed ${seed}`);
        assert.ok(Number.isFinite(o.expiresAt), `seed ${seed}`);
      }
    }
    for (const bad of ['', 'null', '[]', '"x"', '{"accessToken":""}', '{"accessToken":"a","refreshToken":1,"expiresAt":1}', '{"accessToken":"a","refreshToken":null,"expiresAt":"1"}']) {
      assert.equal(parseStoredTokens(bad), null, bad);
    }
  });
});
