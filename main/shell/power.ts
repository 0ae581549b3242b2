// powerMonitor as the engine's PowerEvents port (Serverless AD removes the workstation's
// directory value at sleep and shutdown). Subscribes lazily: powerMonitor exists only
// after the app is ready, which is before the engine starts.

import { powerMonitor } from 'electron';
import type { PowerEvent, PowerEvents } from '../directory/types.js';
import { assertNever } from '../util/errors.js';

export class ElectronPowerEvents implements PowerEvents {
  on(event: PowerEvent, fn: () => void | Promise<void>): () => void {
    const listener = (): void => {
      void Promise.resolve().then(fn).catch(() => undefined);
    };
    // One call per event: powerMonitor's typed overloads are per event name.
    switch (event) {
      case 'suspend': powerMonitor.on('suspend', listener); break;
      case 'resume': powerMonitor.on('resume', listener); break;
      case 'shutdown': powerMonitor.on('shutdown', listener); break;
      default: assertNever(event, 'power event');
    }
    return () => {
      powerMonitor.removeListener(event as 'suspend', listener);
    };
  }
}
