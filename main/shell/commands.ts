// What each tray menu item and notification click does.

import { app, dialog } from 'electron';
import type { Logger } from '../log/types.js';
import type { AppFacade } from '../ui/app-facade.js';
import type { Translator } from '../ui/i18n/translate.js';
import { toCallError } from '../ui/ipc-handlers.js';
import type { TrayCommand } from '../ui/tray-view.js';
import { assertNever, drop } from '../util/errors.js';
import type { PreferencesStore } from './preferences-store.js';
import type { WindowManager } from './windows.js';

export interface CommandDeps {
  readonly facade: AppFacade;
  readonly windows: WindowManager;
  readonly preferences: PreferencesStore;
  readonly openAtLoginSupported: boolean;
  readonly logger: Logger;
  translator(): Translator;
  /** Re-renders the tray (a preference changed). */
  refresh(): void;
}

/** "Log out of Print Management" deletes held jobs: asked first, never by accident. */
async function signOut(d: CommandDeps): Promise<void> {
  const tr = d.translator();
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    message: tr.t('signOut.confirm.message'),
    detail: tr.t('signOut.confirm.detail'),
    buttons: [tr.t('signOut.confirm.ok'), tr.t('signOut.confirm.cancel')],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  });
  if (response !== 0) return;
  try {
    await d.facade.signOut();
  } catch (err) {
    const e = toCallError(err);
    d.logger.error('logout failed', { code: e.code });
    dialog.showErrorBox(tr.t('tray.menu.signOut'), tr.t('signOut.failed', { message: tr.error(e.code, e.message) }));
  }
}

export function runTrayCommand(d: CommandDeps, command: TrayCommand): void {
  switch (command) {
    case 'sign-in': d.windows.show('sign-in'); return;
    case 'sign-out': drop(signOut(d), (err) => d.logger.error('logout dialog failed', { err })); return;
    case 'open-jobs': d.windows.show('jobs'); return;
    case 'about': d.windows.show('about'); return;
    case 'toggle-notifications':
      d.preferences.set('notifications', !d.preferences.get().notifications);
      d.refresh();
      return;
    case 'toggle-open-at-login': {
      const on = !d.preferences.get().openAtLogin;
      d.preferences.set('openAtLogin', on);
      if (d.openAtLoginSupported) app.setLoginItemSettings({ openAtLogin: on });
      d.refresh();
      return;
    }
    case 'quit': app.quit(); return;
    default: assertNever(command, 'tray command');
  }
}
