// The cloud print queue API client (docs/cloud-api.md): one method per route, a bearer
// token per call, typed CloudErrors out. It never retries by itself: the outbox decides
// what a failure means for a job (refresh, back off, or fail).

import type { Readable } from 'node:stream';
import { request, type Agent, type Dispatcher } from 'undici';
import type { RemoteServer } from '../config/types.js';
import type { Logger } from '../log/types.js';
import { nullLogger } from '../log/null-logger.js';
import { clientApiVersion, type ApiVersion } from './api-version.js';
import { cloudBaseUrl } from './base-url.js';
import { CloudError, parseRetryAfter, statusError, transportError } from './errors.js';
import { createCloudAgent, DEFAULT_TIMEOUTS, readCloudCaFile, type CloudTimeouts } from './http.js';
import { openUploadBody } from './upload-body.js';
import {
  capabilitiesSchema, cloudJobSchema, encodeMetadataHeader, errorBodySchema, jobListSchema, JOB_KEY_PATTERN,
  METADATA_HEADER, REPLAYED_HEADER, VERSION_HEADER,
  type Capabilities, type CloudJob, type JobMetadata, type Registration,
} from './wire.js';

export interface CloudClientOptions {
  readonly server: RemoteServer;
  /** APIVersion from configuration.xml, e.g. '3.0'. */
  readonly apiVersion: string;
  /** Extra CA certificates (PEM) to trust for the cloud server. */
  readonly ca?: string | null;
  readonly timeouts?: Partial<CloudTimeouts>;
  /** Keep-alive connections to the server (default 4). */
  readonly connections?: number;
  readonly logger?: Logger;
  readonly userAgent?: string;
}

export interface UploadResult {
  readonly job: CloudJob;
  /** True when the server already had this job (an earlier try had reached it). */
  readonly replayed: boolean;
}

