import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { Peer } from './capture-peer.js';
import { sleep, startHarness, TEST_SETTINGS, type Harness, type HarnessOptions } from './listener-harness.js';
import { startCaptureListener, type HttpHandler } from '../../../main/capture/listener.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { PullPrintError } from '../../../main/util/errors.js';
import { createTempSink } from '../../helpers/temp-sink.js';

async function withHarness(fn: (h: Harness) => Promise<void>, o: HarnessOptions = {}): Promise<void> {
  const h = await startHarness(o);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

/** An IPP stand-in: records each request with its body and answers 200 with a summary. */
function recordingHttp(): HttpHandler & { requests: { method: string; url: string; body: Buffer; headers: http.IncomingHttpHeaders }[]; closed: boolean } {
  const rec = {
    requests: [] as { method: string; url: string; body: Buffer; headers: http.IncomingHttpHeaders }[],
    closed: false,
    handle(req: http.IncomingMessage, res: http.ServerResponse): void {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const body = Buffer.concat(parts);
        rec.requests.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
        res.writeHead(200, { 'Content-Type': 'application/ipp' });
        res.end(`${req.method} ${req.url} ${body.length}`);
      });
    },
    close(): void {
      rec.closed = true;
    },
  };
  return rec;
}

function request(port: number, opts: http.RequestOptions, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, ...opts }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (opts.headers && (opts.headers as Record<string, string>).Expect === '100-continue') {
      req.on('continue', () => req.end(body));
    } else {
      req.end(body);
    }
  });
}

describe('capture listener: binding', () => {
  test('binds 127.0.0.1 and ::1 on the same port (::1 skipped when IPv6 is unavailable)', async () => {
    const { sink, cleanup } = await createTempSink();
    const l = await startCaptureListener({ mode: 'hybrid', settings: TEST_SETTINGS, sink, logger: nullLogger(), queueName: 'q', port: 0 });
    try {
      assert.ok(l.port > 0);
      assert.equal(l.addresses[0], '127.0.0.1');
      for (const host of l.addresses) {
        const p = await Peer.connect(l.port, host);
        await p.write('%!PS\n% over ' + host + '\n');
        p.end();
        assert.equal(await p.waitEnd(), 'fin');
      }
      assert.equal(sink.jobs.length, l.addresses.length);
      if (l.addresses.includes('::1')) assert.ok(sink.jobs.some((j) => j.ctx.peer.startsWith('[::1]:')));
    } finally {
      await l.close();
      await cleanup();
    }
  });

  test('a port in use is a typed error', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const { sink, cleanup } = await createTempSink();
    try {
      await assert.rejects(
        startCaptureListener({ mode: 'local', settings: TEST_SETTINGS, sink, logger: nullLogger(), queueName: 'q', port, hosts: ['127.0.0.1'] }),
        (e: unknown) => e instanceof PullPrintError && e.code === 'CAPTURE_LISTEN_FAILED',
      );
    } finally {
      blocker.close();
      await cleanup();
    }
  });
});

describe('capture listener: HTTP hand-over to the IPP printer', () => {
  test('a request line sent byte by byte, a chunked body, then a second request on the same connection', async () => {
    const ipp = recordingHttp();
    await withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await p.writeSlowly('POST /ipp/print HTTP/1.1\r\n');
      await p.write('Host: localhost\r\nContent-Type: application/ipp\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
      await p.waitBytes(1);
      await sleep(50);
      await p.write('GET /ipp/print HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      assert.equal(await p.waitEnd(), 'fin');
      const text = p.data.toString('latin1');
      assert.match(text, /^HTTP\/1\.1 200 OK/);
      assert.equal(text.match(/HTTP\/1\.1 200 OK/g)?.length, 2);
      assert.ok(text.indexOf('POST /ipp/print 11') < text.indexOf('GET /ipp/print 0'), text);
      assert.equal(ipp.requests.length, 2);
      assert.equal(ipp.requests[0].body.toString(), 'hello world');
      assert.equal(h.sink.jobs.length, 0, 'the capture side stores nothing for HTTP');
    }, { listener: { http: ipp } });
  });

  test('Expect: 100-continue is answered, as CUPS waits for it', async () => {
    const ipp = recordingHttp();
    await withHarness(async (h) => {
      const body = Buffer.alloc(100_000, 0x41);
      const r = await request(h.port, { method: 'POST', path: '/ipp/print', headers: { 'Content-Type': 'application/ipp', Expect: '100-continue', 'Content-Length': String(body.length) } }, body);
      assert.equal(r.status, 200);
      assert.equal(r.body, 'POST /ipp/print 100000');
    }, { listener: { http: ipp } });
  });

  test('without an IPP printer HTTP gets 503', () =>
    withHarness(async (h) => {
      const r = await request(h.port, { method: 'POST', path: '/ipp/print', headers: { 'Content-Type': 'application/ipp' } }, Buffer.from('x'));
      assert.equal(r.status, 503);
    }));

  test('a malformed request after a valid request line gets 400 and MALFORMED_HTTP', async () => {
    const ipp = recordingHttp();
    await withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await p.write('POST /ipp/print HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
      await p.waitEnd();
      assert.match(p.data.toString('latin1'), /^HTTP\/1\.1 400/);
      assert.ok(h.logs.entries.some((e) => e.meta.code === 'MALFORMED_HTTP'));
      assert.equal(ipp.requests.length, 0);
    }, { listener: { http: ipp } });
  });

  test('close() ends idle keep-alive connections at once and closes the IPP printer', async () => {
    const ipp = recordingHttp();
    const h = await startHarness({ listener: { http: ipp } });
    try {
      const p = await Peer.connect(h.port);
      await p.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await p.waitBytes(10);
      await sleep(50);
      const t0 = Date.now();
      await h.listener.close();
      assert.ok(Date.now() - t0 < 2000, `close took ${Date.now() - t0} ms`);
      await p.waitEnd();
      assert.equal(ipp.closed, true);
    } finally {
      await h.close();
    }
  });
});

