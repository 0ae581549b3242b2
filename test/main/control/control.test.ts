import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { startControlServer, answer } from '../../../main/control/server.js';
import type { ControlServer } from '../../../main/control/server.js';
import { callEngine } from '../../../main/control/client.js';
import { defineMethod, MAX_LINE_BYTES } from '../../../main/control/protocol.js';
import { controlSocketPath } from '../../../main/control/socket-path.js';
import { PullPrintError } from '../../../main/util/errors.js';
import { nullLogger } from '../../../main/log/null-logger.js';

const methods = {
  echo: defineMethod(z.object({ text: z.string().max(10) }).strict(), (p) => ({ echoed: p.text })),
  fail: defineMethod(z.object({}).strict(), () => {
    throw new PullPrintError('JOB_NOT_FOUND', 'no job with id x');
  }),
};

/** Sends raw bytes and collects the lines the server answers until it closes or `count` lines arrived. */
function rawExchange(path: string, payload: string | Buffer, count: number): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let buf = '';
    const out: Array<Record<string, unknown>> = [];
    s.setEncoding('utf8');
    s.on('connect', () => s.write(payload));
    s.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        out.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
        buf = buf.slice(nl + 1);
        if (out.length === count) {
          s.destroy();
          resolve(out);
        }
      }
    });
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

describe('control channel', () => {
  let dir: string;
  let server: ControlServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-ctl-'));
    server = await startControlServer(controlSocketPath(dir), methods, nullLogger());
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('round trip', async () => {
    assert.deepEqual(await callEngine(server.path, 'echo', { text: 'hi' }), { echoed: 'hi' });
  });

  test('socket is owner-only', async () => {
    const st = await stat(server.path);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
  });

  test('typed errors from a method reach the client with their code', async () => {
    await assert.rejects(callEngine(server.path, 'fail'), (e: PullPrintError) => e.code === 'JOB_NOT_FOUND' && /no job/.test(e.message));
  });

  test('malformed requests get clear errors and the connection stays usable', async () => {
    const lines = [
      'this is not json',
      JSON.stringify({ method: 'echo' }),
      JSON.stringify({ id: 2, method: 'nope' }),
      JSON.stringify({ id: 3, method: 'echo', params: { text: 'far too long for the schema' } }),
      JSON.stringify({ id: 4, method: 'echo', params: { text: 'ok', extra: 1 } }),
      JSON.stringify({ id: 5, method: 'echo', params: { text: 'fine' } }),
      JSON.stringify({ id: 6, method: '__proto__' }),
      JSON.stringify([1, 2, 3]),
    ];
    const res = await rawExchange(server.path, `${lines.join('\n')}\n`, lines.length);
    const codes = res.map((r) => (r.ok ? 'OK' : (r.error as { code: string }).code));
    assert.deepEqual(codes, ['PARSE_ERROR', 'BAD_REQUEST', 'UNKNOWN_METHOD', 'BAD_PARAMS', 'BAD_PARAMS', 'OK', 'UNKNOWN_METHOD', 'BAD_REQUEST']);
    assert.deepEqual(res.map((r) => r.id), [null, null, 2, 3, 4, 5, 6, null]);
    assert.match(String((res[2].error as { message: string }).message), /known: echo, fail/);
  });

  test('an oversized request line is refused and the connection closed', async () => {
    const res = await rawExchange(server.path, Buffer.alloc(MAX_LINE_BYTES + 10, 0x61), 1);
    assert.equal((res[0].error as { code: string }).code, 'REQUEST_TOO_LARGE');
  });

  test('a second engine on the same socket is refused', async () => {
    await assert.rejects(startControlServer(server.path, methods, nullLogger()), (e: PullPrintError) => e.code === 'ENGINE_ALREADY_RUNNING');
  });

  test('answer() handles every shape without throwing', async () => {
    for (const line of ['', 'null', '{}', '{"id":1}', '{"id":{},"method":"echo"}', '"str"', '{"id":1,"method":"echo","params":[]}']) {
      const r = await answer(line, methods);
      assert.equal(r.ok, false, line);
    }
  });
});

describe('control client', () => {
  test('says clearly when no engine runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pp-ctl-'));
    try {
      await assert.rejects(callEngine(controlSocketPath(dir), 'status'), (e: PullPrintError) => e.code === 'ENGINE_NOT_RUNNING' && /pullprint serve/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a stale socket file from a crash is replaced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pp-ctl-'));
    const path = controlSocketPath(dir);
    try {
      await writeFile(path, 'stale');
      const s = await startControlServer(path, methods, nullLogger());
      assert.deepEqual(await callEngine(path, 'echo', { text: 'x' }), { echoed: 'x' });
      await s.close();
      await s.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('long data folders fall back to a hashed socket name', () => {
    const long = join('/tmp', 'x'.repeat(150));
    const p = controlSocketPath(long);
    assert.ok(Buffer.byteLength(p) <= 100, p);
    assert.notEqual(p, controlSocketPath(`${long}y`));
    assert.match(controlSocketPath('C:\\Users\\a', 'win32'), /^\\\\\.\\pipe\\pullprint-/);
  });
});
