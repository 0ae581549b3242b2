// The one place IPC handlers are registered (STYLE: VS Code's validated ipcMain, Fiddle's
// ipc.ts). Every call is checked before any work: the sender must be one of our windows,
// the calling frame must be its top frame and show a page of our own origin, and the
// arguments must match the contract's schema. The answer is always an Envelope, because
// Electron keeps only the message of an Error thrown across IPC and pages need the code.
// Under Node the port is implemented by tests; in Electron by main/shell/ipc.ts.

import type { Logger } from '../log/types.js';
import { PullPrintError, errorCode } from '../util/errors.js';
import { parseArgs, VERB_CHANNELS } from './ipc-contract.js';
import type { CallError, Envelope, InvokeChannel, InvokeContract } from './ipc-contract.js';

/** What a handler learns about the caller (a subset of Electron's IpcMainInvokeEvent). */
export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  /** null when the frame navigated away or was destroyed before the call arrived. */
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainPort {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Where our pages come from: pullprint://app in the product, http://127.0.0.1:PORT in the renderer tests. */
export interface AppOrigin {
  readonly protocol: string;
  readonly host: string;
}

export interface SenderPolicy {
  readonly origin: AppOrigin;
  /** The webContents ids of the windows we created (the window factory registers them). */
  isOurWebContents(id: number): boolean;
}

export type Handlers = {
  readonly [C in InvokeChannel]: (...args: InvokeContract[C]['args']) => Promise<InvokeContract[C]['result']>;
};

/**
 * URL.origin is "null" for non-special schemes such as pullprint:, so scheme and host are
 * compared instead; a URL that does not parse is never ours.
 */
export function isOurUrl(url: string, origin: AppOrigin): boolean {
  try {
    const u = new URL(url);
    // Hosts of non-special schemes keep their case in WHATWG URL; Chromium lowercases standard ones.
    return u.protocol === origin.protocol && u.host.toLowerCase() === origin.host.toLowerCase() && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export function senderRejection(event: InvokeEventLike, policy: SenderPolicy): string | null {
  if (!policy.isOurWebContents(event.sender.id)) return 'not one of our windows';
  const frame = event.senderFrame;
  if (!frame) return 'the calling frame is gone';
  if (frame.parent !== null && frame.parent !== undefined) return 'a sub-frame';
  if (!isOurUrl(frame.url, policy.origin)) return 'a page of another origin';
  return null;
}

/** Failures a page may see. Anything that is not one of our typed errors is reported without its details. */
export function toCallError(err: unknown): CallError {
  if (err instanceof PullPrintError) return { code: err.code, message: err.message };
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const { code, message } = err as { code: unknown; message: unknown };
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code) && typeof message === 'string') return { code, message };
  }
  return { code: 'INTERNAL', message: 'An unexpected error occurred; details are in the log file.' };
}

const CHANNELS = Object.values(VERB_CHANNELS) as InvokeChannel[];

/** Registers one handler per contract channel; returns the function that removes them all. */
export function registerIpcHandlers(ipc: IpcMainPort, handlers: Handlers, policy: SenderPolicy, logger: Logger): () => void {
  const log = logger.child('ipc');
  for (const channel of CHANNELS) {
    ipc.handle(channel, async (event, ...raw): Promise<Envelope<unknown>> => {
      const refused = senderRejection(event, policy);
      if (refused) {
        // Who asked is worth a warning; what they sent is not logged (it may hold a password).
        log.warn('IPC call refused', { channel, reason: refused });
        return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: `refused: ${refused}` } };
      }
      const parsed = parseArgs(channel, raw);
      if (!parsed.ok) {
        log.warn('IPC call with bad arguments', { channel, issue: parsed.issue });
        return { ok: false, error: { code: 'BAD_ARGUMENTS', message: parsed.issue } };
      }
      try {
        const fn = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
        const value = await fn(...parsed.args);
        return { ok: true, value: value ?? null };
      } catch (err) {
        const error = toCallError(err);
        if (error.code === 'INTERNAL') log.error('IPC handler failed', { channel, err });
        else log.info('IPC call failed', { channel, code: errorCode(err) });
        return { ok: false, error };
      }
    });
  }
  return () => {
    for (const channel of CHANNELS) ipc.removeHandler(channel);
  };
}
