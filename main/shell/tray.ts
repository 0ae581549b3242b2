// The tray icon and menu, re-rendered from the facade's state on every change
// (main/ui/tray-view.ts decides everything; this file only turns it into Electron calls).

import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { AppFacade } from '../ui/app-facade.js';
import type { Translator } from '../ui/i18n/translate.js';
import type { Preferences } from '../ui/preferences.js';
import { trayIconPng } from '../ui/tray-icon.js';
import { trayView, type MenuEntry, type TrayCommand, type TrayIconState, type TrayOptions } from '../ui/tray-view.js';

export interface TrayControllerDeps {
  readonly facade: AppFacade;
  readonly options: TrayOptions;
  preferences(): Preferences;
  translator(): Translator;
  run(command: TrayCommand): void;
}

function image(state: TrayIconState): NativeImage {
  const img = nativeImage.createFromBuffer(trayIconPng(state, 16), { scaleFactor: 1 });
  img.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(state, 32) });
  return img;
}

export class TrayController {
  readonly #deps: TrayControllerDeps;
  #tray: Tray | null = null;
  #icon: TrayIconState | null = null;
  #off: (() => void) | null = null;

  constructor(deps: TrayControllerDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#tray = new Tray(image('idle'));
    // Windows: a left click opens the held jobs; elsewhere the menu is the way in.
    if (process.platform === 'win32') this.#tray.on('click', () => this.#deps.run('open-jobs'));
    this.#off = this.#deps.facade.onChange(() => this.render());
    this.render();
  }

  #template(menu: readonly MenuEntry[]): MenuItemConstructorOptions[] {
    return menu.map((e): MenuItemConstructorOptions => {
      switch (e.kind) {
        case 'separator': return { type: 'separator' };
        case 'status': return { label: e.label, enabled: false };
        case 'action': return { label: e.label, enabled: e.enabled, click: () => this.#deps.run(e.id) };
        case 'checkbox': return { type: 'checkbox', label: e.label, checked: e.checked, click: () => this.#deps.run(e.id) };
      }
    });
  }

  render(): void {
    const tray = this.#tray;
    if (!tray || tray.isDestroyed()) return;
    const view = trayView(this.#deps.facade.snapshot(), this.#deps.preferences(), this.#deps.options, this.#deps.translator());
    if (view.icon !== this.#icon) {
      tray.setImage(image(view.icon));
      this.#icon = view.icon;
    }
    tray.setToolTip(view.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(this.#template(view.menu)));
  }

  stop(): void {
    this.#off?.();
    this.#tray?.destroy();
    this.#tray = null;
  }
}
