// The real preload, compiled to CommonJS as the build does, run the way Electron runs a
// sandboxed preload: a function scope whose `require` knows only `electron`. Proves it
// needs nothing else, exposes exactly the contract's verbs under `pullprint`, maps each
// verb to its channel, unwraps envelopes and rejects with a plain { code, message }.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { API_KEY, STATE_CHANGED, VERB_CHANNELS, type RendererApi } from '../../main/ui/ipc-contract.js';
import { REPO_ROOT } from '../helpers/cli.js';

type Handler = (...args: unknown[]) => unknown;

async function loadPreload(answer: (channel: string, args: unknown[]) => unknown): Promise<{
  api: RendererApi; key: string; required: string[]; invoked: Array<[string, unknown[]]>; listeners: Map<string, Handler[]>;
}> {
  const src = await readFile(join(REPO_ROOT, 'preload', 'preload.ts'), 'utf8');
  const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const required: string[] = [];
  const invoked: Array<[string, unknown[]]> = [];
  const listeners = new Map<string, Handler[]>();
  let exposed: { key: string; api: RendererApi } | null = null;
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: RendererApi) => { exposed = { key, api }; } },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push([channel, args]);
        return answer(channel, args);
      },
      on: (channel: string, l: Handler) => listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: Handler) => listeners.set(channel, (listeners.get(channel) ?? []).filter((x) => x !== l)),
    },
  };
  const sandboxRequire = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const module = { exports: {} };
  runInNewContext(`(function (require, module, exports) {\n${out.outputText}\n})`, {})(sandboxRequire, module, module.exports);
  const e = exposed as { key: string; api: RendererApi } | null;
  assert.ok(e, 'the preload exposed an API');
  return { api: e.api, key: e.key, required, invoked, listeners };
}

const JOB = '0b6a2f4e-3c1d-4f7a-9a55-2d1f0e9c8b7a';

describe('preload', () => {
  test('needs only electron; exposes exactly the contract\'s verbs under window.pullprint', async () => {
    const { api, key, required } = await loadPreload(() => ({ ok: true, value: null }));
    assert.deepEqual([...new Set(required)], ['electron']);
    assert.equal(key, API_KEY);
    assert.deepEqual(Object.keys(api).sort(), [...Object.keys(VERB_CHANNELS), 'onStateChanged'].sort());
    for (const v of Object.values(api)) assert.equal(typeof v, 'function');
  });

  test('each verb invokes its channel with its arguments and resolves with the value', async () => {
    const { api, invoked } = await loadPreload((channel) => ({ ok: true, value: channel === 'pullprint:list-jobs' ? [{ id: JOB }] : null }));
    assert.deepEqual(await api.listJobs(), [{ id: JOB }]);
    assert.equal(await api.deleteJob(JOB), undefined);
    await api.releaseJob(JOB, { printer: 'Floor 2', keep: true });
    await api.signIn({ email: 'a@b.c', password: 'p' });
    await api.signIn({ sso: true });
    await api.signOut();
    await api.savedPrinters();
    await api.about();
    await api.getState();
    assert.deepEqual(invoked, [
      [VERB_CHANNELS.listJobs, []],
      [VERB_CHANNELS.deleteJob, [JOB]],
      [VERB_CHANNELS.releaseJob, [JOB, { printer: 'Floor 2', keep: true }]],
      [VERB_CHANNELS.signIn, [{ email: 'a@b.c', password: 'p' }]],
      [VERB_CHANNELS.signIn, [{ sso: true }]],
      [VERB_CHANNELS.signOut, []],
      [VERB_CHANNELS.savedPrinters, []],
      [VERB_CHANNELS.about, []],
      [VERB_CHANNELS.getState, []],
    ]);
  });

  test('failures reject with a plain { code, message } (an Error would lose its code across contextBridge)', async () => {
    const { api } = await loadPreload(() => ({ ok: false, error: { code: 'WRONG_PASSWORD', message: 'wrong' } }));
    const err = await api.signIn({ email: 'a@b.c', password: 'x' }).then(() => null, (e: unknown) => e);
    // The value comes from the preload's own context (another Object prototype): compare its content.
    assert.deepEqual({ ...(err as object) }, { code: 'WRONG_PASSWORD', message: 'wrong' });
    assert.equal(err instanceof Error, false);
    for (const garbage of [undefined, null, 'ok', { ok: 'yes' }, 42]) {
      const { api: a } = await loadPreload(() => garbage);
      assert.deepEqual({ ...(await a.getState().then(() => null, (e: unknown) => e) as object) }, { code: 'BAD_ANSWER', message: 'the main process gave no answer' });
    }
  });

  test('onStateChanged passes the state only, and its return value unsubscribes', async () => {
    const { api, listeners } = await loadPreload(() => ({ ok: true, value: null }));
    const got: unknown[][] = [];
    const off = api.onStateChanged((...args: unknown[]) => got.push(args));
    const [relay] = listeners.get(STATE_CHANGED) ?? [];
    assert.ok(relay);
    relay({ sender: 'the ipc event' }, { engine: 'running' });
    assert.deepEqual(got, [[{ engine: 'running' }]]);
    off();
    assert.deepEqual(listeners.get(STATE_CHANGED), []);
  });
});
