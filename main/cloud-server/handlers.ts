// The route handlers of API v3 (docs/cloud-api.md). Each receives the owner the token
// named: a job is found only under its owner, so another user's job is a plain 404.

import type { EventEmitter } from 'node:events';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../log/types.js';
import {
  decodeMetadataHeader, METADATA_HEADER, MAX_METADATA_HEADER_BYTES, REPLAYED_HEADER, registrationSchema,
  type CloudJob, type JobMetadata,
} from '../cloud/wire.js';
import { ApiError, notFound } from './api-error.js';
import { bodyBatches } from './body-batches.js';
import { receiveDocument } from './receive.js';
import { sendEarly, sendEmpty, sendJson } from './respond.js';
import type { JobStore } from './store.js';

export interface HandlerLimits {
  readonly maxDocumentBytes: number;
  readonly maxRegistrationBytes: number;
  readonly bodyIdleMs: number;
}

/** Test hooks: awaited at the named moments, so a test can hold the server there. */
export interface ServerHooks {
  onChunk?(info: { owner: string; key: string; received: number }): Promise<void> | void;
  afterCommit?(info: { owner: string; key: string }): Promise<void> | void;
}

export interface ServerEvents {
  'job-created': [{ owner: string; key: string; location: CloudJob['location'] }];
  'job-replayed': [{ owner: string; key: string }];
  'job-updated': [{ owner: string; key: string }];
  'job-deleted': [{ owner: string; key: string }];
  'request-refused': [{ status: number; code: string; method: string; path: string }];
}

export interface HandlerContext {
  readonly store: JobStore;
  /** Owner + key of uploads being received right now: a second one waits (409 + Retry-After). */
  readonly receiving: Set<string>;
  readonly limits: HandlerLimits;
  readonly hooks: ServerHooks;
  readonly events: EventEmitter<ServerEvents>;
  readonly logger: Logger;
  readonly now: () => Date;
  /** URL path of a job, for Location headers. */
  readonly jobPath: (key: string) => string;
}

function metadataFrom(req: IncomingMessage): JobMetadata {
  const raw = req.headers[METADATA_HEADER];
  if (typeof raw !== 'string' || raw.length === 0) throw new ApiError(400, 'INVALID_METADATA', `the ${METADATA_HEADER} header is missing`);
  if (raw.length > MAX_METADATA_HEADER_BYTES) throw new ApiError(400, 'INVALID_METADATA', `the ${METADATA_HEADER} header is larger than ${MAX_METADATA_HEADER_BYTES} bytes`);
  try {
    return decodeMetadataHeader(raw);
  } catch (err) {
    const detail = err && typeof err === 'object' && 'issues' in err
      ? (err as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')
      : 'not base64url JSON';
    throw new ApiError(400, 'INVALID_METADATA', `the job metadata is not valid: ${detail}`.slice(0, 1000));
  }
}

export async function putDocument(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, owner: string, key: string): Promise<void> {
  const meta = metadataFrom(req);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== meta.size) {
    throw new ApiError(400, 'SIZE_MISMATCH', `Content-Length ${declared} is not the metadata size ${meta.size}`);
  }
  if (meta.size > ctx.limits.maxDocumentBytes) {
    throw new ApiError(413, 'DOCUMENT_TOO_LARGE', `the document has ${meta.size} bytes; this server takes at most ${ctx.limits.maxDocumentBytes}`);
  }
  const busy = ctx.receiving;
  const slot = `${owner}\n${key}`;
  if (busy.has(slot)) throw new ApiError(409, 'UPLOAD_IN_PROGRESS', 'this job is being uploaded on another connection', { 'retry-after': '1' });
  busy.add(slot);
  try {
    if (await ctx.store.isGone(owner, key)) throw new ApiError(410, 'JOB_GONE', 'this job was uploaded and has since been deleted');
    const existing = await ctx.store.get(owner, key);
    if (existing) {
      if (existing.location !== 'cloud') throw new ApiError(409, 'KEY_CONFLICT', 'this key names a registered workstation job');
      if (existing.metadata.sha256 !== meta.sha256 || existing.metadata.size !== meta.size) {
        throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', 'this key was already used for another document');
      }
      // The same document again: an earlier try reached us. Answer at once, unread body and all.
      ctx.events.emit('job-replayed', { owner, key });
      sendEarly(req, res, (h) => sendJson(res, 200, existing, { [REPLAYED_HEADER]: 'true', location: ctx.jobPath(key), ...h }));
      return;
    }
    const temp = await ctx.store.tempPath(owner);
    await receiveDocument(req, temp, {
      expectedSize: meta.size,
      expectedSha256: meta.sha256,
      idleMs: ctx.limits.bodyIdleMs,
      onChunk: ctx.hooks.onChunk ? (received) => ctx.hooks.onChunk?.({ owner, key, received }) : undefined,
    });
    const at = ctx.now().toISOString();
    const job: CloudJob = { key, owner, location: 'cloud', metadata: meta, releaseUrl: null, createdAt: at, updatedAt: at };
    await ctx.store.lock.run(slot, () => ctx.store.commitDocument(job, temp));
    ctx.logger.info('job uploaded', { key, size: meta.size });
    ctx.events.emit('job-created', { owner, key, location: 'cloud' });
    await ctx.hooks.afterCommit?.({ owner, key });
    sendJson(res, 201, job, { location: ctx.jobPath(key) });
  } finally {
    busy.delete(slot);
  }
}

