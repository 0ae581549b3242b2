// One capture listener per enabled mode, each with its IPP printer.

import type { Mode } from '../../config/types.js';
import { queueNameOf } from '../../config/index.js';
import { startCaptureListener } from '../../capture/listener.js';
import { createIppPrinter } from '../../capture/ipp/handler.js';
import type { JobRecord } from '../../spool/types.js';
import type { EngineContext, EngineModule } from '../context.js';

export function captureModule(ctx: EngineContext, mode: Mode): EngineModule {
  return {
    name: `capture:${mode.kind}`,
    start: async () => {
      const spool = ctx.services.require('spool');
      const queue = queueNameOf(mode.kind);
      const mlog = ctx.logger.child(`capture:${mode.kind}`);
      const ipp = createIppPrinter({
        sink: spool,
        mode: mode.kind,
        peerOf: (req) => `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`,
        printerName: `PullPrint ${queue}`,
        queueName: queue,
        maxJobSizeBytes: mode.capture.maxJobSizeBytes,
        logger: mlog.child('ipp'),
      });
      const listener = await startCaptureListener({
        mode: mode.kind,
        settings: mode.capture,
        sink: spool,
        logger: mlog,
        queueName: queue,
        http: ipp,
        port: ctx.capturePorts?.[mode.kind],
        describeQueue: async (q) => describeLpdQueue(spool.list().filter((j) => j.mode === mode.kind), q),
      });
      let listeners = ctx.services.get('captureListeners');
      if (!listeners) {
        listeners = new Map();
        ctx.services.set('captureListeners', listeners);
      }
      listeners.set(mode.kind, listener);
    },
    stop: async () => {
      const listeners = ctx.services.get('captureListeners');
      const l = listeners?.get(mode.kind);
      listeners?.delete(mode.kind);
      await l?.close();
    },
  };
}

/** RFC 1179 queue-state answer: one line per job, plain text. */
function describeLpdQueue(jobs: JobRecord[], queue: string): string {
  if (jobs.length === 0) return 'no entries\n';
  const lines = jobs.map((j) => `${j.owner}\t${j.seq}\t${(j.title ?? '').slice(0, 40)}\t${j.size} bytes\t${j.state}`);
  return `${queue}: ${jobs.length} job(s)\n${lines.join('\n')}\n`;
}
