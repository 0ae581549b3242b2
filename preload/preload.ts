// The preload: the pages' only door to the main process (STYLE "IPC that cannot drift").
// It exposes verbs, never ipcRenderer. Sandboxed preloads cannot load modules other than
// electron, so this is one self-contained CommonJS file (preload/package.json makes tsc
// emit CommonJS) that imports types only; the channel names are restated under a
// `satisfies` check against the contract, so a renamed channel fails to compile.

import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { API_KEY, CallError, Envelope, EventContract, InvokeChannel, RendererApi, STATE_CHANGED, VERB_CHANNELS } from '../main/ui/ipc-contract.js';
import type { AboutInfo, JobView, UiState } from '../main/ui/ui-state.js';
import type { SavedPrinterView } from '../main/ui/ipc-contract.js';

const CHANNELS = {
  getState: 'pullprint:get-state',
  listJobs: 'pullprint:list-jobs',
  deleteJob: 'pullprint:delete-job',
  releaseJob: 'pullprint:release-job',
  signIn: 'pullprint:sign-in',
  signOut: 'pullprint:sign-out',
  savedPrinters: 'pullprint:saved-printers',
  about: 'pullprint:about',
} as const satisfies typeof VERB_CHANNELS;
const STATE_EVENT: typeof STATE_CHANGED = 'pullprint:state-changed';
const KEY: typeof API_KEY = 'pullprint';

function isEnvelope(x: unknown): x is Envelope<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { ok?: unknown }).ok === 'boolean';
}

/** Invokes a channel and unwraps the envelope; failures reject with a plain { code, message }. */
async function call(channel: InvokeChannel, ...args: unknown[]): Promise<unknown> {
  const answer: unknown = await ipcRenderer.invoke(channel, ...args);
  if (isEnvelope(answer) && answer.ok) return answer.value;
  const error: CallError = isEnvelope(answer) && !answer.ok
    ? { code: String(answer.error.code), message: String(answer.error.message) }
    : { code: 'BAD_ANSWER', message: 'the main process gave no answer' };
  // A plain object, not an Error: contextBridge keeps only an Error's message, and pages need the code.
  return Promise.reject(error);
}

const done = (): undefined => undefined;

const api: RendererApi = {
  getState: () => call(CHANNELS.getState) as Promise<UiState>,
  listJobs: () => call(CHANNELS.listJobs) as Promise<JobView[]>,
  deleteJob: (id) => call(CHANNELS.deleteJob, id).then(done),
  releaseJob: (id, request) => call(CHANNELS.releaseJob, id, request).then(done),
  signIn: (request) => call(CHANNELS.signIn, request).then(done),
  signOut: () => call(CHANNELS.signOut).then(done),
  savedPrinters: () => call(CHANNELS.savedPrinters) as Promise<SavedPrinterView[]>,
  about: () => call(CHANNELS.about) as Promise<AboutInfo>,
  onStateChanged: (listener) => {
    // The page gets the state only, never the IPC event (it carries the sender).
    const relay = (_event: IpcRendererEvent, state: EventContract[typeof STATE_EVENT]): void => listener(state);
    ipcRenderer.on(STATE_EVENT, relay);
    return () => {
      ipcRenderer.removeListener(STATE_EVENT, relay);
    };
  },
};

contextBridge.exposeInMainWorld(KEY, api);
