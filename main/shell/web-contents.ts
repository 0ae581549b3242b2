// Electron's webContents and session seen through the policy's ports
// (main/ui/web-contents-policy.ts), applied to every webContents the app creates.

import type { App, Session, WebContents } from 'electron';
import type { Logger } from '../log/types.js';
import { assertNever } from '../util/errors.js';
import { hardenSession, hardenWebContents, type PolicyOptions, type SessionPort, type WebContentsPort } from '../ui/web-contents-policy.js';

export function webContentsPort(contents: WebContents): WebContentsPort {
  return {
    // One call per event: Electron's typed overloads differ in their listener arguments.
    on: (event, listener) => {
      switch (event) {
        case 'will-navigate': return contents.on('will-navigate', (e, ...rest: unknown[]) => listener(e, ...rest));
        case 'will-redirect': return contents.on('will-redirect', (e, ...rest: unknown[]) => listener(e, ...rest));
        case 'will-frame-navigate': return contents.on('will-frame-navigate', (e) => listener(e));
        case 'will-attach-webview': return contents.on('will-attach-webview', (e, ...rest: unknown[]) => listener(e, ...rest));
        default: return assertNever(event, 'guarded event');
      }
    },
    setWindowOpenHandler: (handler) => contents.setWindowOpenHandler(handler),
  };
}

export function sessionPort(session: Session): SessionPort {
  return {
    setPermissionRequestHandler: (h) => session.setPermissionRequestHandler((wc, permission, callback) => h(wc, permission, callback)),
    setPermissionCheckHandler: (h) => session.setPermissionCheckHandler((wc, permission) => h(wc, permission)),
    setDevicePermissionHandler: (h) => session.setDevicePermissionHandler((details) => h(details)),
    on: (event, listener) => session.on(event, (e) => listener(e)),
  };
}

/** The app-wide backstop (GitHub Desktop's web-contents-created): no webContents escapes the policy. */
export function hardenEverything(app: App, session: Session, opts: PolicyOptions, logger: Logger): void {
  hardenSession(sessionPort(session), logger);
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(webContentsPort(contents), opts);
  });
}
