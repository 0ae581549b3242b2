// The IPC handlers of the contract, each a one-line call into the app facade.

import type { AppFacade } from './app-facade.js';
import type { Handlers } from './ipc-handlers.js';

export function facadeHandlers(facade: AppFacade): Handlers {
  return {
    'pullprint:get-state': async () => facade.snapshot(),
    'pullprint:list-jobs': async () => facade.jobViews(),
    'pullprint:delete-job': async (id) => {
      await facade.deleteJob(id);
      return null;
    },
    'pullprint:release-job': async (id, request) => {
      await facade.releaseJob(id, request);
      return null;
    },
    'pullprint:sign-in': async (request) => {
      await facade.signIn(request);
      return null;
    },
    'pullprint:sign-out': async () => {
      await facade.signOut();
      return null;
    },
    'pullprint:saved-printers': async () => facade.savedPrinters(),
    'pullprint:about': async () => facade.about(),
  };
}
