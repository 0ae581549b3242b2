// The composition root: the only place that decides which modules run, in which order,
// from Config. Modules start in order and stop in reverse; the engine exposes a typed
// event stream and a state snapshot (ARCHITECTURE.md). The tray and the headless
// `pullprint serve` both run this.

import { userInfo } from 'node:os';
import type { Config, Mode, ModeKind } from '../config/types.js';
import { queueNameOf } from '../config/index.js';
import type { ControlMethods } from '../control/protocol.js';
import type { Logger } from '../log/types.js';
import type { DeleteReason, JobRecord } from '../spool/types.js';
import { PullPrintError } from '../util/errors.js';
import { ServiceRegistry } from './context.js';
import type { EngineContext, EngineModule, Services } from './context.js';
import type { EngineEvent, EngineStatus } from './engine-events.js';
import { TypedEvents } from './events.js';
import { captureModule } from './modules/capture-module.js';
import { spoolModule } from './modules/spool-module.js';
import { trackerModule } from './modules/tracker-module.js';
import { identityAfterSpoolModule, identityModule } from './modules/identity-module.js';
import type { IdentityPorts } from './modules/identity-module.js';
import { directoryModule } from './modules/directory-module.js';
import type { DirectoryPorts } from './modules/directory-module.js';
import { releaseModule } from './modules/release-module.js';
import { cloudModule } from './modules/cloud-module.js';
import type { CloudMode, HybridMode } from '../config/types.js';
import type { ReleasePorts } from './modules/release-module.js';
import { VERSION } from './version.js';

export type { EngineEvent, EngineStatus } from './engine-events.js';

export interface ModeStatus {
  readonly kind: ModeKind;
  readonly queue: string;
  readonly capturePort: number;
  readonly captureAddresses: readonly string[];
  readonly listening: boolean;
  readonly releasePort: number | null;
}

export interface EngineSnapshot {
  readonly status: EngineStatus;
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string | null;
  readonly configFile: string | null;
  readonly dataDir: string;
  readonly logFile: string;
  readonly modes: readonly ModeStatus[];
  readonly jobs: { readonly total: number; readonly held: number; readonly queued: number; readonly failed: number; readonly waitingForSignIn: number };
}

export interface EngineOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Test hook: capture ports per mode (0 = any free port). */
  readonly capturePorts?: Partial<Record<ModeKind, number>>;
  /** The OS user running the engine (default: from the OS). */
  readonly osUser?: string;
  readonly now?: () => Date;
  /** Ports the shell or the tests implement. */
  readonly ports?: { readonly identity?: IdentityPorts; readonly directory?: DirectoryPorts; readonly release?: ReleasePorts };
}

/** The modules, in start order. Later modules may use the services of earlier ones. */
function buildModules(ctx: EngineContext, opts: EngineOptions): EngineModule[] {
  const modules: Array<EngineModule | null> = [
    identityModule(ctx, opts.ports?.identity),
    spoolModule(ctx),
    identityAfterSpoolModule(ctx),
    trackerModule(ctx),
    releaseModule(ctx, opts.ports?.release),
    directoryModule(ctx, opts.ports?.directory),
    ...ctx.config.modes.filter((m): m is CloudMode | HybridMode => m.kind === 'cloud' || m.kind === 'hybrid').map((m) => cloudModule(ctx, m)),
    ...ctx.config.modes.map((m) => captureModule(ctx, m)),
  ];
  return modules.filter((m): m is EngineModule => m !== null);
}

export class Engine {
  readonly events: TypedEvents<EngineEvent>;
  readonly #opts: EngineOptions;
  readonly #log: Logger;
  readonly #ctx: EngineContext;
  #status: EngineStatus = 'stopped';
  #startedAt: Date | null = null;
  #modules: EngineModule[] = [];
  #started: EngineModule[] = [];
  #stopping: Promise<void> | null = null;

  constructor(opts: EngineOptions) {
    this.#opts = opts;
    this.#log = opts.logger.child('engine');
    this.events = new TypedEvents<EngineEvent>(this.#log);
    this.#ctx = {
      config: opts.config,
      logger: opts.logger,
      events: this.events,
      now: opts.now ?? (() => new Date()),
      services: new ServiceRegistry(),
      capturePorts: opts.capturePorts,
      osUser: opts.osUser ?? safeOsUser(),
    };
  }

