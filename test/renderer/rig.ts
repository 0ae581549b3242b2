// One renderer-test setup: a REAL engine on free ports, the app facade over it, the
// REAL IPC wrapper, headless Chromium, and the page server. Tests choose the facade's
// sign-in/release functions; state changes are pushed to open pages as the shell does.

import { connect } from 'node:net';
import { access, constants, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createAppFacade, type AppFacade, type AppFacadeDeps } from '../../main/ui/app-facade.js';
import { facadeHandlers } from '../../main/ui/facade-handlers.js';
import { STATE_CHANGED } from '../../main/ui/ipc-contract.js';
import { registerIpcHandlers } from '../../main/ui/ipc-handlers.js';
import { nullLogger } from '../../main/log/null-logger.js';
import { lifespansOf } from '../../main/ui/expiry.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { postScriptText } from '../helpers/documents.js';
import { connectContext, emit, TestIpcMain, WEB_CONTENTS_ID } from './bridge.js';
import { startPageServer, type PageServer } from './page-server.js';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.PULLPRINT_CHROMIUM ?? '/usr/bin/chromium';
  await access(executablePath, constants.X_OK).catch(() => {
    throw new Error(`no Chromium at ${executablePath}: the renderer tests need Debian's chromium package (apt-get install chromium) or PULLPRINT_CHROMIUM`);
  });
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export type FacadeFunctions = Omit<AppFacadeDeps, 'engine' | 'lifespans' | 'runtime'>;

export interface Rig {
  readonly engine: TestEngine;
  readonly facade: AppFacade;
  readonly ipc: TestIpcMain;
  readonly server: PageServer;
  readonly browser: Browser;
  /** A page of ours in a fresh context with the given locale, already loaded. */
  open(page: 'sign-in.html' | 'jobs.html' | 'about.html', opts?: { locale?: string; viewport?: { width: number; height: number } }): Promise<Page>;
  /** Sends a PostScript job over RAW to the capture port; resolves when the engine stored it. */
  printRaw(title: string, pages?: number): Promise<string>;
  /** A screenshot for docs/images when PULLPRINT_SCREENSHOTS names a folder, else into a temp folder. */
  screenshot(page: Page, name: string): Promise<string>;
  dispose(): Promise<void>;
}

/** `fns` may be built from the running engine (e.g. engineFacadeDeps, as the shell does). */
export async function startRig(fns: FacadeFunctions | ((engine: TestEngine) => FacadeFunctions | Promise<FacadeFunctions>), engineSections?: string): Promise<Rig> {
  const engine = await startTestEngine(engineSections ? { sections: engineSections, loggingEnabled: 'false' } : { loggingEnabled: 'false' });
  const functions = typeof fns === 'function' ? await fns(engine) : fns;
  const facade = createAppFacade({ ...functions, engine: engine.engine, lifespans: lifespansOf(engine.config), runtime: { node: process.versions.node, chromium: 'headless test' } });
  const server = await startPageServer(REPO_ROOT);
  const ipc = new TestIpcMain();
  const unregister = registerIpcHandlers(ipc, facadeHandlers(facade), {
    origin: server.origin,
    isOurWebContents: (id) => id === WEB_CONTENTS_ID,
  }, nullLogger());
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const pages = new Set<Page>();
  const offChange = facade.onChange(() => {
    const state = facade.snapshot();
    for (const p of pages) if (!p.isClosed()) void emit(p, STATE_CHANGED, state).catch(() => undefined);
  });
  const shotsDir = process.env.PULLPRINT_SCREENSHOTS ? resolve(REPO_ROOT, process.env.PULLPRINT_SCREENSHOTS) : await mkdtemp(join(tmpdir(), 'pp-shots-'));
  await mkdir(shotsDir, { recursive: true });

  return {
    engine,
    facade,
    ipc,
    server,
    browser,
    async open(name, opts = {}) {
      const context = await browser.newContext({ locale: opts.locale ?? 'en-GB', viewport: opts.viewport ?? { width: 820, height: 560 }, timezoneId: 'Europe/Paris' });
      contexts.push(context);
      await connectContext(context, ipc, REPO_ROOT);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // 'load' comes after every module script (and its imports) ran.
      await page.goto(`${server.base}/renderer/${name}`, { waitUntil: 'load' });
      if (errors.length > 0) throw new Error(`page errors in ${name}: ${errors.join('; ')}`);
      pages.add(page);
      return page;
    },
    async printRaw(title, pageCount = 2) {
      const before = new Set(engine.engine.listJobs().map((j) => j.id));
      const stored = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('job not stored within 10 s')), 10_000);
        const off = engine.engine.events.on((e) => {
          if (e.type === 'job-stored' && !before.has(e.job.id)) {
            clearTimeout(timer);
            off();
            resolve(e.job.id);
          }
        });
      });
      await new Promise<void>((resolve, reject) => {
        const sock = connect({ host: '127.0.0.1', port: engine.port() }, () => {
          sock.end(postScriptText({ pages: pageCount, title }));
        });
        sock.on('error', reject);
        sock.on('close', () => resolve());
        sock.resume();
      });
      return stored;
    },
    async screenshot(page, name) {
      const file = join(shotsDir, `${name}.png`);
      await page.screenshot({ path: file, animations: 'disabled' });
      return file;
    },
    async dispose() {
      offChange();
      unregister();
      facade.dispose();
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await server.close();
      await engine.dispose();
      if (!process.env.PULLPRINT_SCREENSHOTS) await rm(shotsDir, { recursive: true, force: true });
    },
  };
}
