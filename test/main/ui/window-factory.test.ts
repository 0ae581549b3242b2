import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Logger } from '../../../main/log/types.js';
import { WINDOWS, windowOptions, type WindowKind } from '../../../main/ui/window-factory.js';
import {
  GUARDED_EVENTS, hardenSession, hardenWebContents, isAllowedExternal,
  type PreventableEvent, type SessionPort, type WebContentsPort,
} from '../../../main/ui/web-contents-policy.js';

function logger(lines: string[]): Logger {
  const l: Logger = {
    critical: (m) => lines.push(m), error: (m) => lines.push(m), warn: (m, meta) => lines.push(`${m} ${JSON.stringify(meta ?? {})}`),
    info: () => undefined, debug: () => undefined, child: () => l,
  };
  return l;
}

class Ev implements PreventableEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

/** A webContents for the policy: real EventEmitter dispatch, the window-open handler kept. */
class FakeWebContents extends EventEmitter implements WebContentsPort {
  openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }): void {
    this.openHandler = h;
  }
}

class FakeSession extends EventEmitter implements SessionPort {
  request: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null = null;
  check: ((wc: unknown, permission: string) => boolean) | null = null;
  device: ((d: unknown) => boolean) | null = null;
  setPermissionRequestHandler(h: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void): void {
    this.request = h;
  }
  setPermissionCheckHandler(h: (wc: unknown, permission: string) => boolean): void {
    this.check = h;
  }
  setDevicePermissionHandler(h: (d: unknown) => boolean): void {
    this.device = h;
  }
}

describe('window factory', () => {
  test('every window: sandbox, context isolation, no Node, no webview, our preload, hidden until ready', () => {
    for (const kind of Object.keys(WINDOWS) as WindowKind[]) {
      const o = windowOptions(kind, { preloadPath: '/app/dist/preload/preload.js', title: 't', devTools: false });
      assert.deepEqual(o.webPreferences, {
        preload: '/app/dist/preload/preload.js',
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
        devTools: false,
      }, kind);
      assert.equal(o.show, false);
      assert.equal(o.fullscreenable, false);
      assert.ok(o.minWidth <= o.width && o.minHeight <= o.height);
    }
    assert.equal(windowOptions('sign-in', { preloadPath: '/p', title: 'Sign in', devTools: true }).resizable, false);
    assert.equal(windowOptions('jobs', { preloadPath: '/p', title: 'Jobs', devTools: true }).webPreferences.devTools, true);
    assert.throws(() => windowOptions('about', { preloadPath: '', title: 'x', devTools: false }), TypeError);
  });
});

describe('web contents policy', () => {
  test('navigation, redirects, frame navigation and <webview> are all cancelled and logged without query strings', () => {
    const lines: string[] = [];
    const wc = new FakeWebContents();
    hardenWebContents(wc, { logger: logger(lines) });
    for (const name of GUARDED_EVENTS) {
      const e = new Ev();
      wc.emit(name, e, 'https://evil.example/steal?token=abc');
      assert.equal(e.prevented, true, name);
    }
    // Electron 45 passes will-frame-navigate a details event carrying the URL, and nothing else.
    const e = Object.assign(new Ev(), { url: 'https://other.example/page?code=xyz' });
    wc.emit('will-frame-navigate', e);
    assert.equal(e.prevented, true);
    assert.equal(lines.length, GUARDED_EVENTS.length + 1);
    assert.match(lines[lines.length - 1], /https:\/\/other\.example/);
    assert.doesNotMatch(lines.join('\n'), /code=xyz/);
    assert.ok(lines.every((l) => !l.includes('token=abc')));
  });

  test('window.open is always denied; only allow-listed https links go to the system browser', () => {
    const opened: string[] = [];
    const wc = new FakeWebContents();
    const allow = ['https://pullprint.example/help'];
    hardenWebContents(wc, { logger: logger([]), openExternal: (u) => opened.push(u), externalAllowList: allow });
    const open = wc.openHandler as NonNullable<FakeWebContents['openHandler']>;
    for (const url of ['https://pullprint.example/help', 'https://evil.example/', 'http://pullprint.example/help', 'file:///etc/passwd',
      'javascript:alert(1)', 'https://user:pw@pullprint.example/help', 'pullprint://app/renderer/jobs.html', 'not a url']) {
      assert.deepEqual(open({ url }), { action: 'deny' }, url);
    }
    assert.deepEqual(opened, ['https://pullprint.example/help']);
  });

  test('isAllowedExternal: exact https URLs only', () => {
    assert.equal(isAllowedExternal('https://a.example/x', ['https://a.example/x']), true);
    assert.equal(isAllowedExternal('https://a.example/x?y', ['https://a.example/x']), false);
    assert.equal(isAllowedExternal('http://a.example/x', ['http://a.example/x']), false);
  });

  test('permission requests and checks are refused, device access too, downloads cancelled', () => {
    const s = new FakeSession();
    const lines: string[] = [];
    hardenSession(s, logger(lines));
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'pointerLock', 'hid', 'serial']) {
      let answer: boolean | null = null;
      (s.request as NonNullable<FakeSession['request']>)({}, permission, (g) => {
        answer = g;
      });
      assert.equal(answer, false, permission);
      assert.equal((s.check as NonNullable<FakeSession['check']>)({}, permission), false);
    }
    assert.equal((s.device as NonNullable<FakeSession['device']>)({ deviceType: 'usb' }), false);
    const e = new Ev();
    s.emit('will-download', e);
    assert.equal(e.prevented, true);
    assert.ok(lines.some((l) => l.startsWith('permission request denied') && l.includes('geolocation')));
  });
});
