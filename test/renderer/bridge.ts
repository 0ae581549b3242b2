// The Electron side of a page, for headless Chromium: the REAL preload (compiled to
// CommonJS as the build does) runs in the page with the only module a sandboxed preload
// may load, `electron`, standing for contextBridge and ipcRenderer. ipcRenderer.invoke
// reaches the REAL IPC wrapper (registerIpcHandlers) in the test process through a
// Playwright binding that reports the calling frame's real URL, so sender checks,
// argument validation and envelopes are those of the product. Pushes from main go to
// the preload's listeners through emit().

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import ts from 'typescript';
import type { InvokeEventLike, IpcMainPort } from '../../main/ui/ipc-handlers.js';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** ipcMain for the tests: registerIpcHandlers installs into it, pages call through it. */
export class TestIpcMain implements IpcMainPort {
  readonly handlers = new Map<string, Listener>();
  readonly calls: string[] = [];
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    this.calls.push(channel);
    const h = this.handlers.get(channel);
    // Electron rejects an invoke on a channel without handler; so do we.
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, ...args);
  }
}

export const WEB_CONTENTS_ID = 1;

export async function preloadScript(repoRoot: string): Promise<string> {
  const src = await readFile(join(repoRoot, 'preload', 'preload.ts'), 'utf8');
  const cjs = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  return `(() => {
  const listeners = new Map();
  Object.defineProperty(window, '__pullprintEmit', { value: (channel, payload) => {
    for (const l of [...(listeners.get(channel) || [])]) l({ senderId: 0 }, payload);
  } });
  const electron = {
    contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze(api), writable: false, configurable: false }) },
    ipcRenderer: {
      invoke: (channel, ...args) => window.__pullprintInvoke(channel, ...args),
      on: (channel, l) => { listeners.set(channel, [...(listeners.get(channel) || []), l]); },
      removeListener: (channel, l) => { listeners.set(channel, (listeners.get(channel) || []).filter((x) => x !== l)); },
    },
  };
  const require = (name) => {
    if (name === 'electron') return electron;
    throw new Error('a sandboxed preload cannot load ' + name);
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${cjs}
  })(require, module, module.exports);
})();`;
}

/** Wires a browser context's pages to `ipc`, with the preload installed in every page. */
export async function connectContext(context: BrowserContext, ipc: TestIpcMain, repoRoot: string): Promise<void> {
  await context.exposeBinding('__pullprintInvoke', async (source, channel: string, ...args: unknown[]) => {
    const event: InvokeEventLike = {
      sender: { id: WEB_CONTENTS_ID },
      senderFrame: { url: source.frame.url(), parent: source.frame.parentFrame() },
    };
    return ipc.invoke(channel, event, ...args);
  });
  await context.addInitScript({ content: await preloadScript(repoRoot) });
}

export async function emit(page: Page, channel: string, payload: unknown): Promise<void> {
  await page.evaluate(([c, p]) => (window as unknown as { __pullprintEmit(c: unknown, p: unknown): void }).__pullprintEmit(c, p), [channel, payload] as const);
}
