// The one IPC contract between the main process and the renderer pages (STYLE "IPC that
// cannot drift"): channel → argument tuple and result, the event channel, the verbs the
// preload exposes, and the run-time argument schemas. The main side (ipc-handlers.ts),
// the preload (preload/preload.ts) and the pages all derive their types from here; the
// preload, which cannot load modules in a sandbox, imports types only and restates the
// channel names under a `satisfies` check against VERB_CHANNELS.

import { z } from 'zod';
import { COLOR_CHOICES, COPIES_MAX, COPIES_MIN, PUNCH_CHOICES, SIDES_CHOICES, STAPLE_CHOICES } from '../pdl/late-binding/types.js';
import type { LateBindingChanges } from '../pdl/late-binding/types.js';
import type { AboutInfo, JobView, UiState } from './ui-state.js';

export type SignInRequest = { readonly email: string; readonly password: string } | { readonly sso: true };

export interface ReleaseRequest {
  /** A saved printer's name, or a printer URI (ipp://, ipps://, socket://). */
  readonly printer: string;
  /** Print and keep: the job stays held after printing. */
  readonly keep: boolean;
  /** Late binding; rejected by the release service when LateBindingEnabled is false. */
  readonly changes?: LateBindingChanges;
}

export interface SavedPrinterView {
  readonly name: string;
  readonly uri: string;
}

/** A failure as the renderer sees it: a stable code and an English message (pages translate the code). */
export interface CallError {
  readonly code: string;
  readonly message: string;
}

export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CallError };

export interface InvokeContract {
  'pullprint:get-state': { args: []; result: UiState };
  'pullprint:list-jobs': { args: []; result: JobView[] };
  'pullprint:delete-job': { args: [id: string]; result: null };
  'pullprint:release-job': { args: [id: string, request: ReleaseRequest]; result: null };
  'pullprint:sign-in': { args: [request: SignInRequest]; result: null };
  'pullprint:sign-out': { args: []; result: null };
  'pullprint:saved-printers': { args: []; result: SavedPrinterView[] };
  'pullprint:about': { args: []; result: AboutInfo };
}
export type InvokeChannel = keyof InvokeContract;

/** Main → renderer pushes. */
export interface EventContract {
  'pullprint:state-changed': UiState;
}
export const STATE_CHANGED = 'pullprint:state-changed' satisfies keyof EventContract;

/** Verb name in the renderer's API → its channel. */
export const VERB_CHANNELS = {
  getState: 'pullprint:get-state',
  listJobs: 'pullprint:list-jobs',
  deleteJob: 'pullprint:delete-job',
  releaseJob: 'pullprint:release-job',
  signIn: 'pullprint:sign-in',
  signOut: 'pullprint:sign-out',
  savedPrinters: 'pullprint:saved-printers',
  about: 'pullprint:about',
} as const satisfies Record<string, InvokeChannel>;
export type Verb = keyof typeof VERB_CHANNELS;

type Result<C extends InvokeChannel> = InvokeContract[C]['result'] extends null ? void : InvokeContract[C]['result'];

/** What `window.pullprint` offers the pages: one verb per channel, plus the state subscription. */
export type RendererApi = {
  readonly [V in Verb]: (...args: InvokeContract[(typeof VERB_CHANNELS)[V]]['args']) => Promise<Result<(typeof VERB_CHANNELS)[V]>>;
} & {
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  readonly onStateChanged: (listener: (state: UiState) => void) => () => void;
};

/** The name under which the preload exposes the API (`window.pullprint`). */
export const API_KEY = 'pullprint';

// --- run-time validation of what a renderer sends (it is untrusted) ---

const jobId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a job id');

const changes = z.object({
  copies: z.number().int().min(COPIES_MIN).max(COPIES_MAX).optional(),
  color: z.enum(COLOR_CHOICES as [string, ...string[]]).optional(),
  sides: z.enum(SIDES_CHOICES as [string, ...string[]]).optional(),
  staple: z.enum(STAPLE_CHOICES as [string, ...string[]]).optional(),
  punch: z.enum(PUNCH_CHOICES as [string, ...string[]]).optional(),
}).strict();

const releaseRequest = z.object({
  printer: z.string().trim().min(1).max(1023),
  keep: z.boolean(),
  changes: changes.optional(),
}).strict();

const signInRequest = z.union([
  z.object({ email: z.string().trim().min(3).max(320).regex(/^[^\s@]+@[^\s@]+$/, 'an e-mail address'), password: z.string().min(1).max(4096) }).strict(),
  z.object({ sso: z.literal(true) }).strict(),
]);

/** One schema per channel for the argument tuple; extra arguments are refused. */
export const ARG_SCHEMAS: { readonly [C in InvokeChannel]: z.ZodType } = {
  'pullprint:get-state': z.tuple([]),
  'pullprint:list-jobs': z.tuple([]),
  'pullprint:delete-job': z.tuple([jobId]),
  'pullprint:release-job': z.tuple([jobId, releaseRequest]),
  'pullprint:sign-in': z.tuple([signInRequest]),
  'pullprint:sign-out': z.tuple([]),
  'pullprint:saved-printers': z.tuple([]),
  'pullprint:about': z.tuple([]),
};

/** Validated arguments of a channel, typed by the contract. */
export function parseArgs<C extends InvokeChannel>(channel: C, args: unknown[]): { ok: true; args: InvokeContract[C]['args'] } | { ok: false; issue: string } {
  const r = ARG_SCHEMAS[channel].safeParse(args);
  if (r.success) return { ok: true, args: r.data as InvokeContract[C]['args'] };
  const first = r.error.issues[0];
  return { ok: false, issue: first ? `${first.path.join('.') || 'arguments'}: ${first.message}` : 'invalid arguments' };
}
