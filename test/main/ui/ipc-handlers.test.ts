import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger } from '../../../main/log/null-logger.js';
import type { Logger } from '../../../main/log/types.js';
import { ARG_SCHEMAS, VERB_CHANNELS, type Envelope, type InvokeChannel } from '../../../main/ui/ipc-contract.js';
import { isOurUrl, registerIpcHandlers, type Handlers, type InvokeEventLike, type IpcMainPort } from '../../../main/ui/ipc-handlers.js';
import { IdentityError } from '../../../main/identity/errors.js';
import { PullPrintError } from '../../../main/util/errors.js';
import { uiState } from './fixtures.js';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(channel: InvokeChannel, event: InvokeEventLike, ...args: unknown[]): Promise<Envelope<unknown>> {
    const h = this.handlers.get(channel);
    assert.ok(h, `handler for ${channel}`);
    return h(event, ...args) as Promise<Envelope<unknown>>;
  }
}

const JOB = '0b6a2f4e-3c1d-4f7a-9a55-2d1f0e9c8b7a';
const OURS: InvokeEventLike = { sender: { id: 7 }, senderFrame: { url: 'pullprint://app/renderer/jobs.html', parent: null } };

function recordingLogger(lines: string[]): Logger {
  const l: Logger = {
    critical: (m, meta) => lines.push(`critical ${m} ${JSON.stringify(meta)}`),
    error: (m, meta) => lines.push(`error ${m} ${JSON.stringify(meta)}`),
    warn: (m, meta) => lines.push(`warn ${m} ${JSON.stringify(meta)}`),
    info: (m, meta) => lines.push(`info ${m} ${JSON.stringify(meta)}`),
    debug: () => undefined,
    child: () => l,
  };
  return l;
}

function rig(over: Partial<Handlers> = {}, log: Logger = nullLogger()): { ipc: FakeIpcMain; calls: unknown[][]; off: () => void } {
  const calls: unknown[][] = [];
  const rec = <R>(name: string, value: R) => async (...args: unknown[]): Promise<R> => {
    calls.push([name, ...args]);
    return value;
  };
  const handlers: Handlers = {
    'pullprint:get-state': rec('get-state', uiState()),
    'pullprint:list-jobs': rec('list-jobs', []),
    'pullprint:delete-job': rec('delete-job', null),
    'pullprint:release-job': rec('release-job', null),
    'pullprint:sign-in': rec('sign-in', null),
    'pullprint:sign-out': rec('sign-out', null),
    'pullprint:saved-printers': rec('saved-printers', []),
    'pullprint:about': rec('about', { product: 'PullPrint' } as never),
    ...over,
  };
  const ipc = new FakeIpcMain();
  const off = registerIpcHandlers(ipc, handlers, { origin: { protocol: 'pullprint:', host: 'app' }, isOurWebContents: (id) => id === 7 }, log);
  return { ipc, calls, off };
}

