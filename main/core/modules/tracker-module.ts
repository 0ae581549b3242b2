// The deleted-job tracker: every deletion of a held job becomes a record (Cloud jobs leave
// the workstation by upload; their deletion is not a held-job event).

import { createTracker, defaultWorkstation, trackerControlMethods } from '../../tracker/index.js';
import { drop, errorCode } from '../../util/errors.js';
import type { EngineContext, EngineModule } from '../context.js';

export function trackerModule(ctx: EngineContext): EngineModule {
  let off: (() => void) | null = null;
  const log = ctx.logger.child('tracker');
  return {
    name: 'tracker',
    start: async () => {
      const tracker = createTracker({
        settings: ctx.config.tracker,
        dataDir: ctx.config.paths.dataDir,
        logger: log,
        workstation: defaultWorkstation(),
        caFile: ctx.config.tracker.server.caFile ?? null,
      });
      await tracker.start();
      ctx.services.set('tracker', tracker);
      off = ctx.services.require('spool').on('job-deleted', (job, reason) => {
        if (job.mode === 'cloud') return;
        drop(tracker.record(job, reason), (err) => log.error('deleted job not recorded', { code: errorCode(err), job: job.id }));
      });
    },
    stop: async () => {
      off?.();
      off = null;
      const t = ctx.services.get('tracker');
      ctx.services.delete('tracker');
      await t?.stop();
    },
    methods: () => trackerControlMethods({
      status: () => ctx.services.require('tracker').status(),
      flush: () => ctx.services.require('tracker').flush(),
    }),
  };
}
