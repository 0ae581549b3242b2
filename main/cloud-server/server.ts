// The reference cloud print queue server: the executable specification of API v3
// (docs/cloud-api.md). Plain node:http / node:https, no framework. It stores jobs on disk,
// checks JWT access tokens against the identity provider, scopes every job to its owner,
// and enforces idempotency, size and time limits. The tests run against it; `cli.ts`
// runs it alone for demos.

import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/types.js';
import { nullLogger } from '../log/null-logger.js';
import { parseApiVersion } from '../cloud/api-version.js';
import { urlHost } from '../cloud/base-url.js';
import { API_VERSION, JOB_KEY_PATTERN, MAX_METADATA_HEADER_BYTES, PDL_FORMATS, VERSION_HEADER, type Capabilities } from '../cloud/wire.js';
import { ApiError, notFound } from './api-error.js';
import { TokenVerifier, type OwnerClaim } from './auth.js';
import * as h from './handlers.js';
import { sendError, sendJson } from './respond.js';
import { JobStore } from './store.js';

export interface CloudServerLimits {
  /** Largest document accepted (default 4 GiB). */
  readonly maxDocumentBytes: number;
  readonly maxRegistrationBytes: number;
  /** A request body pausing longer than this is abandoned with 408 (default 60 s). */
  readonly bodyIdleTimeoutMs: number;
  /** The longest a whole request may take to arrive (default 1 h: gigabyte jobs on slow links). */
  readonly requestTimeoutMs: number;
  /** Headers must arrive within this (default 30 s). */
  readonly headersTimeoutMs: number;
}

export const DEFAULT_LIMITS: CloudServerLimits = {
  maxDocumentBytes: 4 * 1024 ** 3,
  maxRegistrationBytes: 64 * 1024,
  bodyIdleTimeoutMs: 60_000,
  requestTimeoutMs: 3_600_000,
  headersTimeoutMs: 30_000,
};

export interface CloudServerOptions {
  readonly dataDir: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** A path prefix, as in ServerIP `host/cpm` (default ''). */
  readonly basePath?: string;
  /** Serve HTTPS with this key and certificate (PEM); plain HTTP without. */
  readonly tls?: { readonly key: string; readonly cert: string } | null;
  readonly auth: {
    readonly issuer: string;
    readonly audience: string;
    /** Extra CA (PEM) for the identity provider. */
    readonly ca?: string | null;
    readonly jwksUri?: string | null;
    readonly ownerClaim?: OwnerClaim;
    readonly clockToleranceSeconds?: number;
  };
  readonly limits?: Partial<CloudServerLimits>;
  readonly logger?: Logger;
  /** The server's clock (token checks, timestamps). */
  readonly now?: () => Date;
  readonly hooks?: h.ServerHooks;
}

export interface CloudServer {
  /** Scheme, host, port and base path, without the version: what ServerIP/ServerPort/UseSSL name. */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly basePath: string;
  readonly events: EventEmitter<h.ServerEvents>;
  readonly store: JobStore;
  /** TCP connections accepted so far (tests check keep-alive with it). */
  connectionsAccepted(): number;
  close(): Promise<void>;
}

const MAJOR = parseApiVersion(API_VERSION).major;