async function readJsonBody(req: IncomingMessage, cap: number, idleMs: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > cap) throw new ApiError(413, 'REGISTRATION_TOO_LARGE', `a registration is at most ${cap} bytes`);
  for await (const batch of bodyBatches(req, idleMs)) {
    for (const c of batch) {
      size += c.length;
      if (size > cap) throw new ApiError(413, 'REGISTRATION_TOO_LARGE', `a registration is at most ${cap} bytes`);
      chunks.push(c);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'INVALID_REGISTRATION', 'the body is not JSON');
  }
}

export async function putRegistration(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, owner: string, key: string): Promise<void> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'a registration is sent as application/json');
  const parsed = registrationSchema.safeParse(await readJsonBody(req, ctx.limits.maxRegistrationBytes, ctx.limits.bodyIdleMs));
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ApiError(400, 'INVALID_REGISTRATION', `the registration is not valid: ${detail}`.slice(0, 1000));
  }
  const slot = `${owner}\n${key}`;
  const outcome = await ctx.store.lock.run(slot, async () => {
    if (await ctx.store.isGone(owner, key)) throw new ApiError(410, 'JOB_GONE', 'this job was registered and has since been deleted');
    const existing = await ctx.store.get(owner, key);
    if (existing && existing.location !== 'workstation') throw new ApiError(409, 'KEY_CONFLICT', 'this key names a job uploaded to the cloud');
    const at = ctx.now().toISOString();
    const job: CloudJob = {
      key, owner, location: 'workstation', metadata: parsed.data.metadata, releaseUrl: parsed.data.releaseUrl,
      createdAt: existing?.createdAt ?? at, updatedAt: at,
    };
    const same = existing && JSON.stringify(existing.metadata) === JSON.stringify(job.metadata) && existing.releaseUrl === job.releaseUrl;
    if (same) return { job: existing, status: 200 };
    await ctx.store.putRecord(job);
    return { job, status: existing ? 200 : 201 };
  });
  ctx.events.emit(outcome.status === 201 ? 'job-created' : 'job-updated', { owner, key, location: 'workstation' });
  sendJson(res, outcome.status, outcome.job, { location: ctx.jobPath(key) });
}

export async function getJob(ctx: HandlerContext, res: ServerResponse, owner: string, key: string): Promise<void> {
  const job = await ctx.store.get(owner, key);
  if (job) return sendJson(res, 200, job);
  if (await ctx.store.isGone(owner, key)) throw new ApiError(410, 'JOB_GONE', 'this job has been deleted');
  throw notFound();
}

export async function listJobs(ctx: HandlerContext, res: ServerResponse, owner: string): Promise<void> {
  sendJson(res, 200, { jobs: await ctx.store.list(owner) });
}

export async function deleteJob(ctx: HandlerContext, res: ServerResponse, owner: string, key: string): Promise<void> {
  const slot = `${owner}\n${key}`;
  const deleted = await ctx.store.lock.run(slot, () => ctx.store.delete(owner, key, ctx.now()));
  if (deleted) {
    ctx.events.emit('job-deleted', { owner, key });
    return sendEmpty(res, 204);
  }
  if (await ctx.store.isGone(owner, key)) throw new ApiError(410, 'JOB_GONE', 'this job was already deleted');
  throw notFound();
}

export async function getDocument(ctx: HandlerContext, res: ServerResponse, owner: string, key: string): Promise<void> {
  const job = await ctx.store.get(owner, key);
  if (!job) throw notFound();
  if (job.location !== 'cloud') throw new ApiError(409, 'NOT_IN_CLOUD', 'this job stays on its workstation: pull it from its releaseUrl');
  const stream = createReadStream(ctx.store.documentPath(owner, key));
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  }).catch(() => {
    throw notFound('the document of this job is no longer stored');
  });
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(job.metadata.size),
    'cache-control': 'no-store',
  });
  await pipeline(stream, res);
}
