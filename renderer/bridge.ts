// The preload's API as the pages see it (`window.pullprint`), typed by the IPC contract.

import type { CallError, RendererApi } from '../main/ui/ipc-contract.js';

export function bridge(): RendererApi {
  const api = (window as unknown as { pullprint?: RendererApi }).pullprint;
  if (!api) throw new Error('PullPrint bridge missing: this page must be opened by PullPrint');
  return api;
}

/** The { code, message } a verb rejects with (anything else becomes an INTERNAL error). */
export function asCallError(err: unknown): CallError {
  if (err && typeof err === 'object' && typeof (err as CallError).code === 'string') {
    const e = err as CallError;
    return { code: e.code, message: typeof e.message === 'string' ? e.message : '' };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
