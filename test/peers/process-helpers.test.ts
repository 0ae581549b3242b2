import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort, run, runOk, startDaemon, waitFor } from '../helpers/process.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('run reports exit code and output; runOk rejects with stderr', async () => {
  const r = await run('sh', ['-c', 'printf out; printf err >&2; exit 3']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [3, 'out', 'err']);
  const echo = await runOk('cat', [], { input: 'piped' });
  assert.equal(echo.stdout, 'piped');
  await assert.rejects(runOk('sh', ['-c', 'echo boom >&2; exit 2']), /exited 2: boom/);
  await assert.rejects(run('/nonexistent/binary', []), { code: 'ENOENT' });
});

test('run kills a command that outlives its timeout', async () => {
  const t0 = Date.now();
  const r = await run('sleep', ['30'], { timeoutMs: 200 });
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(Date.now() - t0 < 5000);
});

test('a daemon is stopped by its own PID, escalating to SIGKILL when SIGTERM is ignored', async () => {
  const d = startDaemon('sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done']);
  await waitFor('daemon output', () => d.output().includes('ready'), 5000);
  assert.ok(alive(d.pid));
  const t0 = Date.now();
  await d.stop(300);
  assert.ok(d.exited());
  assert.ok(!alive(d.pid));
  assert.ok(Date.now() - t0 >= 250, 'SIGKILL came before the grace period');
  await d.stop(); // idempotent
});

test('a daemon that cannot start reports it instead of hanging', async () => {
  const d = startDaemon('/nonexistent/daemon', []);
  await waitFor('spawn failure', () => d.exited(), 5000);
  assert.match(d.output(), /ENOENT/);
});

test('freePort gives a bindable loopback port; waitFor times out with its label', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  await assert.rejects(waitFor('the impossible', () => false, 100, 10), /timed out after 100 ms waiting for the impossible/);
});
