// Opens our three windows, one of each at most (a second request focuses it), always
// with the factory's options; remembers their webContents ids for the IPC sender check
// and pushes state changes to them.

import { BrowserWindow } from 'electron';
import type { Translator } from '../ui/i18n/translate.js';
import { pageUrl } from '../ui/app-protocol.js';
import { WINDOWS, windowOptions, type WindowKind } from '../ui/window-factory.js';

export interface WindowManagerDeps {
  readonly preloadPath: string;
  readonly devTools: boolean;
  translator(): Translator;
}

export class WindowManager {
  readonly #deps: WindowManagerDeps;
  readonly #open = new Map<WindowKind, BrowserWindow>();
  readonly #ids = new Set<number>();

  constructor(deps: WindowManagerDeps) {
    this.#deps = deps;
  }

  show(kind: WindowKind): BrowserWindow {
    const existing = this.#open.get(kind);
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.focus();
      return existing;
    }
    const spec = WINDOWS[kind];
    const win = new BrowserWindow(windowOptions(kind, {
      preloadPath: this.#deps.preloadPath,
      title: this.#deps.translator().t(spec.titleKey),
      devTools: this.#deps.devTools,
    }));
    const id = win.webContents.id;
    this.#open.set(kind, win);
    this.#ids.add(id);
    win.removeMenu();
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      this.#ids.delete(id);
      if (this.#open.get(kind) === win) this.#open.delete(kind);
    });
    void win.loadURL(pageUrl(spec.page));
    return win;
  }

  close(kind: WindowKind): void {
    const win = this.#open.get(kind);
    if (win && !win.isDestroyed()) win.close();
  }

  isOpen(kind: WindowKind): boolean {
    const win = this.#open.get(kind);
    return win !== undefined && !win.isDestroyed();
  }

  isOurs(webContentsId: number): boolean {
    return this.#ids.has(webContentsId);
  }

  send(channel: string, payload: unknown): void {
    for (const win of this.#open.values()) if (!win.isDestroyed()) win.webContents.send(channel, payload);
  }
}
