// The spool: the single source of truth for jobs. Its events become engine events.

import { mkdir } from 'node:fs/promises';
import type { ModeKind } from '../../config/types.js';
import { queueNameOf } from '../../config/index.js';
import { createJobInspector } from '../../pdl/inspector.js';
import { Spool } from '../../spool/spool.js';
import type { JobState } from '../../spool/types.js';
import type { EngineContext, EngineModule, Ownership } from '../context.js';

/** Where a job starts when nothing (identity, for instance) says otherwise. */
export const INITIAL_STATE: Record<ModeKind, JobState> = {
  local: 'held',
  hybrid: 'held',
  'serverless-ad': 'held',
  cloud: 'queued',
};

/** The default ownership: a single-user desktop, jobs belong to the OS user running PullPrint. */
export function osUserOwnership(osUser: string): Ownership {
  return {
    ownerOf: () => osUser,
    initialStateOf: (mode) => INITIAL_STATE[mode],
  };
}

export function spoolModule(ctx: EngineContext): EngineModule {
  const cfg = ctx.config;
  const unsubscribe: Array<() => void> = [];
  return {
    name: 'spool',
    start: async () => {
      await mkdir(cfg.paths.dataDir, { recursive: true, mode: 0o700 });
      if (!ctx.services.get('ownership')) ctx.services.set('ownership', osUserOwnership(ctx.osUser));
      const ownership = (): Ownership => ctx.services.require('ownership');
      const modes = Object.fromEntries(cfg.modes.map((m) => [m.kind, {
        fileNameFormat: m.capture.printJobFileNameFormat,
        queueName: queueNameOf(m.kind),
        maxJobSizeBytes: m.capture.maxJobSizeBytes,
        initialState: INITIAL_STATE[m.kind],
      }]));
      const spool = await Spool.open({
        dataDir: cfg.paths.dataDir,
        logger: ctx.logger.child('spool'),
        modes,
        ownerOf: (meta, c) => ownership().ownerOf(meta, c),
        initialStateOf: (mode, owner) => ownership().initialStateOf(mode, owner),
        inspect: createJobInspector,
        now: ctx.now,
      });
      ctx.services.set('spool', spool);
      unsubscribe.push(
        spool.on('job-stored', (job) => ctx.events.emit({ type: 'job-stored', job })),
        spool.on('job-state', (job, previous) => ctx.events.emit({ type: 'job-state', job, previous })),
        spool.on('job-deleted', (job, reason) => ctx.events.emit({ type: 'job-deleted', job, reason })),
      );
    },
    stop: async () => {
      for (const u of unsubscribe.splice(0)) u();
      const spool = ctx.services.get('spool');
      ctx.services.delete('spool');
      await spool?.close();
    },
  };
}
