// What our pages may do beyond showing themselves: nothing. Navigation and redirects
// are cancelled, window.open is denied (an allow-listed https link opens in the system
// browser instead), <webview> cannot attach, downloads are cancelled, and every
// permission request or check is refused (STYLE: Signal's handleCommonWindowEvents,
// VS Code's configureSession, GitHub Desktop's app-wide web-contents-created backstop).
// Ports instead of Electron types, so the policy is tested under Node.

import type { Logger } from '../log/types.js';

export interface PreventableEvent {
  preventDefault(): void;
}

export type GuardedEvent = 'will-navigate' | 'will-redirect' | 'will-frame-navigate' | 'will-attach-webview';
export const GUARDED_EVENTS: readonly GuardedEvent[] = ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview'];

export interface WebContentsPort {
  on(event: GuardedEvent, listener: (event: PreventableEvent, ...rest: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface SessionPort {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  on(event: 'will-download', listener: (event: PreventableEvent) => void): unknown;
}

export interface PolicyOptions {
  /** Opens a URL in the system browser (shell.openExternal). */
  openExternal?(url: string): void;
  /** Exact https URLs our pages link to (help, licence). */
  readonly externalAllowList?: readonly string[];
  readonly logger: Logger;
}

/** Only https, no credentials, and only URLs on the allow list. */
export function isAllowedExternal(url: string, allowList: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && allowList.includes(u.href);
}

function urlForLog(url: unknown): string {
  // Scheme and host only: query strings may carry codes or tokens.
  try {
    const u = new URL(String(url));
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparsable)';
  }
}

export function hardenWebContents(contents: WebContentsPort, opts: PolicyOptions): void {
  const log = opts.logger.child('window-policy');
  for (const name of GUARDED_EVENTS) {
    contents.on(name, (event, ...rest) => {
      event.preventDefault();
      // Electron 45 puts the URL on the event (details); older signatures pass it as an argument.
      const url = (event as { url?: unknown }).url ?? (typeof rest[0] === 'string' ? rest[0] : (rest[0] as { url?: string } | undefined)?.url);
      log.warn(`${name} blocked`, { to: urlForLog(url) });
    });
  }
  contents.setWindowOpenHandler(({ url }) => {
    if (opts.openExternal && isAllowedExternal(url, opts.externalAllowList ?? [])) opts.openExternal(url);
    else log.warn('window.open denied', { to: urlForLog(url) });
    return { action: 'deny' };
  });
}

export function hardenSession(session: SessionPort, logger: Logger): void {
  const log = logger.child('window-policy');
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    log.warn('permission request denied', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => {
    event.preventDefault();
    log.warn('download cancelled');
  });
}
