// What every engine module receives: configuration, logging, the event stream, the clock,
// and a registry of the services other modules started. Modules are built in order by
// the composition root (engine.ts); a module may only use services of modules before it.

import type { Config, ModeKind } from '../config/types.js';
import type { Logger } from '../log/types.js';
import type { ControlMethods } from '../control/protocol.js';
import type { CaptureListener } from '../capture/listener.js';
import type { ProtocolMeta, CaptureContext } from '../capture/types.js';
import type { Spool } from '../spool/spool.js';
import type { JobState } from '../spool/types.js';
import type { Tracker } from '../tracker/index.js';
import type { Sessions } from '../identity/index.js';
import type { DirectoryPublisher, ServiceAccountVerifier } from '../directory/index.js';
import type { ReleaseService } from '../release/index.js';
import type { CloudOutbox } from '../cloud/index.js';
import { PullPrintError } from '../util/errors.js';
import type { TypedEvents } from './events.js';
import type { EngineEvent } from './engine-events.js';

/** Who owns a job being stored, and the state it starts in. */
export interface Ownership {
  ownerOf(meta: ProtocolMeta, ctx: CaptureContext): string;
  initialStateOf(mode: ModeKind, owner: string): JobState;
}

/** Services modules publish for later modules, the control channel and the shell. */
export interface Services {
  spool: Spool;
  tracker: Tracker;
  ownership: Ownership;
  captureListeners: Map<ModeKind, CaptureListener>;
  sessions: Sessions;
  directoryPublisher: DirectoryPublisher;
  serviceAccountVerifier: ServiceAccountVerifier;
  release: ReleaseService;
  outboxes: Map<ModeKind, CloudOutbox>;
}

export class ServiceRegistry {
  readonly #map = new Map<keyof Services, unknown>();

  set<K extends keyof Services>(key: K, value: Services[K]): void {
    this.#map.set(key, value);
  }

  get<K extends keyof Services>(key: K): Services[K] | undefined {
    return this.#map.get(key) as Services[K] | undefined;
  }

  require<K extends keyof Services>(key: K): Services[K] {
    const v = this.get(key);
    if (v === undefined) throw new PullPrintError('ENGINE_NOT_RUNNING', `the engine is not running (${String(key)} unavailable)`);
    return v;
  }

  delete(key: keyof Services): void {
    this.#map.delete(key);
  }
}

export interface EngineContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly events: TypedEvents<EngineEvent>;
  readonly now: () => Date;
  readonly services: ServiceRegistry;
  /** Test hook: capture ports per mode (0 = any free port). */
  readonly capturePorts?: Partial<Record<ModeKind, number>>;
  /** The OS user running the engine. */
  readonly osUser: string;
}

/** A part of the engine: started in order, stopped in reverse. */
export interface EngineModule {
  readonly name: string;
  start(): Promise<void>;
  /** Must be safe to call when start() failed halfway. */
  stop(): Promise<void>;
  /** Requests this module answers on the control channel. */
  methods?(): ControlMethods;
}
