// The requests a running engine answers on its control channel.

import { z } from 'zod';
import type { Engine } from '../core/engine.js';
import { defineMethod } from './protocol.js';
import type { ControlMethods } from './protocol.js';
import { toPublicJob } from '../core/public-job.js';

const jobId = z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/, 'a job id has only letters, digits, dot, dash and underscore');

export function engineMethods(engine: Engine): ControlMethods {
  return {
    status: defineMethod(z.object({}).strict(), () => engine.snapshot()),
    'jobs.list': defineMethod(
      z.object({ user: z.string().min(1).max(256).optional() }).strict(),
      (p) => engine.listJobs(p.user ? { owner: p.user } : undefined).map(toPublicJob),
    ),
    'jobs.delete': defineMethod(
      z.object({ id: jobId }).strict(),
      async (p) => toPublicJob(await engine.deleteJob(p.id, 'user-deleted')),
    ),
    ...engine.moduleMethods(),
  };
}