  get config(): Config {
    return this.#opts.config;
  }

  get status(): EngineStatus {
    return this.#status;
  }

  /** A running service (spool, tracker...), for the shell and the control channel. */
  service<K extends keyof Services>(key: K): Services[K] {
    return this.#ctx.services.require(key);
  }

  /** Starts every module in order; on failure stops what was started and rethrows. */
  async start(): Promise<void> {
    if (this.#status !== 'stopped') throw new PullPrintError('ENGINE_STATE', `engine is ${this.#status}`);
    this.#setStatus('starting');
    this.#stopping = null;
    this.#modules = buildModules(this.#ctx, this.#opts);
    try {
      for (const m of this.#modules) {
        await m.start();
        this.#started.push(m);
      }
      this.#startedAt = this.#ctx.now();
      this.#setStatus('running');
      this.#log.info('engine running', { modes: this.snapshot().modes.map((m) => `${m.kind}@${m.capturePort}`) });
    } catch (err) {
      this.#log.critical('engine failed to start', { err });
      await this.#stopStarted();
      this.#setStatus('stopped');
      throw err;
    }
  }

  /** Stops in reverse order. Idempotent: concurrent and repeated calls share one stop. */
  stop(): Promise<void> {
    if (this.#status === 'stopped' && !this.#stopping) return Promise.resolve();
    this.#stopping ??= (async () => {
      this.#setStatus('stopping');
      await this.#stopStarted();
      this.#startedAt = null;
      this.#setStatus('stopped');
      this.#log.info('engine stopped');
    })();
    return this.#stopping;
  }

  /** Control-channel requests contributed by the running modules. */
  moduleMethods(): ControlMethods {
    return Object.assign({}, ...this.#modules.map((m) => m.methods?.() ?? {})) as ControlMethods;
  }

  snapshot(): EngineSnapshot {
    const cfg = this.#opts.config;
    const jobs = this.#ctx.services.get('spool')?.list() ?? [];
    const count = (pred: (j: JobRecord) => boolean): number => jobs.filter(pred).length;
    return {
      status: this.#status,
      version: VERSION,
      pid: process.pid,
      startedAt: this.#startedAt?.toISOString() ?? null,
      configFile: cfg.paths.configFile,
      dataDir: cfg.paths.dataDir,
      logFile: cfg.logger.logFilePath,
      modes: cfg.modes.map((m) => this.#modeStatus(m)),
      jobs: {
        total: jobs.length,
        held: count((j) => j.state === 'held'),
        queued: count((j) => j.state === 'queued' || j.state === 'uploading'),
        failed: count((j) => j.state === 'failed'),
        waitingForSignIn: count((j) => j.state === 'waiting-for-sign-in'),
      },
    };
  }

  listJobs(filter?: { owner?: string }): JobRecord[] {
    return this.service('spool').list(filter);
  }

  getJob(id: string): JobRecord | undefined {
    return this.service('spool').get(id);
  }

  async deleteJob(id: string, reason: DeleteReason = 'user-deleted'): Promise<JobRecord> {
    const spool = this.service('spool');
    if (!spool.get(id)) throw new PullPrintError('JOB_NOT_FOUND', `no job with id ${id}`);
    return spool.delete(id, reason);
  }

  /** The deleted-job tracker (running while the engine runs). */
  requireTracker(): Services['tracker'] {
    return this.service('tracker');
  }

  #modeStatus(m: Mode): ModeStatus {
    const l = this.#ctx.services.get('captureListeners')?.get(m.kind);
    return {
      kind: m.kind,
      queue: queueNameOf(m.kind),
      capturePort: l?.port ?? m.capture.loopbackPort,
      captureAddresses: l?.addresses ?? [],
      listening: l !== undefined,
      releasePort: 'release' in m ? m.release.esfListenerPort : null,
    };
  }

  #setStatus(s: EngineStatus): void {
    this.#status = s;
    this.events.emit({ type: 'status', status: s });
  }

  async #stopStarted(): Promise<void> {
    const started = this.#started.reverse();
    this.#started = [];
    for (const m of started) {
      try {
        await m.stop();
      } catch (err) {
        this.#log.error(`stopping ${m.name} failed`, { err });
      }
    }
  }
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user';
  }
}
