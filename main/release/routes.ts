// The printer-facing release API, version 1 (docs/release-api.md, docs/release-api.openapi.yaml):
//
//   GET    /release/v1/health                 no authentication, no user data
//   GET    /release/v1/jobs                   the caller's held (and printed-and-kept) jobs
//   GET    /release/v1/jobs/{id}              one job's facts
//   GET    /release/v1/jobs/{id}/document     the document as stored, streamed
//   POST   /release/v1/jobs/{id}/document     the document with {"changes": {...}} applied
//   POST   /release/v1/jobs/{id}/printed      {"keep": true|false}: printed and kept, or deleted
//   DELETE /release/v1/jobs/{id}              deleted by the user
//
// Order of checks: route shape (404), method (405), credentials (401/429/503), job id
// syntax (400), ownership (404: another user's job is indistinguishable from none), then
// the operation. Paths are matched on their raw segments — never decoded or normalised —
// and ids must be UUIDs, so nothing in a path can reach the file system.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ModeKind } from '../config/types.js';
import type { Logger } from '../log/types.js';
import { validateChanges, type LateBindingChanges } from '../pdl/late-binding/index.js';
import type { JobRecord } from '../spool/types.js';
import { errorCode } from '../util/errors.js';
import { parseAuthorization, type Authenticator, type Principal } from './auth.js';
import { corkPerTick } from './cork-per-tick.js';
import { hasChanges } from './delivery-plan.js';
import { ReleaseError, httpStatusOf } from './errors.js';
import { commonHeaders, readJsonBody, sendEmpty, sendError, sendJson } from './http-io.js';
import type { FailureLimiter } from './rate-limit.js';
import type { ReleaseJobView } from './types.js';

export const API_PREFIX = '/release/v1';
export const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the routes need of the release service. */
export interface ReleaseApi {
  readonly lateBindingEnabled: boolean;
  /** Jobs `p` may see, among jobs of `modes`. */
  visibleJobs(p: Principal, modes: readonly ModeKind[]): JobRecord[];
  view(job: JobRecord): ReleaseJobView;
  openDocument(job: JobRecord, changes: LateBindingChanges | null): Promise<Readable>;
  markPrinted(id: string, keep: boolean, by: string): Promise<JobRecord>;
  remove(id: string, by: string): Promise<JobRecord>;
}

export interface RoutesContext {
  readonly api: ReleaseApi;
  readonly auth: Authenticator;
  readonly limiter: FailureLimiter;
  /** The modes whose jobs this server serves. */
  readonly modes: readonly ModeKind[];
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

type Route = 'jobs' | 'job' | 'document' | 'printed';

const ALLOWED: Record<Route, readonly string[]> = {
  jobs: ['GET'],
  job: ['GET', 'DELETE'],
  document: ['GET', 'POST'],
  printed: ['POST'],
};

function matchRoute(segments: readonly string[]): { route: Route; id: string | null } | null {
  if (segments[0] !== 'jobs') return null;
  if (segments.length === 1) return { route: 'jobs', id: null };
  if (segments.length === 2) return { route: 'job', id: segments[1] };
  if (segments.length === 3 && segments[2] === 'document') return { route: 'document', id: segments[1] };
  if (segments.length === 3 && segments[2] === 'printed') return { route: 'printed', id: segments[1] };
  return null;
}

/** Rate-limit key: the IPv4 address, or the /64 of an IPv6 one (a host owns a whole /64). */
export function peerKey(address: string | undefined): string {
  const a = (address ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!a.includes(':')) return a;
  const full = new URL(`http://[${a.split('%')[0]}]/`).hostname.slice(1, -1);
  const head = full.split('::')[0].split(':').slice(0, 4);
  return `${head.join(':')}::/64`;
}

function body<T extends object>(value: unknown, allowed: readonly string[]): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ReleaseError('BAD_REQUEST', 'the request body must be a JSON object');
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new ReleaseError('BAD_REQUEST', `unknown field(s) ${extra.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} (allowed: ${allowed.join(', ')})`);
  return value as Partial<T>;
}

/** Waits for the first bytes (or the end), so a failure before them is still a clean JSON error. */
function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('readable', onReadable);
      stream.off('error', onError);
      stream.off('end', onEnd);
    };
    const onReadable = (): void => {
      const b = stream.read() as Buffer | null;
      if (b === null) return;
      done();
      resolve(b);
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onEnd = (): void => {
      done();
      resolve(null);
    };
    stream.on('readable', onReadable);
    stream.on('error', onError);
    stream.on('end', onEnd);
  });
}

export function createReleaseHandler(ctx: RoutesContext): (req: IncomingMessage, res: ServerResponse) => void {
  const log = ctx.logger;
  return (req, res) => {
    const started = Date.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    res.on('finish', () => {
      // Paths and methods only: query strings and headers may carry user names and tokens.
      log.debug('release request', { method: req.method, path: path.slice(0, 120), status: res.statusCode, ms: Date.now() - started, peer: req.socket.remoteAddress });
    });
    handle(ctx, req, res, path, new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1))).catch((err: unknown) => {
      if (httpStatusOf(errorCode(err)) >= 500) log.error('release request failed', { method: req.method, path: path.slice(0, 120), code: errorCode(err), error: String(err) });
      sendError(res, err);
    });
  };
}

