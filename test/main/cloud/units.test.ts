// Pure pieces of the cloud subsystem: APIVersion and base URL, backoff with jitter, the
// metadata header codec (with mutated inputs), error classification, notification words.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientApiVersion, parseApiVersion, versionServed } from '../../../main/cloud/api-version.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../main/cloud/backoff.js';
import { cloudBaseUrl } from '../../../main/cloud/base-url.js';
import { parseRetryAfter, statusError, transportError } from '../../../main/cloud/errors.js';
import { notificationFor } from '../../../main/cloud/notifications.js';
import { hybridReleaseUrl } from '../../../main/cloud/release-url.js';
import { decodeMetadataHeader, encodeMetadataHeader, type CloudJob, type JobMetadata } from '../../../main/cloud/wire.js';
import type { JobRecord } from '../../../main/spool/types.js';
import { errorCode } from '../../../main/util/errors.js';
import { seeded } from './fake-clock.js';

const META: JobMetadata = {
  title: 'Rapport trimestriel — 第3四半期 ✓', pages: 12, color: false, duplex: true, copies: 3, format: 'pclxl',
  size: 123456, sha256: 'a'.repeat(64), workstation: 'WS-042', printedAt: '2026-11-24T15:30:12.000Z',
};

describe('APIVersion and base URL', () => {
  test('3.0 maps to /v3 under the ServerIP path; 3 and " 3.0 " too', () => {
    for (const v of ['3.0', '3', ' 3.0 ']) assert.equal(clientApiVersion(v).pathSegment, 'v3');
    const v = clientApiVersion('3.0');
    assert.equal(cloudBaseUrl({ host: 'apis.eu.iss.example.com', path: '/cpm', port: 443, useSsl: true }, v).href, 'https://apis.eu.iss.example.com/cpm/v3/');
    assert.equal(cloudBaseUrl({ host: 'queue.local', path: '', port: 8080, useSsl: false }, v).href, 'http://queue.local:8080/v3/');
    assert.equal(cloudBaseUrl({ host: '[::1]', path: '/a/b', port: 9443, useSsl: true }, v).href, 'https://[::1]:9443/a/b/v3/');
    assert.equal(cloudBaseUrl({ host: 'fe80::1', path: '', port: 443, useSsl: true }, v).host, '[fe80::1]');
  });

  test('bad and unsupported versions are refused with a clear message', () => {
    for (const bad of ['', 'v3', '3.0.1', 'three', '3,0']) assert.throws(() => parseApiVersion(bad), /not a version/);
    assert.throws(() => clientApiVersion('2.0'), (e: Error) => errorCode(e) === 'CLOUD_API_VERSION' && /2\.0 is not supported/.test(e.message));
    assert.equal(versionServed(parseApiVersion('3.0'), ['3.0']), true);
    assert.equal(versionServed(parseApiVersion('3.2'), ['3.0', '3.1']), false);
    assert.equal(versionServed(parseApiVersion('3.1'), ['4.0', '3.4']), true);
  });
});

describe('backoff', () => {
  test('doubles from the base, jitter within [half, full], capped, Retry-After honoured up to the cap', () => {
    const policy = { initialMs: 1000, maxMs: 30_000 };
    assert.equal(backoffDelay(1, policy, () => 0), 500);
    assert.equal(backoffDelay(1, policy, () => 0.999999), 1000);
    assert.equal(backoffDelay(4, policy, () => 0), 4000);
    assert.equal(backoffDelay(40, policy, () => 0.5), 22_500);
    assert.equal(backoffDelay(40, policy, () => 1), 30_000);
    assert.equal(backoffDelay(1, policy, () => 0, 7000), 7000);
    assert.equal(backoffDelay(1, policy, () => 0, 3_600_000), 30_000);
    const rnd = seeded(42);
    for (let n = 1; n <= 60; n++) {
      const d = backoffDelay(n, DEFAULT_BACKOFF, rnd);
      const full = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** (n - 1));
      assert.ok(d >= full / 2 && d <= full, `failure ${n}: ${d} outside [${full / 2}, ${full}]`);
    }
  });
});

