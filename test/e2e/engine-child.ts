// An Engine in its own process, for the crash-safety test: it can be killed with SIGKILL
// at any instant, like a machine losing power or the OS ending the tray app.
//
//   node --import tsx test/e2e/engine-child.ts CONFIG_PATH DATA_DIR LISTING_PATH
//
// Starts the Engine (start-up recovery included) from the configuration file, writes the
// jobs it lists after start-up to LISTING_PATH as JSON, prints `READY <port>` on stdout,
// then runs until killed. SIGTERM stops it cleanly and exits 0.
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../../main/config/index.js';
import { Engine } from '../../main/core/engine.js';
import { createLogger } from '../../main/log/logger.js';

export interface ListedJob {
  id: string;
  seq: number;
  sha256: string;
  size: number;
  file: string;
  protocol: string;
  state: string;
}

const [configPath, dataDir, listingPath] = process.argv.slice(2);
if (!configPath || !dataDir || !listingPath) {
  process.stderr.write('usage: engine-child.ts CONFIG_PATH DATA_DIR LISTING_PATH\n');
  process.exit(2);
}

const config = await loadConfig({ configPath, dataDir, env: {} });
const logger = createLogger({ file: config.logger.logFilePath, loggingEnabled: config.logger.loggingEnabled });
const engine = new Engine({ config, logger });
await engine.start();
const listed: ListedJob[] = engine.listJobs().map((j) => ({
  id: j.id, seq: j.seq, sha256: j.sha256, size: j.size, file: j.file, protocol: j.protocol, state: j.state,
}));
await writeFile(listingPath, JSON.stringify(listed));
const port = engine.snapshot().modes[0]?.capturePort ?? 0;
process.stdout.write(`READY ${port}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await engine.stop();
    await logger.close();
    process.exit(0);
  })();
});