async function handle(ctx: RoutesContext, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === `${API_PREFIX}/health`) {
    if (method !== 'GET') throw methodNotAllowed(res, ['GET']);
    sendJson(res, 200, { status: 'ok', api: 'v1', lateBindingEnabled: ctx.api.lateBindingEnabled });
    return;
  }
  if (!path.startsWith(`${API_PREFIX}/`)) throw new ReleaseError('NOT_FOUND', 'no such resource');
  const m = matchRoute(path.slice(API_PREFIX.length + 1).split('/'));
  if (!m) throw new ReleaseError('NOT_FOUND', 'no such resource');
  if (!ALLOWED[m.route].includes(method)) throw methodNotAllowed(res, ALLOWED[m.route]);

  const principal = await authenticate(ctx, req, res, query);
  if (!principal) return;

  if (m.route === 'jobs') {
    const jobs = ctx.api.visibleJobs(principal, ctx.modes).map((j) => ctx.api.view(j));
    sendJson(res, 200, { user: principal.user, jobs });
    return;
  }
  const id = (m.id ?? '').toLowerCase();
  if (!JOB_ID.test(id)) throw new ReleaseError('BAD_JOB_ID', 'a job id is a UUID (8-4-4-4-12 hexadecimal digits)');
  const job = ctx.api.visibleJobs(principal, ctx.modes).find((j) => j.id === id);
  if (!job) throw new ReleaseError('JOB_NOT_FOUND', `no job ${id}`);
  const by = principal.user ?? principal.kind;

  switch (m.route) {
    case 'job':
      if (method === 'DELETE') {
        await ctx.api.remove(job.id, by);
        sendEmpty(res, 204);
      } else {
        sendJson(res, 200, ctx.api.view(job));
      }
      return;
    case 'printed': {
      const b = body<{ keep: boolean }>(await readJsonBody(req, ctx.maxBodyBytes), ['keep']);
      if (b.keep !== undefined && typeof b.keep !== 'boolean') throw new ReleaseError('BAD_REQUEST', 'keep must be true or false');
      const after = await ctx.api.markPrinted(job.id, b.keep === true, by);
      sendJson(res, 200, { id: job.id, state: after.state, job: after.state === 'released-kept' ? ctx.api.view(after) : null });
      return;
    }
    case 'document': {
      let changes: LateBindingChanges | null = null;
      if (method === 'POST') {
        const b = body<{ changes: unknown }>(await readJsonBody(req, ctx.maxBodyBytes), ['changes']);
        const requested = b.changes;
        const nonEmpty = requested !== undefined && !(typeof requested === 'object' && requested !== null && !Array.isArray(requested) && Object.keys(requested).length === 0);
        if (nonEmpty && !ctx.api.lateBindingEnabled) {
          throw new ReleaseError('LATE_BINDING_DISABLED', 'changing settings at the printer is disabled on this workstation (LateBindingEnabled is false)');
        }
        if (nonEmpty) changes = validateChanges(requested);
      }
      await sendDocument(ctx, res, job, hasChanges(changes) ? changes : null);
      return;
    }
  }
}

async function sendDocument(ctx: RoutesContext, res: ServerResponse, job: JobRecord, changes: LateBindingChanges | null): Promise<void> {
  const stream = await ctx.api.openDocument(job, changes);
  let first: Buffer | null;
  try {
    first = await firstChunk(stream);
  } catch (err) {
    stream.destroy();
    throw err;
  }
  const view = ctx.api.view(job);
  const headers: Record<string, string> = {
    ...commonHeaders(),
    'content-type': view.documentFormat,
    'content-disposition': `attachment; filename="${job.id}"`,
    'x-pullprint-job-id': job.id,
  };
  if (!changes) {
    headers['content-length'] = String(job.size);
    headers['x-pullprint-sha256'] = job.sha256;
  }
  res.writeHead(200, headers);
  res.on('close', () => {
    // The printer went away (or the answer ended): stop reading the file.
    if (!res.writableFinished) stream.destroy();
  });
  stream.on('error', (err) => {
    ctx.logger.error('sending a document failed midway', { id: job.id, code: errorCode(err) });
    res.destroy(err);
  });
  if (first !== null) res.write(first);
  if (changes) corkPerTick(stream, res);
  stream.pipe(res);
}

function methodNotAllowed(res: ServerResponse, allow: readonly string[]): ReleaseError {
  res.setHeader('allow', allow.join(', '));
  return new ReleaseError('METHOD_NOT_ALLOWED', `use ${allow.join(' or ')}`);
}

/** The principal, or null when an answer (401/429) was already sent. */
async function authenticate(ctx: RoutesContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<Principal | null> {
  const creds = parseAuthorization(req.headers.authorization);
  const peer = peerKey(req.socket.remoteAddress);
  if (creds !== null) {
    const wait = ctx.limiter.retryAfterSeconds(peer);
    if (wait > 0) {
      sendError(res, new ReleaseError('TOO_MANY_FAILURES', `too many failed authentications from this address; retry in ${wait} s`, { retryAfterSeconds: wait }));
      return null;
    }
  }
  try {
    return await ctx.auth.authenticate(creds, req, query, req.socket.remoteAddress ?? 'unknown');
  } catch (err) {
    const code = errorCode(err);
    if (code === 'INVALID_TOKEN' || code === 'INVALID_CREDENTIALS') {
      ctx.limiter.fail(peer);
      ctx.logger.warn('a printer failed to authenticate', { code, peer: req.socket.remoteAddress });
      sendError(res, err, { 'www-authenticate': ctx.auth.challenges(code === 'INVALID_TOKEN' ? 'invalid_token' : undefined) });
      return null;
    }
    if (code === 'AUTH_REQUIRED') {
      sendError(res, err, { 'www-authenticate': ctx.auth.challenges() });
      return null;
    }
    throw err;
  }
}
