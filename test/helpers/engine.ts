// Starts a real Engine for integration tests and benchmarks: a configuration file in a
// temporary folder, capture on free loopback ports, logs in the temporary folder.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../main/config/index.js';
import type { Config, ModeKind } from '../../main/config/types.js';
import { Engine } from '../../main/core/engine.js';
import type { EngineOptions } from '../../main/core/engine.js';
import { createLogger } from '../../main/log/logger.js';
import type { RootLogger } from '../../main/log/logger.js';

export interface TestEngine {
  readonly engine: Engine;
  readonly config: Config;
  readonly dir: string;
  readonly dataDir: string;
  readonly logFile: string;
  port(kind?: ModeKind): number;
  stop(): Promise<void>;
  /** Stops and removes the temporary folder. */
  dispose(): Promise<void>;
}

export interface TestEngineOptions {
  /** Mode sections inside <Configuration>; default: one Serverless AD section. */
  sections?: string;
  loggingEnabled?: 'true' | 'false' | 'debug';
  /** Reuse an existing folder (restart after a crash). */
  dir?: string;
  captureExtra?: string;
  /** Ports of the engine (e.g. an in-memory token vault for engine-level identity tests). */
  ports?: EngineOptions['ports'];
  /** The OS user the engine runs as (default: the real one). */
  osUser?: string;
}

export const AD_SECTION = (extra = ''): string => `
  <LPMServerlessADSettings>
    <CaptureSettings><LoopbackPort>9167</LoopbackPort>${extra}</CaptureSettings>
    <ServerSettings><ServiceAccountUserName>svc-print</ServiceAccountUserName></ServerSettings>
  </LPMServerlessADSettings>`;

export async function startTestEngine(opts: TestEngineOptions = {}): Promise<TestEngine> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'pp-engine-')));
  const logFile = join(dir, 'logs', 'pullprint.log');
  const configFile = join(dir, 'configuration.xml');
  await writeFile(configFile, `<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <Logger><LogFilePath>${logFile}</LogFilePath><LoggingEnabled>${opts.loggingEnabled ?? 'true'}</LoggingEnabled></Logger>
  ${opts.sections ?? AD_SECTION(opts.captureExtra)}
</Configuration>
`);
  const config = await loadConfig({ configPath: configFile, dataDir: join(dir, 'data'), env: {} });
  const logger: RootLogger = createLogger({ file: logFile, loggingEnabled: config.logger.loggingEnabled });
  const ports = Object.fromEntries(config.modes.map((m) => [m.kind, 0])) as Partial<Record<ModeKind, number>>;
  const engine = new Engine({
    config, logger, capturePorts: ports, osUser: opts.osUser,
    // The release service on a free loopback port, so test engines never collide on 9443.
    ports: { release: { port: 0, host: '127.0.0.1' }, ...opts.ports },
  });
  await engine.start();
  const stop = async (): Promise<void> => {
    await engine.stop();
    await logger.close();
  };
  return {
    engine,
    config,
    dir,
    dataDir: config.paths.dataDir,
    logFile,
    port: (kind) => {
      const m = engine.snapshot().modes.find((x) => (kind ? x.kind === kind : true));
      if (!m) throw new Error(`mode ${kind ?? '(first)'} not enabled`);
      return m.capturePort;
    },
    stop,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
