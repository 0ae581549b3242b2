// The release service: the printer-facing HTTPS API, delivery of held jobs to ordinary
// printers (IPP, IPPS, port 9100), saved printers, and the lifespan sweep. The engine
// builds one from Config (docs/release-api.md, "Wiring"), starts it after the spool and
// stops it before. Everything a release changes goes through the spool (setState,
// delete), which writes it durably and emits the spool's events; this service adds its
// own events (job-released, release-failed...) for the engine's stream.

import type { Readable } from 'node:stream';
import { TypedEvents } from '../core/events.js';
import type { ModeKind } from '../config/types.js';
import type { Logger } from '../log/types.js';
import { validateChanges, type LateBindingChanges } from '../pdl/late-binding/index.js';
import type { JobRecord } from '../spool/types.js';
import { errorCode } from '../util/errors.js';
import { Authenticator, type Principal, type ReleaseServiceAccountVerifier } from './auth.js';
import { BearerAuthenticator, type BearerAuthOptions } from './bearer-auth.js';
import { deliverToIpp, type PrinterTlsOptions } from './delivery-ipp.js';
import { documentFormatOf, hasChanges, planDelivery } from './delivery-plan.js';
import { deliverToSocket } from './delivery-socket.js';
import { ReleaseError } from './errors.js';
import { openJobDocument } from './job-document.js';
import { JobIndexCache } from './job-index-cache.js';
import { expiryOf, LifespanSweeper, type SweepResult } from './lifespans.js';
import type { ReleaseServerPlan } from './plans.js';
import { FailureLimiter, type RateLimitOptions } from './rate-limit.js';
import { createReleaseHandler, type ReleaseApi } from './routes.js';
import { SavedPrinters } from './saved-printers.js';
import { DEFAULT_HTTP_LIMITS, startReleaseListener, type HttpLimits, type ReleaseListener } from './server.js';
import { loadReleaseTls, type ReleaseTlsMaterial, type WorkstationNames } from './tls-cert.js';
import type { Clock, EmptyFolderPolicy, Lifespans, ReleaseEvent, ReleaseJobView, ReleaseOutcome, ReleaseSpool } from './types.js';

export interface DeliveryTimeouts {
  readonly connectTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** Port 9100: how long to wait for the printer to close after the last byte. */
  readonly closeWaitMs?: number;
}

export interface ReleaseServiceOptions {
  readonly spool: ReleaseSpool;
  readonly dataDir: string;
  readonly logger: Logger;
  /** LateBindingSettings/LateBindingEnabled. */
  readonly lateBindingEnabled: boolean;
  /** ClientSettings of each mode that holds jobs. */
  readonly lifespans: Lifespans;
  readonly emptyFolders: EmptyFolderPolicy;
  /** Deletes a user's stored tokens (the token vault) once their folder was removed. */
  readonly forgetUser: (user: string) => Promise<void>;
  /** releaseServerPlans(config), possibly with test ports. */
  readonly servers: readonly ReleaseServerPlan[];
  /** Listening address (default every interface: '::', else '0.0.0.0'). */
  readonly host?: string;
  readonly tls?: { readonly certFile?: string | null; readonly keyFile?: string | null; readonly names?: () => WorkstationNames };
  /** Hybrid: how user tokens are verified; null disables Bearer. */
  readonly bearer?: BearerAuthOptions | null;
  /** Serverless AD: the service-account check (LdapServiceAccountVerifier); null disables Basic. */
  readonly serviceAccount?: ReleaseServiceAccountVerifier | null;
  readonly clock: Clock;
  readonly httpLimits?: Partial<HttpLimits>;
  readonly rateLimit?: RateLimitOptions;
  /** Trust for ipps:// printers. */
  readonly printerTls?: PrinterTlsOptions;
  /** Memory for the late-binding indexes of held jobs (default 64 MiB; 0 turns indexing off). */
  readonly lateBindingIndexBudgetBytes?: number;
  readonly delivery?: DeliveryTimeouts;
  readonly sweepIntervalMs?: number;
}

export interface ReleaseJobOptions {
  /** A printer URI or a saved printer's name; absent = the default saved printer. */
  readonly printer?: string | null;
  /** Print and keep (released-kept) instead of deleting after printing. */
  readonly keep?: boolean;
  /** Late-binding changes (untrusted input: validated here). */
  readonly changes?: unknown;
}