describe('capture listener: what is not a job', () => {
  test('a port probe (connect, then close) stores nothing', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      p.end();
      assert.equal(await p.waitEnd(), 'fin');
      await sleep(30);
      assert.equal(h.sink.jobs.length + h.sink.aborted.length, 0);
      assert.deepEqual(await h.sink.files(), []);
      assert.ok(h.logs.entries.some((e) => e.meta.code === 'PORT_PROBE' && e.level === 'debug'));
    }));

  test('a TLS client (ipps://) is closed with TLS_NOT_SUPPORTED', () =>
    withHarness(async (h) => {
      const err = await new Promise<Error>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false });
        s.on('secureConnect', () => resolve(new Error('handshake should not succeed')));
        s.on('error', resolve);
      });
      assert.match(err.message, /socket disconnected|ECONNRESET|closed/i);
      await sleep(30);
      assert.equal(h.sink.jobs.length + h.sink.aborted.length, 0);
      const e = h.logs.entries.find((x) => x.meta.code === 'TLS_NOT_SUPPORTED');
      assert.ok(e);
      assert.equal(e.level, 'warn');
      assert.match(String(e.meta.peer), /^127\.0\.0\.1:\d+$/);
    }));
});

describe('capture listener: limits', () => {
  test('too many connections: the extra one is refused at once and logged; a slot frees on close', () =>
    withHarness(async (h) => {
      const a = await Peer.connect(h.port);
      const b = await Peer.connect(h.port);
      await sleep(50);
      assert.equal(h.listener.activeConnections(), 2);
      // Reset right at accept: the client sees it as a failed connect or as a reset.
      const refused = await Peer.connect(h.port).then((c) => c.waitEnd(), (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? 'reset' : e.code));
      assert.equal(refused, 'reset');
      const e = h.logs.entries.find((x) => x.meta.code === 'TOO_MANY_CONNECTIONS');
      assert.ok(e && e.level === 'warn' && typeof e.meta.peer === 'string');
      a.end();
      await a.waitEnd();
      await sleep(50);
      const d = await Peer.connect(h.port);
      await d.write('%!PS\n');
      d.end();
      assert.equal(await d.waitEnd(), 'fin');
      assert.equal(h.sink.jobs.length, 1);
      b.destroy();
    }, { settings: { maxConnections: 2 } }));

  test('a connection that sends nothing is dropped after the idle timeout', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      const t0 = Date.now();
      await p.waitEnd();
      assert.ok(Date.now() - t0 >= 250, 'not before the idle timeout');
      assert.ok(h.logs.entries.some((e) => e.meta.code === 'IDLE_TIMEOUT' && e.meta.protocol === 'unknown'));
      assert.deepEqual(await h.sink.files(), []);
    }, { settings: { idleTimeoutSeconds: 0.3 } }));

  test('an LPD client that stops talking mid-conversation is dropped after the idle timeout', () =>
    withHarness(async (h) => {
      const p = await Peer.connect(h.port);
      await p.write('\x02pullq\n');
      await p.waitBytes(1);
      assert.equal(await p.waitEnd(), 'reset');
      assert.ok(h.logs.entries.some((e) => e.meta.code === 'IDLE_TIMEOUT' && e.meta.protocol === 'lpd'));
      assert.deepEqual(await h.sink.files(), []);
    }, { settings: { idleTimeoutSeconds: 0.3 } }));
});

describe('capture listener: close()', () => {
  test('stops accepting, lets an in-flight job finish, is idempotent', async () => {
    const h = await startHarness();
    try {
      const idle = await Peer.connect(h.port);
      const busy = await Peer.connect(h.port);
      await busy.write('%!PS-Adobe-3.0\n');
      await sleep(50);
      const closing = h.listener.close();
      assert.equal(h.listener.close(), closing, 'same promise');
      assert.notEqual(await idle.waitEnd(1000), 'open', 'idle connection ended at once');
      await assert.rejects(Peer.connect(h.port), /ECONNREFUSED/);
      await busy.write('showpage\n');
      busy.end();
      assert.equal(await busy.waitEnd(), 'fin');
      await closing;
      assert.equal(h.sink.jobs.length, 1);
      assert.equal((await h.sink.bytesOf(1)).toString(), '%!PS-Adobe-3.0\nshowpage\n');
      assert.equal(h.listener.activeConnections(), 0);
    } finally {
      await h.close();
    }
  });

  test('a job that does not finish within the grace period is aborted and leaves nothing', async () => {
    const h = await startHarness();
    try {
      const stuck = await Peer.connect(h.port);
      await stuck.write('%!PS-Adobe-3.0\n% never finished\n');
      await sleep(50);
      const t0 = Date.now();
      await h.listener.close();
      const took = Date.now() - t0;
      assert.ok(took >= 4000 && took < 8000, `close took ${took} ms`);
      assert.equal(await stuck.waitEnd(), 'reset');
      assert.equal(h.sink.jobs.length, 0);
      assert.equal(h.sink.aborted.length, 1);
      assert.deepEqual(await h.leftovers(), []);
      assert.equal(h.listener.activeConnections(), 0);
    } finally {
      await h.close();
    }
  });
});
