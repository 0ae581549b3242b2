// The composition root: the only place that builds subsystems from Config, starts them
// in order, stops them in reverse, and exposes a typed event stream and a state snapshot
// (ARCHITECTURE.md). The tray and the headless `pullprint serve` both run this.

import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Config, Mode, ModeKind } from '../config/types.js';
import { queueNameOf } from '../config/index.js';
import type { Logger } from '../log/types.js';
import { Spool } from '../spool/spool.js';
import type { DeleteReason, JobRecord, JobState } from '../spool/spool.js';
import { createJobInspector } from '../pdl/inspector.js';
import { startCaptureListener } from '../capture/listener.js';
import type { CaptureListener } from '../capture/listener.js';
import { createIppPrinter } from '../capture/ipp/handler.js';
import { createTracker, defaultWorkstation } from '../tracker/index.js';
import type { Tracker } from '../tracker/index.js';
import { PullPrintError, drop, errorCode } from '../util/errors.js';
import { TypedEvents } from './events.js';
import type { Subsystem } from './subsystem.js';
import { VERSION } from './version.js';

export type EngineStatus = 'stopped' | 'starting' | 'running' | 'stopping';

export type EngineEvent =
  | { type: 'job-stored'; job: JobRecord }
  | { type: 'job-state'; job: JobRecord; previous: JobState }
  | { type: 'job-deleted'; job: JobRecord; reason: DeleteReason }
  | { type: 'error'; code: string; message: string }
  | { type: 'status'; status: EngineStatus };

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
  readonly jobs: { readonly total: number; readonly held: number; readonly queued: number; readonly failed: number };
}

export interface EngineOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Test hook: capture ports per mode (0 = any free port). */
  readonly capturePorts?: Partial<Record<ModeKind, number>>;
  /** Who owns captured jobs until the identity subsystem exists: the OS user. */
  readonly owner?: string;
  readonly now?: () => Date;
}

const INITIAL_STATE: Record<ModeKind, JobState> = {
  local: 'held',
  hybrid: 'held',
  'serverless-ad': 'held',
  cloud: 'queued',
};

export class Engine {
  readonly events: TypedEvents<EngineEvent>;
  readonly #opts: EngineOptions;
  readonly #log: Logger;
  #status: EngineStatus = 'stopped';
  #startedAt: Date | null = null;
  #started: Subsystem[] = [];
  #spool: Spool | null = null;
  #tracker: Tracker | null = null;
  readonly #listeners = new Map<ModeKind, CaptureListener>();
  #stopping: Promise<void> | null = null;