export interface ReleaseListenerStatus {
  readonly port: number;
  readonly host: string;
  readonly secure: boolean;
  readonly modes: readonly ModeKind[];
}

export interface ReleaseStatus {
  readonly listeners: readonly ReleaseListenerStatus[];
  readonly certificate: { readonly source: string; readonly fingerprint256: string; readonly notAfter: string; readonly subjectAltNames: readonly string[] } | null;
  readonly lateBindingEnabled: boolean;
}

const RELEASABLE: readonly JobRecord['state'][] = ['held', 'released-kept'];

export class ReleaseService implements ReleaseApi {
  readonly events: TypedEvents<ReleaseEvent>;
  readonly printers: SavedPrinters;
  readonly #o: ReleaseServiceOptions;
  readonly #log: Logger;
  readonly #busy = new Set<string>();
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #sweeper: LifespanSweeper;
  readonly #limiter: FailureLimiter;
  #bearer: BearerAuthenticator | null = null;
  #listeners: { l: ReleaseListener; modes: readonly ModeKind[] }[] = [];
  #tls: ReleaseTlsMaterial | null = null;
  /** Page indexes of held PCL XL jobs, when late binding is on (job-index-cache.ts). */
  readonly #indexes: JobIndexCache | null;
  #unsubscribe: Array<() => void> = [];

