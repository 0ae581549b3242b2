// Keeps this workstation's value in the signed-in user's directory attribute in step with
// ADWriteOption, held jobs, power events and address changes. Inputs only record what is
// wanted and wake one worker, which reconciles the directory with it; inputs never wait
// for the directory and never throw, so job handling is never held up by it. Only
// suspend(), shutdown() and signedOut() return a promise, for callers that can delay
// sleep, exit or logout a little while the value is removed.
//
// Failures: unreachable → retry with backoff on the injected clock; wrong or missing
// password → one sign-in-required event and no retry until signedIn() (retrying a wrong
// password walks an AD account into lockout); anything an administrator must fix → one
// error log per distinct problem, a status naming the attribute, DN and access, and a
// slow retry in case it gets fixed.

import type { AdWriteOption } from '../config/types.js';
import type { Logger } from '../log/types.js';
import { TypedEvents } from '../core/events.js';
import { formatValue, checkAddress, checkWorkstationId } from './attribute-value.js';
import type { AttributeWriter } from './attribute-writer.js';
import { backoffDelay, type BackoffPolicy } from '../util/backoff.js';
import { REAL_CLOCK } from '../util/clock.js';
import { DirectoryError, classifyLdapError, failureClass, signInReason } from './errors.js';
import { intentFor, type PublisherInput } from './timing.js';
import type { Clock, CredentialStore, DirectoryEvent, DirectoryState, DirectoryStatus, WorkstationAddress } from './types.js';

export interface DirectoryPublisherOptions {
  /** The signed-in user (sign-in name); the directory account is found with the user filter. */
  readonly user: string;
  readonly option: AdWriteOption;
  /** The attribute written (for status and messages; the writer holds the settings). */
  readonly attribute: string;
  /** Stable id of this workstation (workstation-id.ts). */
  readonly workstationId: string;
  /** Computer name shown in the value for people; optional. */
  readonly label?: string | null;
  readonly address: WorkstationAddress | null;
  readonly writer: AttributeWriter;
  readonly credentials: CredentialStore;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Jitter source, [0, 1). */
  readonly random?: () => number;
  readonly backoff?: BackoffPolicy;
  /** How long suspend(), shutdown() and signedOut() wait for the removal (real time). */
  readonly removalTimeoutMs?: number;
}

/**
 * Retries while the directory cannot be reached. maxMs is also the pace of the slow retry
 * after a problem an administrator must fix.
 */
export const DIRECTORY_BACKOFF: BackoffPolicy = { initialMs: 5_000, maxMs: 15 * 60_000 };

type Phase = 'new' | 'running' | 'suspended' | 'stopped';

export class DirectoryPublisher {
  readonly events: TypedEvents<DirectoryEvent>;
  readonly #o: DirectoryPublisherOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #backoff: BackoffPolicy;
  #phase: Phase = 'new';
  #want = false;
  #verify = false;
  #signedOut = false;
  /** Waiting for signedIn(): the stored password is missing or known wrong. */
  #needsSignIn = false;
  #address: WorkstationAddress | null;
  /** Our value as last confirmed in the directory (null: none of ours). */
  #published: string | null = null;
  #state: DirectoryState = 'idle';
  #failures = 0;
  #lastError: DirectoryStatus['lastError'] = null;
  #adminMessage: string | null = null;
  #loggedProblem: string | null = null;
  #cancelRetry: (() => void) | null = null;
  #nextRetryAt: Date | null = null;
  #worker: Promise<void> | null = null;
  #dirty = false;

  constructor(opts: DirectoryPublisherOptions) {
    checkWorkstationId(opts.workstationId);
    if (opts.address) checkAddress(opts.address);
    this.#o = opts;
    this.#log = opts.log;
    this.#clock = opts.clock ?? REAL_CLOCK;
    this.#random = opts.random ?? Math.random;
    this.#backoff = opts.backoff ?? DIRECTORY_BACKOFF;
    this.#address = opts.address;
    this.events = new TypedEvents<DirectoryEvent>(opts.log);
  }

  // ---- inputs ----

