// The Electron shell's composition root (STYLE "one composition root"): the only place
// that builds the tray application from the engine. Thin by design: every decision lives
// in main/ui (tested under Node); this file wires Electron to it, in order:
// single-instance lock, configuration and logger, app ready, window and session policy,
// pages' scheme, engine (with power and browser ports), control channel, facade, IPC,
// windows, tray, notifications. `PullPrint --cli …` runs the command line instead
// (installers use it: the RunAsNode fuse is off).

import { app, dialog, session, shell } from 'electron';
import { join } from 'node:path';
import { runCli } from '../cli/program.js';
import { processIo } from '../cli/output.js';
import { loadConfig } from '../config/index.js';
import type { Config } from '../config/types.js';
import { engineMethods } from '../control/methods.js';
import { startControlServer, type ControlServer } from '../control/server.js';
import { controlSocketPath } from '../control/socket-path.js';
import { Engine } from '../core/engine.js';
import { createLogger } from '../log/logger.js';
import { createAppFacade, type AppFacade } from '../ui/app-facade.js';
import { APP_ORIGIN } from '../ui/app-protocol.js';
import { cliArgsOf } from '../ui/cli-dispatch.js';
import { engineFacadeDeps } from '../ui/engine-facade-deps.js';
import { lifespansOf } from '../ui/expiry.js';
import { facadeHandlers } from '../ui/facade-handlers.js';
import { resolveLocale, translator } from '../ui/i18n/translate.js';
import { STATE_CHANGED } from '../ui/ipc-contract.js';
import { registerIpcHandlers } from '../ui/ipc-handlers.js';
import { expiryNotices, noticeForEvent, type Notice, type NoticeSwitches } from '../ui/notifications.js';
import { drop, errorCode } from '../util/errors.js';
import { registerAppScheme, serveAppScheme } from './app-scheme.js';
import { runTrayCommand, type CommandDeps } from './commands.js';
import { electronIpcPort } from './ipc.js';
import { Notifier } from './notifier.js';
import { ElectronPowerEvents } from './power.js';
import { PreferencesStore } from './preferences-store.js';
import { TrayController } from './tray.js';
import { hardenEverything } from './web-contents.js';
import { WindowManager } from './windows.js';

/** Links our pages may open in the system browser. */
const EXTERNAL_LINKS: readonly string[] = [];
const EXPIRY_CHECK_MS = 60_000;
/** Long enough to read "You are signed in." before the dialog goes. */
const SIGNED_IN_CLOSE_MS = 1200;

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => resolve(sig);
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });
}

async function runCommandLine(args: string[]): Promise<void> {
  app.dock?.hide();
  const code = await runCli(args, { io: processIo, env: process.env, stopSignal });
  app.exit(code);
}

