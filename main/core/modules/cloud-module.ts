// The cloud print queue: Cloud jobs are uploaded (then removed locally), Hybrid jobs are
// registered with their release URL. One outbox per mode, both over the one spool; the
// outbox follows the spool's states and events, so it survives restarts by construction.

import { hostname } from 'node:os';
import type { CloudMode, HybridMode } from '../../config/types.js';
import { CloudClient, CloudOutbox, hybridReleaseUrl, sessionsTokenProvider } from '../../cloud/index.js';
import { drop, errorCode } from '../../util/errors.js';
import type { EngineContext, EngineModule } from '../context.js';

export function cloudModule(ctx: EngineContext, mode: CloudMode | HybridMode): EngineModule {
  const log = ctx.logger.child(`cloud:${mode.kind}`);
  let outbox: CloudOutbox | null = null;
  let client: CloudClient | null = null;
  const offs: Array<() => void> = [];
  return {
    name: `cloud:${mode.kind}`,
    start: async () => {
      const sessions = ctx.services.require('sessions');
      const c = await CloudClient.create({ server: mode.server, apiVersion: mode.apiVersion, caFile: mode.server.caFile });
      client = c;
      const workstation = hostname();
      const o = new CloudOutbox({
        spool: ctx.services.require('spool'),
        api: c,
        tokens: sessionsTokenProvider(sessions),
        dataDir: ctx.config.paths.dataDir,
        workstation,
        logger: log,
        uploads: mode.kind === 'cloud',
        releaseUrlFor: mode.kind === 'hybrid'
          ? (job) => hybridReleaseUrl({ host: workstation, port: mode.release.esfListenerPort, useSsl: mode.release.useSsl }, job.id)
          : undefined,
      });
      outbox = o;
      offs.push(
        o.onAny((e) => ctx.events.emit({ type: 'cloud', mode: mode.kind, event: e })),
        sessions.on('state', (e) => {
          if (e.state === 'signed-in') drop(Promise.resolve(o.resumeUser(e.user)), (err) => log.error('resuming uploads failed', { code: errorCode(err) }));
        }),
      );
      await o.start();
      const outboxes = ctx.services.get('outboxes') ?? new Map();
      outboxes.set(mode.kind, o);
      ctx.services.set('outboxes', outboxes);
    },
    stop: async () => {
      for (const off of offs.splice(0)) off();
      ctx.services.get('outboxes')?.delete(mode.kind);
      const o = outbox;
      outbox = null;
      await o?.stop();
      const c = client;
      client = null;
      await c?.close();
    },
  };
}
