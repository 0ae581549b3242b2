// Access-token checks at the reference server: real tokens from the OpenID provider sent
// to a server expecting another audience or living later in time, forged and tampered
// tokens, and claim-level cases (nbf, issuer, missing sub, email owner) with tokens
// signed by a key the test publishes on its own JWKS endpoint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, decodeProtectedHeader, type CryptoKey } from 'jose';
import { CloudClient } from '../../../main/cloud/api-client.js';
import { CloudError } from '../../../main/cloud/errors.js';
import { freePort } from '../../helpers/process.js';
import { ALICE, RESOURCE, startRig, type Rig } from '../cloud/cloud-rig.js';
import { makeDoc } from '../cloud/fixtures.js';

async function refusedWith(p: Promise<unknown>, status: number, code: string, message?: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CloudError, String(err));
    assert.equal(err.status, status, err.message);
    assert.equal(err.serverCode, code, err.message);
    if (message) assert.match(err.message, message);
    return;
  }
  assert.fail(`expected ${status} ${code}`);
}

describe('token checks with the real provider', () => {
  let rig: Rig;
  let token: string;
  before(async () => {
    rig = await startRig();
    token = (await rig.signIn(ALICE)).accessToken;
  });
  after(() => rig?.stop());

  async function clientFor(over: Parameters<Rig['startServer']>[0]): Promise<CloudClient> {
    const s = await rig.startServer(over);
    return new CloudClient({ server: rig.remote(s), apiVersion: '3.0', ca: rig.idp.pki.caPem });
  }

  test('the right token is accepted; the same token at a server for another audience is not', async () => {
    const ok = await clientFor({});
    assert.deepEqual(await ok.listJobs(token), []);
    const other = await clientFor({ auth: { issuer: rig.idp.issuer, audience: 'https://another-api.example', ca: rig.idp.pki.caPem } });
    await refusedWith(other.listJobs(token), 401, 'INVALID_TOKEN', /aud/);
    await ok.close();
    await other.close();
  });

  test('expired: a server whose clock is past the token expiry', async () => {
    const later = await clientFor({ now: () => new Date(Date.now() + 3600_000) });
    const err = later.listJobs(token);
    await refusedWith(err, 401, 'TOKEN_EXPIRED');
    await later.close();
  });

  test('forged, tampered and unsigned tokens', async () => {
    const c = await clientFor({});
    const [h, p] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const { kid } = decodeProtectedHeader(token);
    const { privateKey } = await generateKeyPair('RS256');
    // Same claims, same kid, someone else's key.
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    await refusedWith(c.listJobs(forged), 401, 'INVALID_TOKEN');
    // The provider's signature over other claims.
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'sub-bob-0002' })).toString('base64url')}.${token.split('.')[2]}`;
    await refusedWith(c.listJobs(tampered), 401, 'INVALID_TOKEN');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    await refusedWith(c.listJobs(unsigned), 401, 'INVALID_TOKEN');
    await c.close();
  });

  test('identity provider unreachable: 503 IDP_UNAVAILABLE, which the client retries', async () => {
    const port = await freePort();
    const c = await clientFor({ auth: { issuer: `https://127.0.0.1:${port}`, audience: RESOURCE, ca: rig.idp.pki.caPem } });
    try {
      await c.listJobs(token);
      assert.fail('expected 503');
    } catch (err) {
      assert.ok(err instanceof CloudError);
      assert.equal(err.status, 503);
      assert.equal(err.serverCode, 'IDP_UNAVAILABLE');
      assert.equal(err.kind, 'transient');
      assert.equal(err.retryAfterMs, 5000);
    }
    await c.close();
  });
});

describe('claim checks with a key the test publishes', () => {
  let rig: Rig;
  let jwks: Server;
  let key: CryptoKey;
  const kid = 'test-key-1';
  const issuer = 'https://issuer.pullprint.test';
  before(async () => {
    rig = await startRig();
    const pair = await generateKeyPair('ES256', { extractable: true });
    key = pair.privateKey;
    const pub = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [pub] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await new Promise<void>((r) => jwks.close(() => r()));
    await rig?.stop();
  });

  const mint = (claims: Record<string, unknown>, opts: { exp?: number } = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, aud: RESOURCE, sub: 'user-7', iat: now, exp: opts.exp ?? now + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(key);
  };

  async function clientFor(ownerClaim: 'sub' | 'email' = 'sub'): Promise<CloudClient> {
    const jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
    const s = await rig.startServer({ auth: { issuer, audience: RESOURCE, jwksUri, ownerClaim } });
    return new CloudClient({ server: rig.remote(s), apiVersion: '3.0', ca: rig.idp.pki.caPem });
  }

  test('nbf in the future, wrong issuer, no sub, expired, audience in a list', async () => {
    const c = await clientFor();
    assert.deepEqual(await c.listJobs(await mint({})), []);
    await refusedWith(c.listJobs(await mint({ nbf: Math.floor(Date.now() / 1000) + 600 })), 401, 'INVALID_TOKEN', /nbf/);
    await refusedWith(c.listJobs(await mint({ iss: 'https://evil.example' })), 401, 'INVALID_TOKEN', /iss/);
    await refusedWith(c.listJobs(await mint({ sub: undefined })), 401, 'INVALID_TOKEN');
    await refusedWith(c.listJobs(await mint({}, { exp: Math.floor(Date.now() / 1000) - 5 })), 401, 'TOKEN_EXPIRED');
    assert.deepEqual(await c.listJobs(await mint({ aud: ['https://x.example', RESOURCE] })), []);
    await c.close();
  });

  test('owner by e-mail claim: case-insensitive, and required', async () => {
    const c = await clientFor('email');
    const dir = await rig.tempDir('email-');
    const doc = await makeDoc(dir, 'e.pdf', 100);
    const up = await c.uploadDocument(await mint({ email: 'Carol@Example.com' }), 'job-email', doc.meta, doc.path);
    assert.equal(up.job.owner, 'carol@example.com');
    assert.equal((await c.listJobs(await mint({ email: 'carol@example.COM', sub: 'other-sub' }))).length, 1);
    await refusedWith(c.listJobs(await mint({})), 401, 'INVALID_TOKEN', /email/);
    await c.close();
  });
});