describe('metadata header', () => {
  test('round-trips any title (non-ASCII survives as base64url)', () => {
    const h = encodeMetadataHeader(META);
    assert.match(h, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeMetadataHeader(h), META);
  });

  test('mutated headers never decode to something invalid and never throw anything but parse errors', () => {
    const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 100000);
    const rnd = seeded(seed);
    const n = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
    const good = encodeMetadataHeader(META);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ !';
    let accepted = 0;
    for (let i = 0; i < n; i++) {
      const chars = [...good];
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * chars.length);
        const r = rnd();
        if (r < 0.4) chars[at] = alphabet[Math.floor(rnd() * alphabet.length)];
        else if (r < 0.7) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
      }
      try {
        const m = decodeMetadataHeader(chars.join(''));
        accepted++;
        assert.equal(typeof m.size, 'number', `seed ${seed}`);
        assert.match(m.sha256, /^[0-9a-f]{64}$/, `seed ${seed}`);
      } catch (err) {
        assert.ok(err instanceof SyntaxError || (err as Error).name === 'ZodError', `seed ${seed}: ${String(err)}`);
      }
    }
    assert.ok(accepted < n, `seed ${seed}: every mutation was accepted`);
  });
});

describe('error classification', () => {
  test('statuses', () => {
    assert.equal(statusError(401, { code: 'TOKEN_EXPIRED', message: 'x' }, null, 'upload').kind, 'unauthorized');
    assert.equal(statusError(503, null, 5000, 'upload').kind, 'transient');
    assert.equal(statusError(429, null, null, 'upload').kind, 'transient');
    assert.equal(statusError(408, null, null, 'upload').kind, 'transient');
    assert.equal(statusError(409, { code: 'UPLOAD_IN_PROGRESS', message: 'x' }, 1000, 'upload').kind, 'transient');
    const c = statusError(409, { code: 'IDEMPOTENCY_CONFLICT', message: 'key reused' }, null, 'upload');
    assert.equal(c.kind, 'rejected');
    assert.match(c.message, /IDEMPOTENCY_CONFLICT: key reused/);
    assert.equal(statusError(413, null, null, 'upload').kind, 'rejected');
  });

  test('transport errors', () => {
    const tls = transportError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET', cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } }), 'upload');
    assert.equal(tls.code, 'CLOUD_TLS');
    assert.equal(transportError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'upload').code, 'CLOUD_TIMEOUT');
    assert.equal(transportError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'upload').code, 'CLOUD_UNREACHABLE');
    assert.equal(transportError(new Error('x'), 'upload').kind, 'transient');
  });

  test('Retry-After: seconds, HTTP date, garbage', () => {
    assert.equal(parseRetryAfter('7', 0), 7000);
    assert.equal(parseRetryAfter(new Date(60_000).toUTCString(), 0), 60_000);
    assert.equal(parseRetryAfter('soon', 0), null);
    assert.equal(parseRetryAfter(undefined, 0), null);
  });
});

describe('notifications', () => {
  test('submitted, failed and waiting-for-sign-in get words; the rest none', () => {
    const job = { title: 'Quarterly report', owner: 'alice' } as JobRecord;
    const s = notificationFor({ type: 'submitted', job, cloudJob: {} as CloudJob, replayed: false });
    assert.match(s?.body ?? '', /"Quarterly report" is in your print queue/);
    const f = notificationFor({ type: 'failed', operation: 'upload', jobId: 'j', owner: 'a', title: null, code: 'DIGEST_MISMATCH', message: 'bytes differ', status: 422 });
    assert.equal(f?.severity, 'error');
    assert.match(f?.body ?? '', /^Your print job was refused.*bytes differ/);
    const w = notificationFor({ type: 'waiting-for-sign-in', operation: 'upload', jobId: 'j', owner: 'a', title: 'x'.repeat(100) });
    assert.equal(w?.action, 'sign-in');
    assert.ok((w?.body.length ?? 0) < 160);
    assert.equal(notificationFor({ type: 'unregistered', jobId: 'j', owner: 'a' }), null);
  });
});

describe('release URL of a Hybrid job', () => {
  test('scheme from UseSSL, IPv6 in brackets, the release API path', () => {
    assert.equal(hybridReleaseUrl({ host: 'ws-042.corp.example', port: 9443, useSsl: true }, 'abc-1'), 'https://ws-042.corp.example:9443/release/v1/jobs/abc-1');
    assert.equal(hybridReleaseUrl({ host: 'fe80::2', port: 8080, useSsl: false }, 'abc-1'), 'http://[fe80::2]:8080/release/v1/jobs/abc-1');
  });
});
