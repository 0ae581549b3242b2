// The app facade's functions over the running engine: sign-in through the identity
// module's Sessions, the full "Log out of Print Management" (tokens and held jobs)
// through its identity.logout method, release through the release service (which also
// owns the saved printers). Without a release service (a Cloud-only configuration holds
// no jobs) the pages say printing from the window is not available (RELEASE_UNAVAILABLE).

import type { Engine } from '../core/engine.js';
import type { Services } from '../core/context.js';
import type { Sessions } from '../identity/sessions.js';
import { SavedPrinters } from '../release/saved-printers.js';
import { PullPrintError } from '../util/errors.js';
import type { AppFacadeDeps } from './app-facade.js';
import type { ReleaseRequest } from './ipc-contract.js';
import { sessionSourceOf } from './session-source.js';

export interface EngineFacadeOptions {
  /** Overrides the engine's release service (tests, or a shell that releases elsewhere). */
  releaseJob?(id: string, request: ReleaseRequest): Promise<void>;
}

export type EngineFacadeDeps = Omit<AppFacadeDeps, 'engine' | 'lifespans' | 'runtime'>;

/** A service of the running engine, or null when no module provides it in this configuration. */
function serviceOf<K extends keyof Services>(engine: Engine, key: K): Services[K] | null {
  try {
    return engine.service(key);
  } catch {
    return null;
  }
}

/** Call after engine.start(): the identity module's services exist only while it runs. */
export function engineFacadeDeps(engine: Engine, opts: EngineFacadeOptions = {}): EngineFacadeDeps {
  // No Hybrid or Cloud mode: nobody signs in.
  const sessions = serviceOf(engine, 'sessions');
  const session = sessions ? sessionSourceOf(sessions) : undefined;
  const printers = new SavedPrinters(engine.config.paths.dataDir);
  const need = (): Sessions => {
    if (!sessions) throw new PullPrintError('SIGN_IN_UNAVAILABLE', 'no identity provider is configured');
    return sessions;
  };
  return {
    ...(session ? { session } : {}),
    async signIn(request) {
      const s = need();
      if ('sso' in request) await s.signInWithSso({ loginHint: session?.current().user ?? undefined });
      else await s.signInWithPassword(request.email, request.password);
    },
    async signOut() {
      need();
      const user = session?.current().user;
      if (!user) return;
      const method = engine.moduleMethods()['identity.logout'];
      if (!method) throw new PullPrintError('SIGN_IN_UNAVAILABLE', 'the identity module is not running');
      await method.run({ user });
    },
    releaseJob: opts.releaseJob ?? (async (id, request) => {
      const release = serviceOf(engine, 'release');
      if (!release) throw new PullPrintError('RELEASE_UNAVAILABLE', 'no mode of this configuration holds jobs for release');
      await release.releaseJob(id, { printer: request.printer, keep: request.keep, ...(request.changes ? { changes: request.changes } : {}) });
    }),
    // The default printer first: the release dialog preselects the first one.
    savedPrinters: async () => (await printers.list())
      .sort((a, b) => Number(b.default) - Number(a.default))
      .map((p) => ({ name: p.name, uri: p.uri })),
    lateBindingEnabled: engine.config.lateBinding.enabled,
  };
}