async function startEngine(config: Config, engine: Engine, log: ReturnType<typeof createLogger>): Promise<ControlServer | null> {
  try {
    await engine.start();
    return await startControlServer(controlSocketPath(config.paths.dataDir), engineMethods(engine), log);
  } catch (err) {
    // The tray still starts: it shows the problem, and About says where the log is.
    log.critical('the engine did not start', { code: errorCode(err), err });
    const tr = translator(resolveLocale([app.getLocale()]));
    dialog.showErrorBox(tr.t('startup.failed.title'), tr.t('startup.failed.body', { message: err instanceof Error ? err.message : String(err) }));
    return null;
  }
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let config: Config;
  try {
    config = await loadConfig({ env: process.env });
  } catch (err) {
    // An administrator's mistake in configuration.xml: say so on screen, not only on stderr.
    await app.whenReady();
    const tr = translator(resolveLocale([app.getLocale()]));
    dialog.showErrorBox(tr.t('startup.config.title'), err instanceof Error ? err.message : String(err));
    app.exit(1);
    return;
  }
  const logger = createLogger({ file: config.logger.logFilePath, loggingEnabled: config.logger.loggingEnabled });
  const log = logger.child('shell');
  for (const w of config.warnings) log.warn(`configuration: ${w}`);
  app.on('window-all-closed', () => {
    // A tray application keeps running without windows.
  });

  await app.whenReady();
  app.dock?.hide();
  const locale = resolveLocale([app.getLocale(), ...app.getPreferredSystemLanguages()]);
  const tr = translator(locale);
  const appRoot = app.getAppPath();
  hardenEverything(app, session.defaultSession, { openExternal: (url) => drop(shell.openExternal(url)), externalAllowList: EXTERNAL_LINKS, logger }, logger);
  serveAppScheme(session.defaultSession, { static: appRoot, code: join(appRoot, 'dist') }, logger);

  const preferences = new PreferencesStore();
  const openAtLoginSupported = process.platform === 'win32' || process.platform === 'darwin';
  if (openAtLoginSupported) app.setLoginItemSettings({ openAtLogin: preferences.get().openAtLogin });

  const engine = new Engine({
    config,
    logger,
    ports: {
      identity: { openUrl: (url) => shell.openExternal(url) },
      directory: { power: new ElectronPowerEvents() },
    },
  });
  const control = await startEngine(config, engine, logger);
  const facade: AppFacade = createAppFacade({
    engine,
    ...engineFacadeDeps(engine),
    lifespans: lifespansOf(config),
    runtime: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
  });

  const windows = new WindowManager({ preloadPath: join(appRoot, 'dist', 'preload', 'preload.js'), devTools: !app.isPackaged, translator: () => tr });
  const offIpc = registerIpcHandlers(electronIpcPort(), facadeHandlers(facade), { origin: APP_ORIGIN, isOurWebContents: (id) => windows.isOurs(id) }, logger);

  const tray = new TrayController({
    facade,
    options: { notificationsAllowed: config.displayNotifications, openAtLoginSupported },
    preferences: () => preferences.get(),
    translator: () => tr,
    run: (command) => runTrayCommand(commandDeps, command),
  });
  const commandDeps: CommandDeps = {
    facade, windows, preferences, openAtLoginSupported, logger: log, translator: () => tr, refresh: () => tray.render(),
  };

  // State to the pages; the sign-in dialog closes itself once the sign-in succeeded.
  let lastSession = facade.snapshot().session.state;
  facade.onChange(() => {
    const state = facade.snapshot();
    windows.send(STATE_CHANGED, state);
    if (state.session.state === 'signed-in' && lastSession !== 'signed-in' && windows.isOpen('sign-in')) {
      setTimeout(() => windows.close('sign-in'), SIGNED_IN_CLOSE_MS);
    }
    lastSession = state.session.state;
  });

  const switches = (): NoticeSwitches => ({ allowedByAdministrator: config.displayNotifications, wantedByUser: preferences.get().notifications });
  const notifier = new Notifier((n: Notice) => windows.show(n.action === 'sign-in' ? 'sign-in' : 'jobs'));
  const offEvents = engine.events.on((e) => {
    const notice = noticeForEvent(e, switches(), tr);
    if (notice) notifier.show(notice);
    // "Only when needed" (SPEC §4): a job waits for a sign-in, or the stored one stopped working.
    if (e.type === 'sign-in-required') windows.show('sign-in');
  });
  const warned = new Set<string>();
  const timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const expiryTimer = setInterval(() => {
    if (engine.status !== 'running') return;
    for (const n of expiryNotices({ jobs: engine.listJobs(), lifespans: lifespansOf(config), now: new Date(), alreadyWarned: warned, formatTime: (d) => timeFormat.format(d) }, switches(), tr)) {
      warned.add(n.jobId);
      notifier.show(n);
    }
  }, EXPIRY_CHECK_MS);

  tray.start();
  app.on('second-instance', () => windows.show('jobs'));

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    drop((async () => {
      clearInterval(expiryTimer);
      offEvents();
      offIpc();
      tray.stop();
      facade.dispose();
      await control?.close();
      await engine.stop();
      await logger.close();
    })().finally(() => app.exit(0)));
  });
}

const cliArgs = cliArgsOf(process.argv);
if (cliArgs) {
  drop(runCommandLine(cliArgs), () => app.exit(1));
} else {
  // Before 'ready', as Electron requires for privileged schemes.
  registerAppScheme();
  main().catch((err: unknown) => {
    console.error('PullPrint failed to start:', err instanceof Error ? err.message : err);
    app.exit(1);
  });
}