/** Largest JSON answer read; the API's own answers are far smaller. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BYTES = 64 * 1024;

type Method = 'GET' | 'PUT' | 'DELETE';

export class CloudClient {
  readonly baseUrl: URL;
  readonly version: ApiVersion;
  readonly #agent: Agent;
  readonly #timeouts: CloudTimeouts;
  readonly #log: Logger;
  readonly #userAgent: string;

  constructor(opts: CloudClientOptions) {
    this.version = clientApiVersion(opts.apiVersion);
    this.baseUrl = cloudBaseUrl(opts.server, this.version);
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.#agent = createCloudAgent({ ca: opts.ca ?? null, timeouts: this.#timeouts, connections: opts.connections ?? 4 });
    this.#log = (opts.logger ?? nullLogger()).child('cloud-client');
    this.#userAgent = opts.userAgent ?? 'PullPrint';
  }

  /** Like the constructor, reading the extra CA from a PEM file first. */
  static async create(opts: Omit<CloudClientOptions, 'ca'> & { caFile?: string | null }): Promise<CloudClient> {
    const ca = opts.caFile ? await readCloudCaFile(opts.caFile) : null;
    return new CloudClient({ ...opts, ca });
  }

  /** GET /capabilities (no token needed). */
  async capabilities(signal?: AbortSignal): Promise<Capabilities> {
    const res = await this.#send('GET', 'capabilities', null, { signal });
    return this.#json(res, 'capabilities', (v) => capabilitiesSchema.parse(v));
  }

  /**
   * PUT /jobs/{key}/document: streams the stored file. A retry with the same key never
   * makes a second job: the server answers 200 (replayed) when it already has it.
   */
  async uploadDocument(token: string, key: string, meta: JobMetadata, path: string, opts: { signal?: AbortSignal } = {}): Promise<UploadResult> {
    const what = 'upload';
    const stall = new AbortController();
    const body = await openUploadBody(path, meta.size, this.#timeouts.uploadIdleMs, (err) => stall.abort(err));
    const signal = opts.signal ? AbortSignal.any([opts.signal, stall.signal]) : stall.signal;
    try {
      const res = await this.#send('PUT', `jobs/${encodeKey(key)}/document`, token, {
        signal,
        body: body.stream,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(body.size),
          [METADATA_HEADER]: encodeMetadataHeader(meta),
        },
      }).catch((err: unknown) => {
        // The watchdog's reason beats undici's generic abort error.
        if (stall.signal.aborted) throw stall.signal.reason as CloudError;
        throw err;
      });
      const job = await this.#json(res, what, (v) => cloudJobSchema.parse(v));
      return { job, replayed: res.statusCode === 200 && res.headers[REPLAYED_HEADER] === 'true' };
    } finally {
      await body.close();
    }
  }

  /** GET /jobs/{key}: the job, or null when this user has none with that key. */
  async getJob(token: string, key: string, signal?: AbortSignal): Promise<CloudJob | null> {
    const res = await this.#send('GET', `jobs/${encodeKey(key)}`, token, { signal, allow: [404, 410] });
    if (res.statusCode === 404 || res.statusCode === 410) {
      await res.body.dump();
      return null;
    }
    return this.#json(res, 'job lookup', (v) => cloudJobSchema.parse(v));
  }

  /** GET /jobs: the user's queue (uploaded and registered jobs). */
  async listJobs(token: string, signal?: AbortSignal): Promise<CloudJob[]> {
    const res = await this.#send('GET', 'jobs', token, { signal });
    return this.#json(res, 'queue listing', (v) => jobListSchema.parse(v).jobs);
  }

  /** DELETE /jobs/{key}: true when deleted now, false when it was already gone. */
  async deleteJob(token: string, key: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.#send('DELETE', `jobs/${encodeKey(key)}`, token, { signal, allow: [404, 410] });
    await res.body.dump();
    return res.statusCode < 300;
  }

  /** PUT /jobs/{key}/registration: registers (or updates) a Hybrid job kept on the workstation. */
  async register(token: string, key: string, registration: Registration, signal?: AbortSignal): Promise<CloudJob> {
    const res = await this.#send('PUT', `jobs/${encodeKey(key)}/registration`, token, {
      signal,
      body: JSON.stringify(registration),
      headers: { 'content-type': 'application/json' },
    });
    return this.#json(res, 'registration', (v) => cloudJobSchema.parse(v));
  }

  /** GET /jobs/{key}/document: the stored document as a stream (what a printer-side app pulls). */
  async openDocument(token: string, key: string, signal?: AbortSignal): Promise<Readable> {
    const res = await this.#send('GET', `jobs/${encodeKey(key)}/document`, token, { signal });
    return res.body;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #send(method: Method, route: string, token: string | null, opts: {
    signal?: AbortSignal;
    body?: Readable | string;
    headers?: Record<string, string>;
    allow?: number[];
  }): Promise<Dispatcher.ResponseData> {
    const url = new URL(route, this.baseUrl);
    const what = `${method} ${route.split('/')[0]}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        dispatcher: this.#agent,
        signal: opts.signal,
        body: opts.body,
        headers: {
          accept: 'application/json',
          'user-agent': this.#userAgent,
          [VERSION_HEADER]: this.version.text,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...opts.headers,
        },
      });
    } catch (err) {
      if (opts.signal?.aborted && opts.signal.reason instanceof CloudError) throw opts.signal.reason;
      const e = transportError(err, what);
      this.#log.debug('cloud request failed', { method, route: url.pathname, code: e.code });
      throw e;
    }
    if (res.statusCode < 300 || opts.allow?.includes(res.statusCode)) return res;
    const text = await readCapped(res.body, MAX_ERROR_BYTES).catch(() => '');
    let body: { code: string; message: string } | null = null;
    try {
      body = errorBodySchema.parse(JSON.parse(text)).error;
    } catch {
      body = null;
    }
    const err = statusError(res.statusCode, body, parseRetryAfter(res.headers['retry-after'], Date.now()), what);
    this.#log.debug('cloud request refused', { method, route: url.pathname, status: res.statusCode, code: body?.code });
    throw err;
  }

  async #json<T>(res: Dispatcher.ResponseData, what: string, parse: (v: unknown) => T): Promise<T> {
    let text: string;
    try {
      text = await readCapped(res.body, MAX_JSON_BYTES);
    } catch (err) {
      throw transportError(err, what);
    }
    try {
      return parse(JSON.parse(text));
    } catch {
      throw new CloudError('CLOUD_PROTOCOL', `${what}: the cloud server's answer is not valid (HTTP ${res.statusCode})`, { status: res.statusCode });
    }
  }
}

function encodeKey(key: string): string {
  if (!JOB_KEY_PATTERN.test(key)) throw new CloudError('CLOUD_REJECTED', `job key ${JSON.stringify(key)} is not a valid idempotency key`);
  return key;
}

/** Reads a response body as text, refusing (and dropping the connection) past `cap` bytes. */
async function readCapped(body: Readable, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) {
      body.destroy();
      throw new CloudError('CLOUD_PROTOCOL', `answer larger than ${cap} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