describe('IPC wrapper', () => {
  test('one handler per contract channel, all removed by the returned function', () => {
    const { ipc, off } = rig();
    assert.deepEqual([...ipc.handlers.keys()].sort(), Object.values(VERB_CHANNELS).sort());
    assert.deepEqual(Object.keys(ARG_SCHEMAS).sort(), Object.values(VERB_CHANNELS).sort());
    off();
    assert.equal(ipc.handlers.size, 0);
  });

  test('a call from our window runs the handler with the validated arguments', async () => {
    const { ipc, calls } = rig();
    assert.deepEqual(await ipc.call('pullprint:delete-job', OURS, JOB), { ok: true, value: null });
    const release = { printer: ' Floor 2 ', keep: true, changes: { copies: 2, sides: 'duplex-long' } };
    assert.deepEqual(await ipc.call('pullprint:release-job', OURS, JOB, release), { ok: true, value: null });
    assert.deepEqual(await ipc.call('pullprint:sign-in', OURS, { email: 'alice@example.com', password: 'pw' }), { ok: true, value: null });
    assert.deepEqual(await ipc.call('pullprint:sign-in', OURS, { sso: true }), { ok: true, value: null });
    const state = await ipc.call('pullprint:get-state', OURS);
    assert.equal(state.ok, true);
    assert.deepEqual(calls, [
      ['delete-job', JOB],
      ['release-job', JOB, { printer: 'Floor 2', keep: true, changes: { copies: 2, sides: 'duplex-long' } }],
      ['sign-in', { email: 'alice@example.com', password: 'pw' }],
      ['sign-in', { sso: true }],
      ['get-state'],
    ]);
  });

  test('foreign senders are refused before any work: other window, sub-frame, other origin, no frame', async () => {
    const lines: string[] = [];
    const { ipc, calls } = rig({}, recordingLogger(lines));
    const foreign: Array<[string, InvokeEventLike]> = [
      ['a webContents we did not create', { sender: { id: 8 }, senderFrame: OURS.senderFrame }],
      ['a sub-frame of our page', { sender: { id: 7 }, senderFrame: { url: 'pullprint://app/renderer/jobs.html', parent: {} } }],
      ['a web page', { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/renderer/jobs.html', parent: null } }],
      ['another custom-scheme host', { sender: { id: 7 }, senderFrame: { url: 'pullprint://other/renderer/jobs.html', parent: null } }],
      ['file://', { sender: { id: 7 }, senderFrame: { url: 'file:///work/main/renderer/jobs.html', parent: null } }],
      ['about:blank', { sender: { id: 7 }, senderFrame: { url: 'about:blank', parent: null } }],
      ['credentials in the URL', { sender: { id: 7 }, senderFrame: { url: 'pullprint://x@app/renderer/jobs.html', parent: null } }],
      ['a destroyed frame', { sender: { id: 7 }, senderFrame: null }],
      ['garbage', { sender: { id: 7 }, senderFrame: { url: 'not a url', parent: null } }],
    ];
    for (const [what, event] of foreign) {
      for (const channel of Object.values(VERB_CHANNELS)) {
        const r = await ipc.call(channel, event, JOB);
        assert.equal(r.ok, false, `${what} on ${channel}`);
        assert.equal(!r.ok && r.error.code, 'FORBIDDEN_SENDER', what);
      }
    }
    assert.deepEqual(calls, [], 'no handler ran');
    assert.ok(lines.every((l) => l.startsWith('warn IPC call refused')), 'refusals are logged as warnings');
  });

  test('bad arguments are refused with BAD_ARGUMENTS (zod), the handler never runs, passwords never logged', async () => {
    const lines: string[] = [];
    const { ipc, calls } = rig({}, recordingLogger(lines));
    const bad: Array<[InvokeChannel, unknown[]]> = [
      ['pullprint:get-state', ['extra']],
      ['pullprint:delete-job', []],
      ['pullprint:delete-job', ['../../etc/passwd']],
      ['pullprint:delete-job', [42]],
      ['pullprint:delete-job', [JOB, 'extra']],
      ['pullprint:delete-job', [{ toString: () => JOB }]],
      ['pullprint:release-job', [JOB]],
      ['pullprint:release-job', [JOB, { printer: '', keep: false }]],
      ['pullprint:release-job', [JOB, { printer: 'x'.repeat(1024), keep: false }]],
      ['pullprint:release-job', [JOB, { printer: 'p', keep: 'yes' }]],
      ['pullprint:release-job', [JOB, { printer: 'p', keep: false, changes: { copies: 0 } }]],
      ['pullprint:release-job', [JOB, { printer: 'p', keep: false, changes: { copies: 10000 } }]],
      ['pullprint:release-job', [JOB, { printer: 'p', keep: false, changes: { copies: 1.5 } }]],
      ['pullprint:release-job', [JOB, { printer: 'p', keep: false, changes: { color: 'rainbow' } }]],
      ['pullprint:release-job', [JOB, { printer: 'p', keep: false, changes: { duplex: true } }]],
      ['pullprint:release-job', [JOB, { printer: 'p', keep: false, admin: true }]],
      ['pullprint:sign-in', [{ email: 'alice@example.com' }]],
      ['pullprint:sign-in', [{ email: 'not-an-address', password: 'Secret-Pw-123' }]],
      ['pullprint:sign-in', [{ email: 'alice@example.com', password: '' }]],
      ['pullprint:sign-in', [{ email: 'alice@example.com', password: 'p'.repeat(5000) }]],
      ['pullprint:sign-in', [{ sso: false }]],
      ['pullprint:sign-in', [{ sso: true, email: 'alice@example.com' }]],
      ['pullprint:sign-in', [null]],
      ['pullprint:sign-in', ['alice@example.com', 'Secret-Pw-123']],
      ['pullprint:sign-out', [{}]],
    ];
    for (const [channel, args] of bad) {
      const r = await ipc.call(channel, OURS, ...args);
      assert.equal(!r.ok && r.error.code, 'BAD_ARGUMENTS', `${channel} ${JSON.stringify(args).slice(0, 80)}`);
    }
    assert.deepEqual(calls, []);
    assert.ok(!lines.some((l) => l.includes('Secret-Pw-123')), 'the password is not in the log');
  });

  test('random argument lists never reach a handler unvalidated and never throw', async () => {
    const { ipc, calls } = rig();
    let seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? 20250301);
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = (): unknown => [null, undefined, 0, -1, 1e9, '', 'x', JOB, true, {}, [], { sso: true }, { printer: 'p', keep: true }, { email: 'a@b', password: 'p' }][Math.floor(rnd() * 14)];
    const channels = Object.values(VERB_CHANNELS);
    const iterations = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 2000);
    for (let i = 0; i < iterations; i += 1) {
      const channel = channels[Math.floor(rnd() * channels.length)];
      const args = Array.from({ length: Math.floor(rnd() * 4) }, values);
      const before = calls.length;
      const r = await ipc.call(channel, OURS, ...args);
      assert.equal(typeof r.ok, 'boolean');
      if (r.ok) assert.equal(calls.length, before + 1);
      else assert.equal(r.error.code, 'BAD_ARGUMENTS', `seed ${process.env.PULLPRINT_FUZZ_SEED ?? 20250301} iteration ${i}`);
    }
  });

  test('handler failures become { code, message }: typed errors keep theirs, others are hidden and logged', async () => {
    const lines: string[] = [];
    const { ipc } = rig({
      'pullprint:sign-in': async () => {
        throw new IdentityError('WRONG_PASSWORD', 'The password is wrong.');
      },
      'pullprint:delete-job': async () => {
        throw new PullPrintError('JOB_NOT_FOUND', 'no job');
      },
      'pullprint:list-jobs': async () => {
        throw new TypeError('cannot read properties of undefined (reading \'/home/alice/secret\')');
      },
    }, recordingLogger(lines));
    assert.deepEqual(await ipc.call('pullprint:sign-in', OURS, { sso: true }), { ok: false, error: { code: 'WRONG_PASSWORD', message: 'The password is wrong.' } });
    assert.deepEqual(await ipc.call('pullprint:delete-job', OURS, JOB), { ok: false, error: { code: 'JOB_NOT_FOUND', message: 'no job' } });
    const internal = await ipc.call('pullprint:list-jobs', OURS);
    assert.equal(!internal.ok && internal.error.code, 'INTERNAL');
    assert.doesNotMatch(JSON.stringify(internal), /secret/);
    assert.ok(lines.some((l) => l.startsWith('error IPC handler failed')));
  });

  test('isOurUrl compares scheme and host (URL.origin is "null" for custom schemes)', () => {
    const app = { protocol: 'pullprint:', host: 'app' };
    assert.equal(new URL('pullprint://app/x').origin, 'null');
    assert.equal(isOurUrl('pullprint://app/renderer/about.html', app), true);
    assert.equal(isOurUrl('PULLPRINT://APP/renderer/about.html', app), true);
    assert.equal(isOurUrl('pullprint://app.evil/renderer/about.html', app), false);
    assert.equal(isOurUrl('pullprint://app:8080/renderer/about.html', app), false);
    assert.equal(isOurUrl('http://127.0.0.1:4000/x', { protocol: 'http:', host: '127.0.0.1:4000' }), true);
    assert.equal(isOurUrl('http://127.0.0.1:4001/x', { protocol: 'http:', host: '127.0.0.1:4000' }), false);
  });
});