export async function startCloudServer(opts: CloudServerOptions): Promise<CloudServer> {
  const logger = (opts.logger ?? nullLogger()).child('cloud-server');
  const limits: CloudServerLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const now = opts.now ?? (() => new Date());
  const basePath = (opts.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !/^\/[A-Za-z0-9._~/-]*$/.test(basePath)) throw new TypeError(`base path ${basePath} must start with / and hold URL-safe characters`);
  const store = await JobStore.open(opts.dataDir, logger);
  const verifier = new TokenVerifier({ ...opts.auth, now: opts.now, logger });
  const events = new EventEmitter<h.ServerEvents>();
  const prefix = `${basePath}/v${MAJOR}/`;
  const ctx: h.HandlerContext = {
    store, events, logger, now,
    receiving: new Set(),
    hooks: opts.hooks ?? {},
    limits: { maxDocumentBytes: limits.maxDocumentBytes, maxRegistrationBytes: limits.maxRegistrationBytes, bodyIdleMs: limits.bodyIdleTimeoutMs },
    jobPath: (key) => `${prefix}jobs/${key}`,
  };
  const capabilities: Capabilities = {
    apiVersions: [API_VERSION],
    limits: {
      maxDocumentBytes: limits.maxDocumentBytes,
      maxMetadataHeaderBytes: MAX_METADATA_HEADER_BYTES,
      maxRegistrationBytes: limits.maxRegistrationBytes,
      bodyIdleTimeoutSeconds: Math.ceil(limits.bodyIdleTimeoutMs / 1000),
      requestTimeoutSeconds: Math.ceil(limits.requestTimeoutMs / 1000),
    },
    formats: [...PDL_FORMATS],
    features: ['document-upload', 'workstation-registration', 'idempotency-keys', 'tombstones'],
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (!path.startsWith(prefix)) {
      const other = new RegExp(`^${escapeRe(basePath)}/v(\\d+)/`).exec(path);
      if (other) throw new ApiError(404, 'API_VERSION_UNSUPPORTED', `API v${other[1]} is not served here; served: ${capabilities.apiVersions.join(', ')}`);
      throw notFound('no such route');
    }
    checkVersionHeader(req);
    const parts = path.slice(prefix.length).split('/');
    const method = req.method ?? 'GET';
    if (parts.length === 1 && parts[0] === 'capabilities') {
      allow(method, ['GET']);
      return sendJson(res, 200, capabilities);
    }
    if (parts[0] !== 'jobs' || parts.length > 3) throw notFound('no such route');
    const owner = await verifier.owner(req.headers.authorization);
    if (parts.length === 1) {
      allow(method, ['GET']);
      return h.listJobs(ctx, res, owner);
    }
    const key = parts[1];
    if (!JOB_KEY_PATTERN.test(key)) throw new ApiError(400, 'INVALID_KEY', 'a job key is 1 to 128 characters: letters, digits, - and _, starting with a letter or digit');
    if (parts.length === 2) {
      allow(method, ['GET', 'DELETE']);
      return method === 'GET' ? h.getJob(ctx, res, owner, key) : h.deleteJob(ctx, res, owner, key);
    }
    if (parts[2] === 'document') {
      allow(method, ['GET', 'PUT']);
      return method === 'GET' ? h.getDocument(ctx, res, owner, key) : h.putDocument(ctx, req, res, owner, key);
    }
    if (parts[2] === 'registration') {
      allow(method, ['PUT']);
      return h.putRegistration(ctx, req, res, owner, key);
    }
    throw notFound('no such route');
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) {
        events.emit('request-refused', { status: err.status, code: err.code, method: req.method ?? '', path: new URL(req.url ?? '/', 'http://x').pathname });
        if (err.status >= 500) logger.warn('request failed', { status: err.status, code: err.code });
        sendError(req, res, err);
        return;
      }
      const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : 'UNKNOWN';
      // A client that went away mid-upload is ordinary; anything else is ours to fix.
      if (req.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
        logger.info('client went away during a request', { code });
        res.destroy();
        return;
      }
      logger.error('request failed', { code, err: String(err) });
      sendError(req, res, new ApiError(500, 'INTERNAL', 'the server failed to handle this request'));
    });
  };

  const serverOpts = { requestTimeout: limits.requestTimeoutMs, headersTimeout: limits.headersTimeoutMs, keepAliveTimeout: 5_000 };
  const server: Server = opts.tls
    ? createHttpsServer({ ...serverOpts, key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' }, handle)
    : createHttpServer(serverOpts, handle);
  let accepted = 0;
  server.on('connection', () => {
    accepted++;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  const origin = `${opts.tls ? 'https' : 'http'}://${urlHost(host)}:${addr.port}${basePath}`;
  logger.info('cloud server listening', { origin, api: `v${MAJOR}` });
  let closing: Promise<void> | null = null;
  return {
    origin, host, port: addr.port, basePath, events, store,
    connectionsAccepted: () => accepted,
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await verifier.close();
      })();
      return closing;
    },
  };
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`, { allow: methods.join(', ') });
}

function checkVersionHeader(req: IncomingMessage): void {
  const v = req.headers[VERSION_HEADER];
  if (v === undefined) return;
  let wanted;
  try {
    wanted = parseApiVersion(String(v));
  } catch {
    throw new ApiError(400, 'API_VERSION_UNSUPPORTED', `${VERSION_HEADER} is not a version such as ${API_VERSION}`);
  }
  const served = parseApiVersion(API_VERSION);
  if (wanted.major !== served.major || wanted.minor > served.minor) {
    throw new ApiError(400, 'API_VERSION_UNSUPPORTED', `API ${wanted.text} is not served here; served: ${API_VERSION}`);
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
