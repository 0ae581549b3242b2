// The RFC 8252 loopback receiver on its own: what it answers, what ends the wait.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { IdentityError } from '../../../main/identity/errors.js';
import { startLoopbackRedirect } from '../../../main/identity/pkce-loopback.js';

async function get(url: string): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const res = await fetch(url);
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, body: await res.text(), headers };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof IdentityError && e.code === code);
}

describe('loopback redirect receiver', () => {
  test('listens on 127.0.0.1, ephemeral port, path /callback', async () => {
    const lb = await startLoopbackRedirect({ expectedState: 's', timeoutMs: 5000 });
    try {
      const u = new URL(lb.redirectUri);
      assert.equal(u.protocol, 'http:');
      assert.equal(u.hostname, '127.0.0.1');
      assert.equal(u.pathname, '/callback');
      assert.ok(Number(u.port) > 0);
    } finally {
      await lb.close();
    }
  });

  test('wrong state, other paths and other methods do not end the wait; our state does, once', async () => {
    const lb = await startLoopbackRedirect({ expectedState: 'expected-state', timeoutMs: 5000 });
    const base = lb.redirectUri;
    const forged = await get(`${base}?code=evil&state=forged`);
    assert.equal(forged.status, 400);
    assert.match(forged.body, /does not belong/);
    assert.equal((await get(`${new URL(base).origin}/favicon.ico`)).status, 404);
    const post = await fetch(`${base}?code=x&state=expected-state`, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.text();
    const ok = await get(`${base}?code=the-code&state=expected-state&iss=https%3A%2F%2Fidp`);
    assert.equal(ok.status, 200);
    assert.match(ok.body, /you may close this window/i);
    assert.equal(ok.headers['cache-control'], 'no-store');
    assert.match(String(ok.headers['content-security-policy']), /default-src 'none'/);
    const url = await lb.result;
    assert.equal(url.searchParams.get('code'), 'the-code');
    await lb.close();
    // One response only: the listener is gone.
    await assert.rejects(fetch(`${base}?code=again&state=expected-state`));
  });

  test('an error response with our state ends the wait too, with a "not completed" page', async () => {
    const lb = await startLoopbackRedirect({ expectedState: 'st', timeoutMs: 5000 });
    const res = await get(`${lb.redirectUri}?error=access_denied&state=st`);
    assert.match(res.body, /not completed/);
    assert.equal((await lb.result).searchParams.get('error'), 'access_denied');
    await lb.close();
  });

  test('timeout → SSO_TIMEOUT; abort → SSO_CANCELLED; close before a response → SSO_CANCELLED', async () => {
    const t = await startLoopbackRedirect({ expectedState: 's', timeoutMs: 50 });
    await rejectsWith(t.result, 'SSO_TIMEOUT');
    await t.close();

    const ac = new AbortController();
    const a = await startLoopbackRedirect({ expectedState: 's', timeoutMs: 5000, signal: ac.signal });
    ac.abort();
    await rejectsWith(a.result, 'SSO_CANCELLED');
    await a.close();

    const c = await startLoopbackRedirect({ expectedState: 's', timeoutMs: 5000 });
    await c.close();
    await rejectsWith(c.result, 'SSO_CANCELLED');
  });

  test('close() does not hang on a connection that never sends a request', async () => {
    const lb = await startLoopbackRedirect({ expectedState: 's', timeoutMs: 5000 });
    const u = new URL(lb.redirectUri);
    // A browser's pre-opened connection: connected, silent.
    const sock = connect(Number(u.port), '127.0.0.1');
    sock.on('error', () => undefined);
    await new Promise((res) => sock.once('connect', res));
    const started = Date.now();
    await lb.close();
    assert.ok(Date.now() - started < 3000, `close took ${Date.now() - started} ms`);
    sock.destroy();
  });
});
