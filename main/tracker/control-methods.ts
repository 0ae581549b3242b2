// The tracker's requests on the engine's control channel; the engine merges them into
// its own method table (control/methods.ts).

import { z } from 'zod';
import { defineMethod } from '../control/protocol.js';
import type { ControlMethods } from '../control/protocol.js';
import type { Tracker } from './types.js';

export function trackerControlMethods(tracker: Pick<Tracker, 'status' | 'flush'>): ControlMethods {
  return {
    'tracker.status': defineMethod(z.object({}).strict(), () => tracker.status()),
    'tracker.flush': defineMethod(z.object({}).strict(), () => tracker.flush()),
  };
}
