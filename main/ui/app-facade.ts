// The app facade: everything the tray, the notifications and the pages may ask of the
// engine, in one port. It is built over the real Engine plus functions for what the
// engine does not expose itself (sign-in, release, saved printers), so the shell and
// the renderer tests drive the same code. Changes are coalesced: a burst of engine
// events in one tick gives one onChange call.

import type { Engine, EngineEvent } from '../core/engine.js';
import { toPublicJob, type PublicJob } from '../core/public-job.js';
import { PullPrintError } from '../util/errors.js';
import { expiresAt, type Lifespans } from './expiry.js';
import type { ReleaseRequest, SavedPrinterView, SignInRequest } from './ipc-contract.js';
import type { SessionSource } from './session-source.js';
import { countJobs, NO_JOBS, type AboutInfo, type JobView, type UiProblem, type UiState } from './ui-state.js';

export interface AppFacade {
  snapshot(): UiState;
  /** Called after every change of what snapshot() returns (possibly a little more often). */
  onChange(listener: () => void): () => void;
  listJobs(): PublicJob[];
  /** listJobs() as the pages show it (no paths or digests, with the expiry time). */
  jobViews(): JobView[];
  deleteJob(id: string): Promise<void>;
  releaseJob(id: string, request: ReleaseRequest): Promise<void>;
  /** Rejects with an IdentityError-like { code, message } (WRONG_PASSWORD, IDP_UNREACHABLE…). */
  signIn(request: SignInRequest): Promise<void>;
  signOut(): Promise<void>;
  savedPrinters(): Promise<SavedPrinterView[]>;
  about(): AboutInfo;
  /** Stops listening to the engine and the session. */
  dispose(): void;
}

export type EngineLike = Pick<Engine, 'snapshot' | 'listJobs' | 'deleteJob'> & {
  readonly events: { on(listener: (e: EngineEvent) => void): () => void };
};

export interface AppFacadeDeps {
  readonly engine: EngineLike;
  signIn(request: SignInRequest): Promise<void>;
  signOut(): Promise<void>;
  releaseJob(id: string, request: ReleaseRequest): Promise<void>;
  savedPrinters(): Promise<SavedPrinterView[]>;
  readonly lateBindingEnabled: boolean;
  /** The sign-in session; absent when no identity provider is configured. */
  readonly session?: SessionSource;
  readonly lifespans?: Lifespans;
  /** Versions shown in About (process.versions in the shell). */
  readonly runtime?: Readonly<Record<string, string>>;
}

const SIGNED_OUT = { user: null, state: 'signed-out' } as const;

export function createAppFacade(deps: AppFacadeDeps): AppFacade {
  const { engine } = deps;
  const listeners = new Set<() => void>();
  let problem: UiProblem | null = null;
  let pending = false;

  const changed = (): void => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      for (const l of [...listeners]) l();
    });
  };

  const onEvent = (e: EngineEvent): void => {
    if (e.type === 'error') problem = { code: e.code, message: e.message };
    // A job stored or the engine (re)started shows the engine works again.
    else if (e.type === 'job-stored' || (e.type === 'status' && e.status === 'running')) problem = null;
    changed();
  };
  const offEngine = engine.events.on(onEvent);
  const offSession = deps.session?.onChange(changed);

  const running = (): boolean => engine.snapshot().status === 'running';
  const jobs = (): PublicJob[] => (running() ? engine.listJobs().map(toPublicJob) : []);

  const facade: AppFacade = {
    snapshot(): UiState {
      const snap = engine.snapshot();
      return {
        engine: snap.status,
        signInAvailable: deps.session !== undefined,
        session: deps.session?.current() ?? SIGNED_OUT,
        jobs: snap.status === 'running' ? countJobs(engine.listJobs()) : NO_JOBS,
        problem,
        lateBindingEnabled: deps.lateBindingEnabled,
      };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    listJobs: jobs,
    jobViews(): JobView[] {
      return jobs()
        .filter((j) => j.state !== 'deleted' && j.state !== 'expired' && j.state !== 'released-deleted')
        .map((j) => ({
          id: j.id,
          title: j.title,
          pages: j.pages,
          color: j.color,
          duplex: j.duplex,
          copies: j.copies,
          size: j.size,
          state: j.state,
          mode: j.mode,
          receivedAt: j.receivedAt,
          expiresAt: expiresAt(j, deps.lifespans ?? {})?.toISOString() ?? null,
        }));
    },
    async deleteJob(id) {
      await engine.deleteJob(id, 'user-deleted');
    },
    async releaseJob(id, request) {
      await deps.releaseJob(id, request);
      changed();
    },
    async signIn(request) {
      if (!deps.session) throw new PullPrintError('SIGN_IN_UNAVAILABLE', 'no identity provider is configured');
      await deps.signIn(request);
      changed();
    },
    async signOut() {
      if (!deps.session) throw new PullPrintError('SIGN_IN_UNAVAILABLE', 'no identity provider is configured');
      await deps.signOut();
      changed();
    },
    savedPrinters: () => deps.savedPrinters(),
    about(): AboutInfo {
      const s = engine.snapshot();
      return {
        product: 'PullPrint',
        version: s.version,
        engine: s.status,
        configFile: s.configFile,
        dataDir: s.dataDir,
        logFile: s.logFile,
        queues: s.modes.map((m) => ({ mode: m.kind, queue: m.queue, port: m.capturePort, listening: m.listening })),
        runtime: { ...(deps.runtime ?? { node: process.versions.node }) },
      };
    },
    dispose() {
      offEngine();
      offSession?.();
      listeners.clear();
    },
  };
  return facade;
}
