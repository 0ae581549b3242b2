import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactMeta, redactText } from '../../../main/log/redact.js';
import { createLogger } from '../../../main/log/logger.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';
const SECRETS = ['hunter2-password', 'rt-secret-refresh', JWT, 'sessioncookievalue', 'abc123querysecret', 'PDFBYTES-CONFIDENTIAL'];

describe('redaction', () => {
  test('scrubs credentials from free text', () => {
    const cases: Array<[string, string]> = [
      [`Authorization: Bearer ${JWT}`, 'Authorization: [REDACTED]'],
      [`sent Bearer ${JWT}`, 'Bearer [REDACTED]'],
      ['Authorization: Basic YWxpY2U6aHVudGVyMg==', 'Authorization: [REDACTED]'], ['using Basic YWxpY2U6aHVudGVyMg==', 'Basic [REDACTED]'],
      [`token is ${JWT} here`, '[REDACTED] jwt'],
      ['GET /cb?code=abc123querysecret&state=xyz', '?code=[REDACTED]&state=[REDACTED]'],
      ['password=hunter2-password user=alice', 'password=[REDACTED]'],
      ['{"refresh_token": "rt-secret-refresh"}', '"refresh_token": "[REDACTED]'],
      ['-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----', '[REDACTED] private key'],
    ];
    for (const [input, expected] of cases) {
      const out = redactText(input);
      assert.ok(out.includes(expected), `${input} → ${out}`);
    }
    assert.ok(!redactText('password=hunter2-password').includes('hunter2'));
  });

  test('drops secret keys and job content from metadata, keeps the rest', () => {
    const out = redactMeta({
      user: 'alice',
      password: 'hunter2-password',
      headers: { authorization: `Bearer ${JWT}`, cookie: 'sessioncookievalue', 'content-type': 'application/ipp' },
      grant: { refresh_token: 'rt-secret-refresh', expires_in: 300 },
      url: 'https://idp.example/token?client_secret=abc123querysecret',
      data: Buffer.from('PDFBYTES-CONFIDENTIAL'),
      chunk: 'PDFBYTES-CONFIDENTIAL',
      nested: { deep: { list: [{ accessToken: JWT }] } },
      err: Object.assign(new Error(`refresh failed with ${JWT}`), { code: 'REFRESH_FAILED' }),
    });
    const text = JSON.stringify(out);
    for (const s of SECRETS) assert.ok(!text.includes(s), `leaked ${s}: ${text}`);
    assert.equal(out.user, 'alice');
    assert.equal((out.headers as Record<string, unknown>)['content-type'], 'application/ipp');
    assert.equal(out.data, '[21 bytes]');
    assert.equal((out.err as Record<string, unknown>).code, 'REFRESH_FAILED');
    assert.equal(((out.grant as Record<string, unknown>).expires_in), 300);
  });

  test('survives circular and deep structures', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 50; i++) deep = (deep.next = {}) as Record<string, unknown>;
    assert.doesNotThrow(() => redactMeta({ a, root }));
  });

  test('nothing secret reaches the log file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pp-redact-'));
    try {
      const file = join(dir, 'l.log');
      const log = createLogger({ file, loggingEnabled: 'debug' });
      const m = log.child('identity');
      m.info(`signed in with Bearer ${JWT}`, { password: 'hunter2-password' });
      m.debug('token response', { body: '{"refresh_token":"rt-secret-refresh"}', cookie: 'sessioncookievalue' });
      m.error('callback failed GET /cb?code=abc123querysecret', { job: { data: Buffer.from('PDFBYTES-CONFIDENTIAL') } });
      await log.close();
      const text = await readFile(file, 'utf8');
      assert.ok(text.includes('signed in'));
      for (const s of SECRETS) assert.ok(!text.includes(s), `leaked ${s}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