  constructor(o: ReleaseServiceOptions) {
    this.#o = o;
    this.#log = o.logger;
    this.events = new TypedEvents<ReleaseEvent>(o.logger);
    this.printers = new SavedPrinters(o.dataDir);
    this.#limiter = new FailureLimiter({ now: () => o.clock.now().getTime(), ...o.rateLimit });
    this.#sweeper = new LifespanSweeper({
      spool: o.spool,
      dataDir: o.dataDir,
      lifespans: o.lifespans,
      emptyFolders: o.emptyFolders,
      forgetUser: o.forgetUser,
      isBusy: (id) => this.#busy.has(id),
      clock: o.clock,
      logger: o.logger.child('lifespans'),
      intervalMs: o.sweepIntervalMs,
      onExpired: (job) => this.events.emit({ type: 'job-expired', job, reason: 'expired' }),
      onFolderRemoved: (user, tokensForgotten) => this.events.emit({ type: 'user-folder-removed', user, tokensForgotten }),
    });
    this.#indexes = o.lateBindingEnabled && o.lateBindingIndexBudgetBytes !== 0
      ? new JobIndexCache({ logger: o.logger.child('job-index'), budgetBytes: o.lateBindingIndexBudgetBytes })
      : null;
  }

  /** Resolves when no late-binding index is being built (tests, benchmarks). */
  async jobIndexesBuilt(): Promise<void> {
    await this.#indexes?.idle();
  }

  /** Indexes held jobs now and as they come; forgets them as they go. */
  #watchHeldJobs(): void {
    const ix = this.#indexes;
    if (!ix) return;
    const spool = this.#o.spool;
    const follow = (job: JobRecord): void => {
      if (RELEASABLE.includes(job.state)) ix.want(job);
      else ix.forget(job.id);
    };
    this.#unsubscribe.push(
      spool.on('job-stored', follow),
      spool.on('job-state', follow),
      spool.on('job-deleted', (job) => ix.forget(job.id)),
    );
    for (const job of spool.list({ states: [...RELEASABLE] })) ix.want(job);
  }

  get lateBindingEnabled(): boolean {
    return this.#o.lateBindingEnabled;
  }

  /** Listeners first (printers get answers at once), then the first lifespan sweep. */
  async start(): Promise<void> {
    const o = this.#o;
    try {
      if (o.servers.some((s) => s.useSsl)) {
        this.#tls = await loadReleaseTls({ dataDir: o.dataDir, certFile: o.tls?.certFile, keyFile: o.tls?.keyFile, names: o.tls?.names, now: () => o.clock.now(), logger: this.#log.child('tls') });
      }
      if (o.bearer && o.servers.some((s) => s.modes.includes('hybrid'))) {
        this.#bearer = new BearerAuthenticator({ now: () => o.clock.now(), ...o.bearer }, this.#log.child('bearer'));
      }
      const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...o.httpLimits };
      for (const plan of o.servers) {
        const auth = new Authenticator({
          bearer: plan.modes.includes('hybrid') ? this.#bearer : null,
          serviceAccount: plan.modes.includes('serverless-ad') ? o.serviceAccount ?? null : null,
          logger: this.#log,
        });
        const handler = createReleaseHandler({ api: this, auth, limiter: this.#limiter, modes: plan.modes, maxBodyBytes: limits.maxBodyBytes, logger: this.#log.child('api') });
        const l = await startReleaseListener({ port: plan.port, host: o.host, tls: plan.useSsl ? this.#tls : null, limits, handler, logger: this.#log });
        this.#listeners.push({ l, modes: plan.modes });
      }
      this.#bearer?.warmUp();
      const swept = await this.#sweeper.start();
      this.#watchHeldJobs();
      this.#log.info('release service started', { listeners: this.#listeners.map((x) => x.l.port), expired: swept.expired.length });
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops listening and sweeping; waits for releases under way (they have their own timeouts). */
  async stop(): Promise<void> {
    const listeners = this.#listeners.splice(0);
    await Promise.allSettled(listeners.map((x) => x.l.close()));
    await this.#sweeper.stop();
    for (const off of this.#unsubscribe.splice(0)) off();
    await this.#indexes?.stop();
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    await this.#bearer?.close();
    this.#bearer = null;
  }

  status(): ReleaseStatus {
    const t = this.#tls;
    return {
      listeners: this.#listeners.map(({ l, modes }) => ({ port: l.port, host: l.host, secure: l.secure, modes })),
      certificate: t ? { source: t.source, fingerprint256: t.fingerprint256, notAfter: t.notAfter.toISOString(), subjectAltNames: t.subjectAltNames } : null,
      lateBindingEnabled: this.lateBindingEnabled,
    };
  }

  /** Runs the lifespan sweep now. */
  sweep(): Promise<SweepResult> {
    return this.#sweeper.sweep();
  }

  // --- engine-facing release to an ordinary printer ---------------------------------

  releaseJob(id: string, opts: ReleaseJobOptions = {}): Promise<ReleaseOutcome> {
    const p = this.#release(id, opts);
    this.#inflight.add(p);
    const forget = (): void => {
      this.#inflight.delete(p);
    };
    p.then(forget, forget);
    return p;
  }

  async #release(id: string, opts: ReleaseJobOptions): Promise<ReleaseOutcome> {
    const o = this.#o;
    const job = o.spool.get(id);
    if (!job) throw new ReleaseError('JOB_NOT_FOUND', `no job ${id}`);
    if (!RELEASABLE.includes(job.state)) throw new ReleaseError('JOB_NOT_RELEASABLE', `job ${id} is ${job.state}; only held or printed-and-kept jobs can be released`);
    const changes = this.#checkChanges(opts.changes);
    const target = await this.printers.resolve(opts.printer);
    const keep = opts.keep === true;
    this.#claim(id);
    const t0 = Date.now();
    try {
      const plan = planDelivery(job, target.scheme, changes);
      const pageIndex = plan.rewrite ? this.#indexes?.get(job) ?? null : null;
      const document = await openJobDocument(job, plan.rewrite, pageIndex);
      const timeouts = o.delivery ?? {};
      let bytesSent: number;
      let printerJobId: number | null = null;
      let ignored: readonly string[] = [];
      if (target.scheme === 'socket') {
        ({ bytesSent } = await deliverToSocket({ host: target.host, port: target.port, document, ...timeouts, logger: this.#log }));
      } else {
        const r = await deliverToIpp({
          target, document, requestingUserName: job.owner, jobName: job.title ?? `PullPrint job ${job.seq}`,
          documentFormat: plan.documentFormat, jobAttributes: plan.jobAttributes, tls: o.printerTls, ...timeouts, logger: this.#log,
        });
        bytesSent = r.bytesSent;
        printerJobId = r.answer.jobId;
        ignored = r.answer.unsupported;
        if (ignored.length > 0) this.#log.warn('the printer ignored some job settings', { id, printer: target.uri, attributes: ignored });
      }
      const after = await this.#afterPrint(job, keep);
      this.#log.info('job released to a printer', {
        id, printer: target.uri, bytes: bytesSent, kept: keep, ms: Date.now() - t0, changes: Object.keys(plan.applied), lateBindingIndex: pageIndex !== null,
      });
      this.events.emit({ type: 'job-released', job: after, via: 'direct', kept: after.state === 'released-kept', printer: target.uri });
      return {
        id, printer: target.uri, protocol: target.scheme, bytesSent, kept: after.state === 'released-kept',
        state: after.state === 'released-kept' ? 'released-kept' : 'released-deleted', printerJobId, ignoredAttributes: ignored, changes: plan.applied,
      };
    } catch (err) {
      const code = errorCode(err);
      const message = err instanceof Error ? err.message : String(err);
      this.#log.warn('release to a printer failed; the job stays held', { id, printer: target.uri, code, message });
      this.events.emit({ type: 'release-failed', jobId: id, printer: target.uri, code, message });
      throw err;
    } finally {
      this.#busy.delete(id);
    }
  }

  /** Keep or delete after printing; a job deleted meanwhile stays deleted. */
  async #afterPrint(job: JobRecord, keep: boolean): Promise<JobRecord> {
    try {
      return keep ? await this.#o.spool.setState(job.id, 'released-kept') : await this.#o.spool.delete(job.id, 'released');
    } catch (err) {
      if (errorCode(err) !== 'JOB_NOT_FOUND') throw err;
      this.#log.warn('the job was deleted while it was being printed', { id: job.id });
      return { ...job, state: 'released-deleted' };
    }
  }

  #checkChanges(input: unknown): LateBindingChanges | null {
    if (input === undefined || input === null) return null;
    if (typeof input === 'object' && !Array.isArray(input) && Object.keys(input).length === 0) return null;
    if (!this.lateBindingEnabled) {
      throw new ReleaseError('LATE_BINDING_DISABLED', 'changing a held job\'s settings is disabled on this workstation (LateBindingEnabled is false)');
    }
    return validateChanges(input);
  }

  #claim(id: string): void {
    if (this.#busy.has(id)) throw new ReleaseError('JOB_BUSY', `job ${id} is being released right now`);
    this.#busy.add(id);
  }

  // --- ReleaseApi: what the printer-facing routes use ------------------------------

  visibleJobs(p: Principal, modes: readonly ModeKind[]): JobRecord[] {
    return this.#o.spool.list({ states: [...RELEASABLE] }).filter((j) => modes.includes(j.mode) && p.modes.includes(j.mode) && p.owns(j.owner));
  }

  view(job: JobRecord): ReleaseJobView {
    const expires = expiryOf(job, this.#o.lifespans);
    return {
      id: job.id,
      title: job.title,
      pages: job.pages,
      color: job.color,
      duplex: job.duplex,
      copies: job.copies,
      size: job.size,
      pdl: job.pdl,
      documentFormat: documentFormatOf(job.pdl),
      state: job.state === 'released-kept' ? 'released-kept' : 'held',
      receivedAt: job.receivedAt,
      printedAt: job.state === 'released-kept' ? job.updatedAt : null,
      expiresAt: expires ? expires.toISOString() : null,
    };
  }

  openDocument(job: JobRecord, changes: LateBindingChanges | null): Promise<Readable> {
    return openJobDocument(job, hasChanges(changes) ? changes : null, this.#indexes?.get(job) ?? null);
  }

  async markPrinted(id: string, keep: boolean, by: string): Promise<JobRecord> {
    const job = this.#o.spool.get(id);
    if (!job) throw new ReleaseError('JOB_NOT_FOUND', `no job ${id}`);
    this.#claim(id);
    try {
      const after = keep ? await this.#o.spool.setState(id, 'released-kept') : await this.#o.spool.delete(id, 'released');
      this.#log.info('job printed by a printer-side release app', { id, kept: keep, by });
      this.events.emit({ type: 'job-released', job: after, via: 'printer-app', kept: keep, printer: null });
      return after;
    } finally {
      this.#busy.delete(id);
    }
  }

  async remove(id: string, _by: string): Promise<JobRecord> {
    this.#claim(id);
    try {
      return await this.#o.spool.delete(id, 'user-deleted');
    } finally {
      this.#busy.delete(id);
    }
  }
}
