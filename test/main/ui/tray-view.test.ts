import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { translator } from '../../../main/ui/i18n/translate.js';
import { trayIconState, trayView, type MenuEntry, type TrayCommand } from '../../../main/ui/tray-view.js';
import { uiState } from './fixtures.js';

const en = translator('en');
const fr = translator('fr');
const prefs = { notifications: true, openAtLogin: false };
const opts = { notificationsAllowed: true, openAtLoginSupported: true };

const statusLabels = (m: readonly MenuEntry[]): string[] => m.flatMap((e) => (e.kind === 'status' ? [e.label] : []));
const actions = (m: readonly MenuEntry[]): TrayCommand[] => m.flatMap((e) => (e.kind === 'action' || e.kind === 'checkbox' ? [e.id] : []));
const entry = (m: readonly MenuEntry[], id: TrayCommand): MenuEntry | undefined => m.find((e) => (e.kind === 'action' || e.kind === 'checkbox') && e.id === id);

describe('tray state → icon, tooltip and menu', () => {
  test('signed out: sign-in offered, no logout', () => {
    const v = trayView(uiState({ session: { user: null, state: 'signed-out' } }), prefs, opts, en);
    assert.equal(v.icon, 'signed-out');
    assert.equal(v.tooltip, 'PullPrint: not signed in');
    assert.deepEqual(statusLabels(v.menu), ['Not signed in', 'No held jobs']);
    assert.deepEqual(actions(v.menu), ['sign-in', 'open-jobs', 'toggle-notifications', 'toggle-open-at-login', 'about', 'quit']);
  });

  test('signed in and idle: logout offered ("Log out of Print Management"), no sign-in', () => {
    const v = trayView(uiState(), prefs, opts, en);
    assert.equal(v.icon, 'idle');
    assert.equal(v.tooltip, 'PullPrint: no held jobs');
    assert.deepEqual(statusLabels(v.menu), ['Signed in as alice@example.com', 'No held jobs']);
    assert.deepEqual(actions(v.menu), ['open-jobs', 'sign-out', 'toggle-notifications', 'toggle-open-at-login', 'about', 'quit']);
    assert.equal((entry(v.menu, 'sign-out') as { label: string }).label, 'Log out of Print Management');
  });

  test('held jobs: count in icon state, tooltip and status (plural forms per language)', () => {
    const one = trayView(uiState({ jobs: { held: 1 } }), prefs, opts, en);
    assert.equal(one.icon, 'held');
    assert.equal(one.tooltip, 'PullPrint: 1 held job');
    assert.ok(statusLabels(one.menu).includes('1 held job'));
    const three = trayView(uiState({ jobs: { held: 2, kept: 1 } }), prefs, opts, en);
    assert.equal(three.tooltip, 'PullPrint: 3 held jobs');
    assert.equal(trayView(uiState({ jobs: { held: 3 } }), prefs, opts, fr).tooltip, 'PullPrint : 3 travaux en attente');
    assert.equal(trayView(uiState({ jobs: { held: 1 } }), prefs, opts, fr).tooltip, 'PullPrint : 1 travail en attente');
  });

  test('uploading wins over held', () => {
    const v = trayView(uiState({ jobs: { held: 4, uploading: 1, queued: 1 } }), prefs, opts, en);
    assert.equal(v.icon, 'uploading');
    assert.equal(v.tooltip, 'PullPrint: sending 2 jobs');
    assert.deepEqual(statusLabels(v.menu), ['Signed in as alice@example.com', 'Sending 2 jobs…', '4 held jobs']);
  });

  test('attention: failed jobs, engine problem, stopped engine, sign-in required, jobs waiting while signed out', () => {
    const cases = [
      { s: uiState({ jobs: { failed: 2, held: 1 } }), line: '2 jobs could not be sent' },
      { s: uiState({ problem: { code: 'DISK_FULL', message: 'no space left on device' } }), line: 'Problem: Something went wrong: no space left on device' },
      { s: uiState({ problem: { code: 'IDP_UNREACHABLE', message: 'x' } }), line: 'Problem: The sign-in service cannot be reached. Check your network connection and try again.' },
      { s: uiState({ engine: 'stopped' }), line: 'Print capture is not running' },
      { s: uiState({ session: { user: 'alice@example.com', state: 'sign-in-required' } }), line: 'Sign-in required' },
      { s: uiState({ session: { user: null, state: 'signed-out' }, jobs: { waitingForSignIn: 1 } }), line: '1 job waits for you to sign in' },
    ];
    for (const c of cases) {
      const v = trayView(c.s, prefs, opts, en);
      assert.equal(v.icon, 'attention', c.line);
      assert.equal(v.tooltip, 'PullPrint needs your attention');
      assert.ok(statusLabels(v.menu).includes(c.line), `${c.line} in ${statusLabels(v.menu).join(' | ')}`);
    }
    // Signing in again is offered when required; held jobs cannot be opened with the engine stopped.
    assert.ok(entry(trayView(cases[4].s, prefs, opts, en).menu, 'sign-in'));
    assert.deepEqual(entry(trayView(cases[3].s, prefs, opts, en).menu, 'open-jobs'), { kind: 'action', id: 'open-jobs', label: 'Held jobs…', enabled: false });
  });

  test('no identity provider: no sign-in line or items at all; waiting jobs alone are not "attention"', () => {
    const v = trayView(uiState({ signInAvailable: false, session: { user: null, state: 'signed-out' }, jobs: { held: 2 } }), prefs, opts, en);
    assert.equal(v.icon, 'held');
    assert.deepEqual(statusLabels(v.menu), ['2 held jobs']);
    assert.equal(entry(v.menu, 'sign-in'), undefined);
    assert.equal(entry(v.menu, 'sign-out'), undefined);
  });

  test('signing in: the item is there but disabled (no second dialog)', () => {
    const v = trayView(uiState({ session: { user: 'alice@example.com', state: 'signing-in' } }), prefs, opts, en);
    assert.deepEqual(entry(v.menu, 'sign-in'), { kind: 'action', id: 'sign-in', label: 'Sign in…', enabled: false });
  });

  test('preferences become checkboxes; hidden when the administrator or the OS does not allow them', () => {
    const v = trayView(uiState(), { notifications: false, openAtLogin: true }, opts, en);
    assert.deepEqual(entry(v.menu, 'toggle-notifications'), { kind: 'checkbox', id: 'toggle-notifications', label: 'Show notifications', checked: false });
    assert.deepEqual(entry(v.menu, 'toggle-open-at-login'), { kind: 'checkbox', id: 'toggle-open-at-login', label: 'Start PullPrint at login', checked: true });
    const none = trayView(uiState(), prefs, { notificationsAllowed: false, openAtLoginSupported: false }, en);
    assert.equal(entry(none.menu, 'toggle-notifications'), undefined);
    assert.equal(entry(none.menu, 'toggle-open-at-login'), undefined);
  });

  test('French menu', () => {
    const v = trayView(uiState(), prefs, opts, fr);
    assert.equal((entry(v.menu, 'sign-out') as { label: string }).label, 'Déconnexion d\'infogérance d\'impression');
    assert.equal((entry(v.menu, 'quit') as { label: string }).label, 'Quitter PullPrint');
  });

  test('same state, same view (the shell re-renders idempotently); the menu never starts or ends with a separator', () => {
    const s = uiState({ jobs: { held: 2, failed: 1 } });
    assert.deepEqual(trayView(s, prefs, opts, en), trayView(s, prefs, opts, en));
    for (const st of [uiState(), uiState({ engine: 'stopped', signInAvailable: false })]) {
      const m = trayView(st, prefs, opts, en).menu;
      assert.notEqual(m[0].kind, 'separator');
      assert.notEqual(m[m.length - 1].kind, 'separator');
      for (let i = 1; i < m.length; i += 1) assert.ok(!(m[i].kind === 'separator' && m[i - 1].kind === 'separator'), 'no double separators');
    }
  });

  test('icon state priority is total: every combination gives exactly one state', () => {
    const states = new Set<string>();
    for (const engine of ['running', 'stopped'] as const) {
      for (const session of ['signed-in', 'signed-out', 'sign-in-required'] as const) {
        for (const held of [0, 1]) {
          for (const uploading of [0, 1]) {
            for (const failed of [0, 1]) {
              const s = uiState({ engine, session: { user: null, state: session }, jobs: { held, uploading, failed } });
              const icon = trayIconState(s);
              states.add(icon);
              if (engine === 'stopped' || failed || session === 'sign-in-required') assert.equal(icon, 'attention');
            }
          }
        }
      }
    }
    assert.deepEqual([...states].sort(), ['attention', 'held', 'idle', 'signed-out', 'uploading']);
  });
});