  start(heldJobCount: number): void {
    if (this.#phase !== 'new') return;
    this.#phase = 'running';
    this.#input({ kind: 'start', held: heldJobCount });
  }

  /** A job of this user was just held (printed). */
  jobHeld(): void {
    if (this.#phase !== 'running') return;
    this.#input({ kind: 'job-held' });
  }

  /** The number of this user's held jobs changed (held, released, deleted, expired). */
  heldJobsChanged(count: number): void {
    if (this.#phase !== 'running') return;
    this.#input({ kind: 'held-changed', held: count });
  }

  /** The machine is going to sleep: remove our value, within removalTimeoutMs. */
  async suspend(): Promise<void> {
    if (this.#phase !== 'running') return;
    this.#input({ kind: 'suspend' });
    this.#phase = 'suspended';
    await this.#settle();
    this.#stopRetry();
    if (this.#phase === 'suspended') this.#setState('suspended');
  }

  /** The machine woke up: re-apply per ADWriteOption with the current held-job count. */
  resume(heldJobCount: number): void {
    // Also from 'running': a suspend notice can be missed, and re-applying is harmless.
    if (this.#phase !== 'suspended' && this.#phase !== 'running') return;
    this.#phase = 'running';
    this.#input({ kind: 'resume', held: heldJobCount });
  }

  /** The client is exiting: remove our value, within removalTimeoutMs, then ignore every input. */
  async shutdown(): Promise<void> {
    if (this.#phase === 'stopped') return;
    const wasStarted = this.#phase !== 'new';
    this.#phase = 'stopped';
    if (wasStarted) {
      this.#applyIntent({ kind: 'shutdown' });
      this.#kick();
      await this.#settle();
    }
    this.#stopRetry();
    this.#setState('stopped');
  }

  /** DHCP or VPN gave this workstation another address: our value is replaced if published. */
  addressChanged(address: WorkstationAddress): void {
    try {
      checkAddress(address);
    } catch (e) {
      // E.g. only a loopback route left while the network is down: keep the last good one.
      this.#log.warn('workstation address not publishable; keeping the previous one', { host: address.host, reason: (e as Error).message });
      return;
    }
    const a = this.#address;
    if (a && a.host === address.host && a.port === address.port && a.secure === address.secure) return;
    this.#address = address;
    if (this.#phase === 'running' && this.#want) this.#kick();
  }

  /** The user entered a password (now in the credential store): retry what was waiting for it. */
  signedIn(): void {
    this.#signedOut = false;
    this.#needsSignIn = false;
    this.#verify = true;
    if (this.#phase === 'running') this.#kick();
  }

  /** The user logged out: remove our value with the password still stored, then publish nothing until signedIn(). */
  async signedOut(): Promise<void> {
    this.#signedOut = true;
    this.#verify = true;
    if (this.#phase === 'running' || this.#phase === 'suspended') {
      this.#kick();
      await this.#settle();
    }
  }

  // ---- observation ----

  status(): DirectoryStatus {
    return {
      state: this.#state,
      option: this.#o.option,
      user: this.#o.user,
      attribute: this.#o.attribute,
      wanted: this.#effectiveWant(),
      value: this.#published,
      lastError: this.#lastError,
      adminMessage: this.#adminMessage,
      nextRetryAt: this.#nextRetryAt ? this.#nextRetryAt.toISOString() : null,
      failures: this.#failures,
    };
  }

  /** Resolves when no directory operation is running (a scheduled retry may still be pending). */
  async idle(): Promise<void> {
    while (this.#worker) await this.#worker;
  }

  // ---- the worker ----

  #input(input: PublisherInput): void {
    this.#applyIntent(input);
    this.#kick();
  }

  #applyIntent(input: PublisherInput): void {
    const intent = intentFor(this.#o.option, input, this.#want);
    this.#want = intent.want;
    if (intent.verify) this.#verify = true;
  }

  #effectiveWant(): boolean {
    return this.#want && !this.#signedOut && this.#phase === 'running';
  }

  #kick(): void {
    // An input is a reason to try now; the backoff count is kept for the next failure.
    this.#stopRetry();
    this.#dirty = true;
    if (!this.#worker) this.#startWorker();
  }

  #startWorker(): void {
    this.#worker = this.#run().finally(() => {
      this.#worker = null;
      // An input that came after the loop's last look but before this point.
      if (this.#dirty && !this.#cancelRetry) this.#startWorker();
    });
  }

  async #run(): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false;
      await this.#reconcile();
      // Inputs that arrived during a failed attempt wait for the scheduled retry rather
      // than hammer a directory that just failed.
      if (this.#cancelRetry) break;
    }
    this.#dirty = false;
  }

  async #reconcile(): Promise<void> {
    const want = this.#effectiveWant();
    if (want && !this.#address) {
      this.#setState('no-address');
      return;
    }
    const target = want && this.#address ? formatValue(this.#address, this.#o.workstationId, this.#o.label) : null;
    if (!this.#verify && target === this.#published) {
      if (this.#state !== 'sign-in-required' && this.#state !== 'admin-action-required') this.#setState(target ? 'published' : 'removed');
      return;
    }
    // A known-wrong password is not tried again: each try counts towards AD's lockout.
    if (this.#needsSignIn) {
      this.#setState('sign-in-required');
      return;
    }
    this.#verify = false;
    this.#setState('working');
    let password: string | null;
    try {
      password = (await this.#o.credentials.get(this.#o.user))?.password ?? null;
    } catch (e) {
      this.#fail(new DirectoryError('DIRECTORY_UNREACHABLE', `the credential store cannot be read: ${(e as Error).message}`));
      return;
    }
    if (password === null) {
      if (target === null) {
        // Nothing can be removed without the user's password; not worth a prompt.
        this.#setState(this.#published ? 'published' : 'removed');
        return;
      }
      this.#fail(new DirectoryError('DIRECTORY_NO_CREDENTIALS', `no directory password is stored for ${this.#o.user}`));
      return;
    }
    try {
      const out = await this.#o.writer.apply({ user: this.#o.user, password, workstationId: this.#o.workstationId, value: target });
      this.#succeed(target, out.deleted.length > 0);
    } catch (e) {
      this.#fail(classifyLdapError(e, 'directory'));
    }
  }

  #succeed(target: string | null, deletedSomething: boolean): void {
    const before = this.#published;
    this.#published = target;
    this.#failures = 0;
    this.#lastError = null;
    this.#adminMessage = null;
    this.#loggedProblem = null;
    if (target !== null) {
      if (before !== target) {
        this.#log.info('workstation address published in the directory', { user: this.#o.user, attribute: this.#o.attribute, value: target });
        this.events.emit({ type: 'published', user: this.#o.user, value: target });
      }
      this.#setState('published');
    } else {
      if (before !== null || deletedSomething) {
        this.#log.info('workstation address removed from the directory', { user: this.#o.user, attribute: this.#o.attribute });
        this.events.emit({ type: 'removed', user: this.#o.user });
      }
      this.#setState('removed');
    }
  }

  #fail(err: DirectoryError): void {
    this.#failures += 1;
    this.#verify = true;
    this.#lastError = { code: err.code, message: err.message, at: this.#clock.now().toISOString() };
    const cls = failureClass(err.directoryCode);
    const problem = `${err.code}|${err.message}`;
    const firstTime = this.#loggedProblem !== problem;
    this.#loggedProblem = problem;
    if (cls === 'sign-in') {
      this.#needsSignIn = true;
      this.#adminMessage = null;
      if (firstTime) this.#log.warn('directory sign-in required', { user: this.#o.user, code: err.code });
      this.#setState('sign-in-required');
      this.events.emit({ type: 'sign-in-required', user: this.#o.user, reason: signInReason(err) });
      return;
    }
    if (cls === 'admin') {
      this.#adminMessage = err.message;
      if (firstTime) {
        this.#log.error('directory refused the workstation address: administrator action required', { user: this.#o.user, code: err.code, message: err.message });
        this.events.emit({ type: 'directory-error', user: this.#o.user, code: err.code, message: err.message, admin: true });
      }
      this.#scheduleRetry(this.#backoff.maxMs);
      this.#setState('admin-action-required');
      return;
    }
    this.#adminMessage = null;
    const delay = backoffDelay(this.#failures, this.#backoff, this.#random);
    if (firstTime) {
      this.#log.warn('directory not reachable; will retry', { user: this.#o.user, code: err.code, message: err.message, retryInMs: delay });
      this.events.emit({ type: 'directory-error', user: this.#o.user, code: err.code, message: err.message, admin: false });
    } else {
      this.#log.debug('directory still not reachable', { code: err.code, failures: this.#failures, retryInMs: delay });
    }
    this.#scheduleRetry(delay);
    this.#setState('retrying');
  }

  #scheduleRetry(delayMs: number): void {
    this.#stopRetry();
    // No retries while asleep or after shutdown: resume() re-applies everything.
    if (this.#phase !== 'running') return;
    const at = new Date(this.#clock.now().getTime() + delayMs);
    this.#nextRetryAt = at;
    this.#cancelRetry = this.#clock.setTimer(at, () => {
      this.#cancelRetry = null;
      this.#nextRetryAt = null;
      this.#verify = true;
      this.#kick();
    });
  }

  #stopRetry(): void {
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    this.#nextRetryAt = null;
  }

  async #settle(): Promise<void> {
    const timeoutMs = this.#o.removalTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
  }

  #setState(state: DirectoryState): void {
    if (this.#state === state && state !== 'retrying') return;
    this.#state = state;
    this.events.emit({ type: 'status', status: this.status() });
  }
}