  constructor(opts: EngineOptions) {
    this.#opts = opts;
    this.#log = opts.logger.child('engine');
    this.events = new TypedEvents<EngineEvent>(this.#log);
  }

  get config(): Config {
    return this.#opts.config;
  }

  get status(): EngineStatus {
    return this.#status;
  }

  /** Starts every subsystem in order; on failure stops what was started and rethrows. */
  async start(): Promise<void> {
    if (this.#status !== 'stopped') throw new PullPrintError('ENGINE_STATE', `engine is ${this.#status}`);
    this.#setStatus('starting');
    this.#stopping = null;
    try {
      for (const s of this.#build()) {
        await s.start();
        this.#started.push(s);
      }
      this.#startedAt = (this.#opts.now ?? (() => new Date()))();
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

  snapshot(): EngineSnapshot {
    const cfg = this.#opts.config;
    const jobs = this.#spool?.list() ?? [];
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
        held: jobs.filter((j) => j.state === 'held').length,
        queued: jobs.filter((j) => j.state === 'queued' || j.state === 'uploading').length,
        failed: jobs.filter((j) => j.state === 'failed').length,
      },
    };
  }

  listJobs(filter?: { owner?: string }): JobRecord[] {
    return this.#requireSpool().list(filter);
  }

  getJob(id: string): JobRecord | undefined {
    return this.#requireSpool().get(id);
  }

  async deleteJob(id: string, reason: DeleteReason = 'user-deleted'): Promise<JobRecord> {
    const spool = this.#requireSpool();
    if (!spool.get(id)) throw new PullPrintError('JOB_NOT_FOUND', `no job with id ${id}`);
    return spool.delete(id, reason);
  }

  /** The deleted-job tracker (running while the engine runs). */
  requireTracker(): Tracker {
    if (!this.#tracker) throw new PullPrintError('ENGINE_NOT_RUNNING', 'the engine is not running');
    return this.#tracker;
  }

  #requireSpool(): Spool {
    if (!this.#spool) throw new PullPrintError('ENGINE_NOT_RUNNING', 'the engine is not running');
    return this.#spool;
  }

  #modeStatus(m: Mode): ModeStatus {
    const l = this.#listeners.get(m.kind);
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
    for (const s of started) {
      try {
        await s.stop();
      } catch (err) {
        this.#log.error(`stopping ${s.name} failed`, { err });
      }
    }
  }

  /** The start order: data folder, spool (recovery), then one capture listener per mode. */
  #build(): Subsystem[] {
    const cfg = this.#opts.config;
    const log = this.#opts.logger;
    const owner = this.#opts.owner ?? safeOsUser();
    const subsystems: Subsystem[] = [];

    subsystems.push({
      name: 'data-folder',
      start: async () => {
        await mkdir(cfg.paths.dataDir, { recursive: true, mode: 0o700 });
      },
      stop: async () => undefined,
    });

    const unsubscribe: Array<() => void> = [];
    subsystems.push({
      name: 'spool',
      start: async () => {
        const modes = Object.fromEntries(cfg.modes.map((m) => [m.kind, {
          fileNameFormat: m.capture.printJobFileNameFormat,
          queueName: queueNameOf(m.kind),
          maxJobSizeBytes: m.capture.maxJobSizeBytes,
          initialState: INITIAL_STATE[m.kind],
        }]));
        const spool = await Spool.open({
          dataDir: cfg.paths.dataDir,
          logger: log.child('spool'),
          modes,
          ownerOf: () => owner,
          inspect: createJobInspector,
          now: this.#opts.now,
        });
        this.#spool = spool;
        unsubscribe.push(
          spool.on('job-stored', (job) => this.events.emit({ type: 'job-stored', job })),
          spool.on('job-state', (job, previous) => this.events.emit({ type: 'job-state', job, previous })),
          spool.on('job-deleted', (job, reason) => this.events.emit({ type: 'job-deleted', job, reason })),
        );
      },
      stop: async () => {
        for (const u of unsubscribe.splice(0)) u();
        const spool = this.#spool;
        this.#spool = null;
        await spool?.close();
      },
    });

    // After spool recovery, before capture: every deletion of a held job is recorded
    // (Cloud jobs leave the workstation by upload; their deletion is not a held-job event).
    subsystems.push({
      name: 'tracker',
      start: async () => {
        const tracker = createTracker({
          settings: cfg.tracker,
          dataDir: cfg.paths.dataDir,
          logger: log.child('tracker'),
          workstation: defaultWorkstation(),
        });
        await tracker.start();
        this.#tracker = tracker;
        const tlog = log.child('tracker');
        unsubscribe.push(this.#requireSpool().on('job-deleted', (job, reason) => {
          if (job.mode === 'cloud') return;
          drop(tracker.record(job, reason), (err) => tlog.error('deleted job not recorded', { code: errorCode(err), job: job.id }));
        }));
      },
      stop: async () => {
        const t = this.#tracker;
        this.#tracker = null;
        await t?.stop();
      },
    });

    for (const mode of cfg.modes) {
      subsystems.push({
        name: `capture:${mode.kind}`,
        start: async () => {
          const spool = this.#requireSpool();
          const queue = queueNameOf(mode.kind);
          const mlog = log.child(`capture:${mode.kind}`);
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
            port: this.#opts.capturePorts?.[mode.kind],
            describeQueue: async (q) => describeLpdQueue(spool.list().filter((j) => j.mode === mode.kind), q),
          });
          this.#listeners.set(mode.kind, listener);
        },
        stop: async () => {
          const l = this.#listeners.get(mode.kind);
          this.#listeners.delete(mode.kind);
          await l?.close();
        },
      });
    }
    return subsystems;
  }
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user';
  }
}

/** RFC 1179 queue-state answer: one line per job, plain text. */
function describeLpdQueue(jobs: JobRecord[], queue: string): string {
  if (jobs.length === 0) return 'no entries\n';
  const lines = jobs.map((j) => `${j.owner}\t${j.seq}\t${(j.title ?? '').slice(0, 40)}\t${j.size} bytes\t${j.state}`);
  return `${queue}: ${jobs.length} job(s)\n${lines.join('\n')}\n`;
}
