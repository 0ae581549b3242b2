// The release service's requests on the engine's control channel (the CLI and the tray):
// release a held job to a printer, manage saved printers, show the listeners and the
// certificate fingerprint, run the lifespan sweep. The engine merges these into its
// method table (control/methods.ts), as it does the tracker's.

import { z } from 'zod';
import { defineMethod, type ControlMethods } from '../control/protocol.js';
import { ReleaseError } from './errors.js';
import type { ReleaseService } from './release-service.js';

const jobId = z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/, 'a job id has only letters, digits, dot, dash and underscore');
const printerName = z.string().min(1).max(256);

export function releaseControlMethods(service: Pick<ReleaseService, 'releaseJob' | 'printers' | 'status' | 'sweep'>): ControlMethods {
  return {
    'release.job': defineMethod(
      z.object({
        id: jobId,
        printer: z.string().min(1).max(1024).optional(),
        keep: z.boolean().optional(),
        // Checked in full by the late-binding validator, which names every problem.
        changes: z.record(z.string(), z.unknown()).optional(),
      }).strict(),
      (p) => service.releaseJob(p.id, { printer: p.printer ?? null, keep: p.keep, changes: p.changes }),
    ),
    'release.status': defineMethod(z.object({}).strict(), () => service.status()),
    'release.sweep': defineMethod(z.object({}).strict(), () => service.sweep()),
    'printers.list': defineMethod(z.object({}).strict(), () => service.printers.list()),
    'printers.add': defineMethod(
      z.object({ name: printerName, uri: z.string().min(1).max(1024), default: z.boolean().optional() }).strict(),
      (p) => service.printers.add(p.name, p.uri, { makeDefault: p.default }),
    ),
    'printers.remove': defineMethod(z.object({ name: printerName }).strict(), async (p) => {
      if (!(await service.printers.remove(p.name))) throw new ReleaseError('PRINTER_NOT_FOUND', `no saved printer named ${JSON.stringify(p.name.slice(0, 64))}`);
      return { removed: p.name };
    }),
    'printers.default': defineMethod(z.object({ name: printerName }).strict(), (p) => service.printers.setDefault(p.name)),
  };
}
