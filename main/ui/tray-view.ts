// The tray drawn from state (STYLE "the tray is drawn from state"): UiState and the
// user's preferences in, icon state, tooltip and a plain menu template out. The shell
// turns the template into an Electron Menu and maps each command id to an action, and
// re-renders on every change; the same state always gives the same view.

import type { Translator } from './i18n/translate.js';
import type { UiState } from './ui-state.js';

export type TrayIconState = 'signed-out' | 'idle' | 'held' | 'uploading' | 'attention';

export type TrayCommand =
  | 'sign-in'
  | 'sign-out'
  | 'open-jobs'
  | 'toggle-notifications'
  | 'toggle-open-at-login'
  | 'about'
  | 'quit';

export type MenuEntry =
  | { readonly kind: 'status'; readonly label: string }
  | { readonly kind: 'action'; readonly id: TrayCommand; readonly label: string; readonly enabled: boolean }
  | { readonly kind: 'checkbox'; readonly id: TrayCommand; readonly label: string; readonly checked: boolean }
  | { readonly kind: 'separator' };

export interface TrayPreferences {
  readonly notifications: boolean;
  readonly openAtLogin: boolean;
}

export interface TrayOptions {
  /** The administrator's DisplayNotifications: when false the user has no switch to show. */
  readonly notificationsAllowed: boolean;
  /** Login items exist on Windows and macOS; on Linux the desktop's autostart does it. */
  readonly openAtLoginSupported: boolean;
}

export interface TrayView {
  readonly icon: TrayIconState;
  readonly tooltip: string;
  readonly menu: readonly MenuEntry[];
}

function needsAttention(s: UiState): boolean {
  return s.engine !== 'running'
    || s.problem !== null
    || s.jobs.failed > 0
    || s.session.state === 'sign-in-required'
    || (s.jobs.waitingForSignIn > 0 && s.signInAvailable && s.session.state !== 'signed-in');
}

/** Worst first: something to fix, then no sign-in, then work in progress, then held jobs. */
export function trayIconState(s: UiState): TrayIconState {
  if (needsAttention(s)) return 'attention';
  if (s.signInAvailable && s.session.state !== 'signed-in') return 'signed-out';
  if (s.jobs.uploading + s.jobs.queued > 0) return 'uploading';
  if (s.jobs.held + s.jobs.kept > 0) return 'held';
  return 'idle';
}

function tooltip(s: UiState, icon: TrayIconState, tr: Translator): string {
  switch (icon) {
    case 'attention': return tr.t('tray.tooltip.attention');
    case 'signed-out': return tr.t('tray.tooltip.signedOut');
    case 'uploading': return tr.plural('tray.tooltip.uploading', s.jobs.uploading + s.jobs.queued);
    case 'held': return tr.plural('tray.tooltip.held', s.jobs.held + s.jobs.kept);
    case 'idle': return tr.t('tray.tooltip.idle');
  }
}

/** Disabled lines at the top of the menu saying what is going on, most important first. */
function statusLines(s: UiState, tr: Translator): string[] {
  const lines: string[] = [];
  if (s.signInAvailable) {
    if (s.session.state === 'sign-in-required') lines.push(tr.t('tray.status.signInRequired'));
    else if (s.session.state === 'signed-in' && s.session.user) lines.push(tr.t('tray.status.signedInAs', { user: s.session.user }));
    else lines.push(tr.t('tray.status.notSignedIn'));
  }
  if (s.engine !== 'running') lines.push(tr.t('tray.status.engineStopped'));
  if (s.problem) lines.push(tr.t('tray.status.error', { message: tr.error(s.problem.code, s.problem.message) }));
  if (s.jobs.failed > 0) lines.push(tr.plural('tray.status.failed', s.jobs.failed));
  if (s.jobs.waitingForSignIn > 0) lines.push(tr.plural('tray.status.waiting', s.jobs.waitingForSignIn));
  const sending = s.jobs.uploading + s.jobs.queued;
  if (sending > 0) lines.push(tr.plural('tray.status.uploading', sending));
  const held = s.jobs.held + s.jobs.kept;
  lines.push(held > 0 ? tr.plural('tray.status.held', held) : tr.t('tray.status.noHeld'));
  return lines;
}

export function trayView(s: UiState, prefs: TrayPreferences, opts: TrayOptions, tr: Translator): TrayView {
  const icon = trayIconState(s);
  const menu: MenuEntry[] = statusLines(s, tr).map((label) => ({ kind: 'status', label }));
  menu.push({ kind: 'separator' });
  if (s.signInAvailable && s.session.state !== 'signed-in') {
    menu.push({ kind: 'action', id: 'sign-in', label: tr.t('tray.menu.signIn'), enabled: s.session.state !== 'signing-in' });
  }
  menu.push({ kind: 'action', id: 'open-jobs', label: tr.t('tray.menu.jobs'), enabled: s.engine === 'running' });
  if (s.signInAvailable && s.session.state === 'signed-in') {
    menu.push({ kind: 'separator' });
    menu.push({ kind: 'action', id: 'sign-out', label: tr.t('tray.menu.signOut'), enabled: true });
  }
  menu.push({ kind: 'separator' });
  if (opts.notificationsAllowed) {
    menu.push({ kind: 'checkbox', id: 'toggle-notifications', label: tr.t('tray.menu.notifications'), checked: prefs.notifications });
  }
  if (opts.openAtLoginSupported) {
    menu.push({ kind: 'checkbox', id: 'toggle-open-at-login', label: tr.t('tray.menu.openAtLogin'), checked: prefs.openAtLogin });
  }
  menu.push({ kind: 'action', id: 'about', label: tr.t('tray.menu.about'), enabled: true });
  menu.push({ kind: 'separator' });
  menu.push({ kind: 'action', id: 'quit', label: tr.t('tray.menu.quit'), enabled: true });
  return { icon, tooltip: tooltip(s, icon, tr), menu };
}
