// `pullprint serve`: the engine in the foreground, with console logging, the control
// channel, and engine events printed as they happen (the terminal's notifier).

import type { Config } from '../config/types.js';
import { startControlServer } from '../control/server.js';
import { engineMethods } from '../control/methods.js';
import { controlSocketPath } from '../control/socket-path.js';
import { Engine } from '../core/engine.js';
import type { EngineEvent } from '../core/engine.js';
import { createLogger } from '../log/logger.js';
import type { CliContext } from './program.js';
import { notificationFor } from '../cloud/index.js';

function describeEvent(e: EngineEvent): string | null {
  switch (e.type) {
    case 'job-stored':
      return `job ${e.job.id} stored: "${e.job.title ?? 'untitled'}" from ${e.job.declaredUser ?? e.job.owner}, ${e.job.pages ?? '?'} page(s), ${e.job.size} bytes, ${e.job.state}`;
    case 'job-state':
      return `job ${e.job.id}: ${e.previous} → ${e.job.state}`;
    case 'job-deleted':
      return `job ${e.job.id} deleted (${e.reason})`;
    case 'error':
      return `error ${e.code}: ${e.message}`;
    case 'sign-in-required':
      return `sign-in required${e.user ? ` for ${e.user}` : ''}: ${e.message} (run "pullprint login")`;
    case 'cloud': {
      const n = notificationFor(e.event);
      return n ? `${n.title}: ${n.body}` : null;
    }
    case 'status':
      return null;
  }
}

export async function runServe(config: Config, ctx: CliContext): Promise<void> {
  const logger = createLogger({ file: config.logger.logFilePath, loggingEnabled: config.logger.loggingEnabled, console: true });
  for (const w of config.warnings) logger.warn(`configuration: ${w}`);
  const engine = new Engine({ config, logger });
  const off = engine.events.on((e) => {
    const line = describeEvent(e);
    if (line) ctx.io.out(line);
  });
  try {
    await engine.start();
    const control = await startControlServer(controlSocketPath(config.paths.dataDir), engineMethods(engine), logger);
    const s = engine.snapshot();
    ctx.io.out(`PullPrint engine running (pid ${s.pid}); ${s.modes.map((m) => `${m.kind} capture on port ${m.capturePort}`).join('; ')}; control ${control.path}`);
    const signal = await ctx.stopSignal();
    ctx.io.out(`${signal}: stopping`);
    await control.close();
  } finally {
    await engine.stop();
    off();
    await logger.close();
  }
}
