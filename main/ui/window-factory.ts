// Options of every window we open, secure by construction (STYLE "Secure windows by
// construction"): sandboxed renderer, context isolation, no Node in the page, no
// webview, our preload only. The shell passes windowOptions() to new BrowserWindow and
// nothing else builds window options, so no window can be opened with weaker ones.

import type { MessageKey } from './i18n/translate.js';

export type WindowKind = 'sign-in' | 'jobs' | 'about';

export interface WindowSpec {
  readonly page: string;
  readonly titleKey: MessageKey;
  readonly width: number;
  readonly height: number;
  readonly resizable: boolean;
}

export const WINDOWS: Readonly<Record<WindowKind, WindowSpec>> = {
  'sign-in': { page: 'sign-in.html', titleKey: 'signIn.title', width: 440, height: 560, resizable: false },
  jobs: { page: 'jobs.html', titleKey: 'jobs.title', width: 820, height: 560, resizable: true },
  about: { page: 'about.html', titleKey: 'about.title', width: 520, height: 520, resizable: false },
};

/** The subset of Electron's WebPreferences we set; every security-relevant one explicitly. */
export interface SecureWebPreferences {
  readonly preload: string;
  readonly sandbox: true;
  readonly contextIsolation: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly webviewTag: false;
  readonly navigateOnDragDrop: false;
  readonly safeDialogs: true;
  readonly spellcheck: false;
  readonly devTools: boolean;
}

export interface WindowOptions {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly resizable: boolean;
  readonly minimizable: boolean;
  readonly maximizable: boolean;
  readonly fullscreenable: false;
  /** Shown on 'ready-to-show', so no blank window flashes. */
  readonly show: false;
  readonly autoHideMenuBar: true;
  readonly backgroundColor: string;
  readonly webPreferences: SecureWebPreferences;
}

export interface WindowOptionsInput {
  /** Absolute path of the compiled preload (CommonJS: sandboxed preloads cannot be ES modules). */
  readonly preloadPath: string;
  readonly title: string;
  /** Developer tools: only in unpackaged development runs. */
  readonly devTools: boolean;
}

export function windowOptions(kind: WindowKind, input: WindowOptionsInput): WindowOptions {
  const spec = WINDOWS[kind];
  if (!input.preloadPath) throw new TypeError('a window needs the preload path');
  return {
    title: input.title,
    width: spec.width,
    height: spec.height,
    minWidth: Math.min(spec.width, 360),
    minHeight: Math.min(spec.height, 320),
    resizable: spec.resizable,
    minimizable: kind === 'jobs',
    maximizable: spec.resizable,
    fullscreenable: false,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: input.preloadPath,
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
      devTools: input.devTools,
    },
  };
}
