// The Electron shell's entry point: the only folder allowed to import electron. It runs
// the same Engine as `pullprint serve` in the main process. The tray, windows and
// notifications build on this (see docs/architecture.md).

import { app } from 'electron';
import { loadConfig } from '../config/index.js';
import { Engine } from '../core/engine.js';
import { createLogger } from '../log/logger.js';
import { startControlServer } from '../control/server.js';
import type { ControlServer } from '../control/server.js';
import { engineMethods } from '../control/methods.js';
import { controlSocketPath } from '../control/socket-path.js';

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const config = await loadConfig({ env: process.env });
  const logger = createLogger({ file: config.logger.logFilePath, loggingEnabled: config.logger.loggingEnabled });
  const engine = new Engine({ config, logger });
  let control: ControlServer | null = null;
  let quitting = false;
  app.on('window-all-closed', () => {
    // A tray application keeps running without windows.
  });
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void (async () => {
      await control?.close();
      await engine.stop();
      await logger.close();
      app.exit(0);
    })();
  });
  await app.whenReady();
  await engine.start();
  control = await startControlServer(controlSocketPath(config.paths.dataDir), engineMethods(engine), logger);
}

main().catch((err: unknown) => {
  console.error('PullPrint failed to start:', err instanceof Error ? err.message : err);
  app.exit(1);
});
