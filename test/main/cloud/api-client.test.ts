// The cloud API client's transport: TLS trust and the TLS 1.2 floor, a server that stops
// reading an upload, keep-alive, plain HTTP, an IPv6 host in brackets, and memory that
// stays flat while a large document streams from disk.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { CloudClient } from '../../../main/cloud/api-client.js';
import { CloudError } from '../../../main/cloud/errors.js';
import { ALICE, startRig, type Rig } from './cloud-rig.js';
import { makeDoc, sha256 } from './fixtures.js';

async function failsWith(p: Promise<unknown>, code: string): Promise<CloudError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CloudError, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('cloud client transport', () => {
  let rig: Rig;
  let token: string;
  before(async () => {
    rig = await startRig();
    token = (await rig.signIn(ALICE)).accessToken;
  });
  after(() => rig?.stop());

  test('a server certificate from an unknown CA is refused (CLOUD_TLS), and trusted with the extra CA', async () => {
    const server = await rig.startServer();
    const bare = new CloudClient({ server: rig.remote(server), apiVersion: '3.0' });
    const err = await failsWith(bare.capabilities(), 'CLOUD_TLS');
    assert.equal(err.kind, 'transient');
    await bare.close();
    const trusting = await CloudClient.create({ server: rig.remote(server), apiVersion: '3.0', caFile: rig.idp.pki.caFile });
    assert.deepEqual((await trusting.capabilities()).apiVersions, ['3.0']);
    await trusting.close();
  });

  test('a server that only speaks TLS 1.1 is refused', async (t) => {
    const pki = rig.idp.pki;
    const old = createTlsServer({ key: pki.keyPem, cert: pki.certPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.end());
    old.listen(0, '127.0.0.1');
    await once(old, 'listening');
    t.after(() => old.close());
    const port = (old.address() as AddressInfo).port;
    // Control: a client willing to speak TLS 1.1 gets through, so the refusal below is our floor's.
    const control = await new Promise<string | null>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca: pki.caPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0', servername: 'localhost' }, () => {
        resolve(s.getProtocol());
        s.destroy();
      });
      s.on('error', () => resolve(null));
    });
    if (control !== 'TLSv1.1') {
      t.skip('this OpenSSL build cannot speak TLS 1.1 at all');
      return;
    }
    const c = new CloudClient({ server: { host: '127.0.0.1', port, path: '', useSsl: true }, apiVersion: '3.0', ca: pki.caPem });
    await failsWith(c.capabilities(), 'CLOUD_TLS');
    await c.close();
  });

  test('a server that stops reading the upload: CLOUD_TIMEOUT after the upload idle limit', async (t) => {
    const pki = rig.idp.pki;
    // Reads the request head, then never another byte.
    const stuck = createTlsServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
      s.once('data', () => s.pause());
    });
    stuck.listen(0, '127.0.0.1');
    await once(stuck, 'listening');
    t.after(() => {
      stuck.close();
    });
    const port = (stuck.address() as AddressInfo).port;
    const c = new CloudClient({
      server: { host: '127.0.0.1', port, path: '', useSsl: true }, apiVersion: '3.0', ca: pki.caPem,
      timeouts: { uploadIdleMs: 500, headersMs: 30_000 },
    });
    t.after(() => c.close());
    const dir = await rig.tempDir('stuck-');
    const doc = await makeDoc(dir, 'big.bin', 32 << 20);
    const started = Date.now();
    const err = await failsWith(c.uploadDocument(token, 'job-stuck', doc.meta, doc.path), 'CLOUD_TIMEOUT');
    assert.match(err.message, /read nothing/);
    assert.ok(Date.now() - started < 10_000);
  });

  test('keep-alive: several calls share one connection', async (t) => {
    const server = await rig.startServer({ tls: null });
    const c = new CloudClient({ server: rig.remote(server), apiVersion: '3.0' });
    t.after(() => c.close());
    // Plain HTTP (UseSSL=false) works the same.
    assert.equal(c.baseUrl.protocol, 'http:');
    for (let i = 0; i < 5; i++) await c.listJobs(token);
    assert.equal(await c.getJob(token, 'nothing-here'), null);
    assert.equal(await c.deleteJob(token, 'nothing-here'), false);
    // undici may open a second socket while the first is still finishing its answer; never one per call.
    assert.ok(server.connectionsAccepted() <= 2, `${server.connectionsAccepted()} connections for 7 calls`);
  });

  test('IPv6 loopback in brackets', async (t) => {
    let server;
    try {
      server = await rig.startServer({ host: '::1', tls: null });
    } catch {
      t.skip('no IPv6 loopback here');
      return;
    }
    const c = new CloudClient({ server: { host: '[::1]', port: server.port, path: '', useSsl: false }, apiVersion: '3.0' });
    t.after(() => c.close());
    assert.equal(c.baseUrl.host, `[::1]:${server.port}`);
    assert.deepEqual((await c.capabilities()).apiVersions, ['3.0']);
  });

  test('a 192 MiB upload streams from disk: memory stays flat, bytes arrive intact', async (t) => {
    const server = await rig.startServer();
    const c = new CloudClient({ server: rig.remote(server), apiVersion: '3.0', ca: rig.idp.pki.caPem });
    t.after(() => c.close());
    const dir = await rig.tempDir('big-');
    const size = 192 << 20;
    // Written in 1 MiB pieces so the test itself holds no large buffer.
    const small = await makeDoc(dir, 'seed.bin', 1 << 20);
    const path = `${dir}/big.bin`;
    const fh = await open(path, 'w');
    const h = createHash('sha256');
    for (let i = 0; i < size / (1 << 20); i++) {
      small.bytes[0] = i & 0xff;
      h.update(small.bytes);
      await fh.write(small.bytes);
    }
    await fh.close();
    const meta = { ...small.meta, size, sha256: h.digest('hex') };
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const up = await c.uploadDocument(token, 'job-big', meta, path);
      assert.equal(up.job.metadata.sha256, meta.sha256);
    } finally {
      clearInterval(timer);
    }
    const grown = peak - base;
    assert.ok(grown < 96 << 20, `memory grew by ${Math.round(grown / 2 ** 20)} MiB for a ${size >> 20} MiB upload`);
    const stored = await open(server.store.documentPath('sub-alice-0001', 'job-big'), 'r');
    const h2 = createHash('sha256');
    for await (const chunk of stored.createReadStream()) h2.update(chunk as Buffer);
    assert.equal(h2.digest('hex'), meta.sha256);
    assert.notEqual(sha256(small.bytes), meta.sha256);
  });
});
