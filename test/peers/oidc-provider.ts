// A real OpenID Connect provider for the identity tests: oidc-provider 8 in-process,
// over HTTPS with a certificate authority generated for the run (openssl), on
// 127.0.0.1 port 0. It registers PullPrint's public native client (PKCE, loopback
// redirect, password + authorization_code + refresh_token grants), a password grant,
// JWT access tokens for a default resource, revocation, and its own login and consent
// pages with real password checks (the provider's dev pages accept any password).
// `browser()` drives those pages with an HTTP client, standing in for the system
// browser behind IdpClient's openUrl port.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Clock } from '../../main/identity/clock.js';
import type { RetryPolicy } from '../../main/identity/retry.js';
import type { IdentitySettings } from '../../main/identity/settings.js';
import { tempDir } from '../helpers/documents.js';

const run = promisify(execFile);

export const CLIENT_ID = 'pullprint-desktop';
export const RESOURCE = 'https://print-api.pullprint.test';
export const ACCOUNTS: Readonly<Record<string, { password: string; sub: string; name: string }>> = {
  'alice@example.com': { password: 'Alice-pa55word!', sub: 'sub-alice-0001', name: 'Alice Example' },
  'bob@example.com': { password: 'B0b-secret-phrase', sub: 'sub-bob-0002', name: 'Bob Example' },
};

// --- the few parts of oidc-provider's API we use (it ships no type declarations) ---
interface OidcCtx {
  oidc: {
    params: Record<string, string | undefined>;
    client: { clientId: string };
    provider: ProviderInstance;
  };
  body: unknown;
}
interface KoaCtx {
  path: string;
  status: number;
  body: unknown;
  state: Record<string, unknown>;
}
interface GrantModel {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
interface TokenModel {
  resourceServer?: unknown;
  scope?: string;
  expiration: number;
  tokenType?: string;
  set(key: string, value: unknown): void;
  save(): Promise<string>;
  issue(opts: { use: string }): Promise<string>;
}
interface ProviderInstance {
  Grant: { new (init: { accountId: string; clientId: string }): GrantModel; find(id: string): Promise<GrantModel | undefined> };
  AccessToken: new (init: Record<string, unknown>) => TokenModel;
  RefreshToken: new (init: Record<string, unknown>) => TokenModel;
  IdToken: new (claims: Record<string, unknown>, opts: { ctx: OidcCtx }) => TokenModel;
  ResourceServer: new (id: string, info: unknown) => unknown;
  Client: { find(id: string): Promise<unknown> };
  use(middleware: (ctx: KoaCtx, next: () => Promise<void>) => Promise<void>): void;
  registerGrantType(name: string, handler: (ctx: OidcCtx, next: () => Promise<void>) => Promise<void>, params: string[], dupes: string[]): void;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{
    uid: string;
    prompt: { name: string; details: Record<string, unknown> };
    params: Record<string, string>;
    session?: { accountId: string };
    grantId?: string;
  }>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission: boolean }): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
interface ProviderModule {
  default: new (issuer: string, config: Record<string, unknown>) => ProviderInstance;
  errors: { CustomOIDCProviderError: new (error: string, description: string) => Error };
}

// oidc-provider's storage, one per provider instance (its built-in memory adapter is
// shared module-wide and warns on every start).
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };
function memoryAdapterFactory(): new (model: string) => object {
  // Entries outlive their expiry, as in a database cleaned up later: the provider checks
  // `exp` itself, and can then say "refresh token is expired" rather than "not found".
  const store = new Map<string, { payload: Payload }>();
  const grants = new Map<string, string[]>();
  const index = new Map<string, string>();
  const get = (key: string): Payload | undefined => store.get(key)?.payload;
  return class MemoryAdapter {
    readonly model: string;
    constructor(model: string) {
      this.model = model;
    }
    key(id: string): string {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Payload): Promise<void> {
      const key = this.key(id);
      store.set(key, { payload });
      if (this.model === 'Session' && payload.uid) index.set(`uid:${payload.uid}`, id);
      if (payload.userCode) index.set(`userCode:${payload.userCode}`, id);
      if (payload.grantId) grants.set(payload.grantId, [...(grants.get(payload.grantId) ?? []), key]);
    }
    async find(id: string): Promise<Payload | undefined> {
      return get(this.key(id));
    }
    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = index.get(`uid:${uid}`);
      return id ? get(this.key(id)) : undefined;
    }
    async findByUserCode(code: string): Promise<Payload | undefined> {
      const id = index.get(`userCode:${code}`);
      return id ? get(this.key(id)) : undefined;
    }
    async consume(id: string): Promise<void> {
      const p = get(this.key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string): Promise<void> {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) store.delete(key);
      grants.delete(grantId);
    }
  };
}

/** A certificate authority and a server certificate for 127.0.0.1 / localhost, made with openssl. */
export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly keyPem: string;
  readonly certPem: string;
  cleanup(): Promise<void>;
}

export async function makeTestPki(): Promise<TestPki> {
  await run('openssl', ['version']).catch(() => {
    throw new Error('the openssl command is needed to make the test certificate authority (apt-get install openssl)');
  });
  const dir = await tempDir('idp-pki');
  const p = (n: string): string => join(dir.path, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    await run('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2',
      '-subj', '/CN=PullPrint Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await run('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
    await writeFile(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
    await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial',
      '-out', p('server.pem'), '-days', '2', '-extfile', p('ext.cnf')]);
    return {
      dir: dir.path,
      caFile: p('ca.pem'),
      caPem: await readFile(p('ca.pem'), 'utf8'),
      keyPem: await readFile(p('server.key'), 'utf8'),
      certPem: await readFile(p('server.pem'), 'utf8'),
      cleanup: () => dir.cleanup(),
    };
  } catch (e) {
    await dir.cleanup();
    throw e;
  }
}

export interface IssuedTokens {
  accessTokens: string[];
  refreshTokens: string[];
  idTokens: string[];
  /** Authorization codes the browser carried to the loopback redirect. */
  codes: string[];
}

export interface TestIdp {
  readonly issuer: string;
  readonly port: number;
  readonly pki: TestPki;
  /** Every token the provider handed out, so tests can look for them where they must not be. */
  readonly issued: IssuedTokens;
  /** Token endpoint outcomes by grant type, e.g. `refresh_token:ok`, `password:error`. */
  readonly grants: Record<string, number>;
  /** Grants revoked (by revocation of a refresh token, or by refresh-token replay detection). */
  readonly revokedGrants: number;
  /** An openUrl port that acts like a person at the provider's pages. */
  browser(behaviour: BrowserBehaviour): (url: string) => Promise<void>;
  /** Resolves with the outcome of the last browser() run (for assertions). */
  lastBrowserRun(): Promise<void>;
  stop(): Promise<void>;
}

export type BrowserBehaviour =
  | { action: 'login'; email: string; password: string }
  | { action: 'cancel' }
  | { action: 'ignore' };

export interface TestIdpOptions {
  /** Access token lifetime in seconds (default 600). */
  accessTokenTtl?: number;
  /** Whether the client may use the password grant (discovery then advertises it). Default true. */
  passwordGrant?: boolean;
  /**
   * Say why a grant failed in error_description ('unknown user', 'invalid password',
   * 'refresh token already used', 'refresh token is expired'...), as some providers do.
   * oidc-provider itself answers every invalid_grant with 'grant request is invalid'.
   * Default true; false gives the provider's own generic answers.
   */
  describeGrantErrors?: boolean;
  /** Refresh token lifetime in seconds (default 86400). */
  refreshTokenTtl?: number;
  /** Serve plain HTTP instead of HTTPS (an issuer with UseSSL=false). */
  plainHttp?: boolean;
  /** Reuse a PKI (e.g. to restart on the same CA). */
  pki?: TestPki;
}

function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > 64 * 1024) req.destroy(new Error('form too large'));
      else chunks.push(b);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!doctype html><html><head><title>Test IdP</title></head><body>${body}</body></html>`);
}

export async function startTestIdp(opts: TestIdpOptions = {}): Promise<TestIdp> {
  const pki = opts.pki ?? await makeTestPki();
  const ownPki = !opts.pki;
  // A variable specifier: the package has no type declarations, we describe what we use above.
  const specifier = 'oidc-provider';
  const mod = (await import(specifier)) as ProviderModule;
  const Provider = mod.default;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(6).toString('hex') };
  const accessTokenTtl = opts.accessTokenTtl ?? 600;
  const issued: IssuedTokens = { accessTokens: [], refreshTokens: [], idTokens: [], codes: [] };
  const grants: Record<string, number> = {};

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server: Server | HttpServer = opts.plainHttp
    ? createHttpServer((req, res) => handler(req, res))
    : createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `${opts.plainHttp ? 'http' : 'https'}://127.0.0.1:${port}`;

  const byAccountId = (id: string): [string, { password: string; sub: string; name: string }] | undefined =>
    Object.entries(ACCOUNTS).find(([, a]) => a.sub === id);

  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token', ...(opts.passwordGrant === false ? [] : ['password'])],
      response_types: ['code'],
    }],
    adapter: memoryAdapterFactory(),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(24).toString('hex')] },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'print'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx: unknown, id: string) => {
      const found = byAccountId(id);
      if (!found) return undefined;
      const [email, a] = found;
      return { accountId: id, claims: () => ({ sub: id, email, email_verified: true, name: a.name }) };
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'print', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: accessTokenTtl }),
      },
    },
    pkce: { required: () => true },
    ttl: { AccessToken: accessTokenTtl, IdToken: 3600, RefreshToken: opts.refreshTokenTtl ?? 86400, Grant: 86400, Interaction: 600, Session: 3600, AuthorizationCode: 60 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    renderError: (ctx: { type: string; body: string }, out: { error: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = `<p>error: ${esc(out.error)}: ${esc(out.error_description ?? '')}</p>`;
    },
  });

  const countGrant = (ctx: unknown, outcome: string): void => {
    const g = (ctx as { oidc?: { params?: { grant_type?: string } } }).oidc?.params?.grant_type ?? 'unknown';
    const key = `${g}:${outcome}`;
    grants[key] = (grants[key] ?? 0) + 1;
  };
  provider.on('grant.error', (...args: unknown[]) => countGrant(args[0], 'error'));
  provider.on('grant.success', (...args: unknown[]) => {
    countGrant(args[0], 'ok');
    const body = (args[0] as { body?: Record<string, unknown> }).body ?? {};
    if (typeof body.access_token === 'string') issued.accessTokens.push(body.access_token);
    if (typeof body.refresh_token === 'string') issued.refreshTokens.push(body.refresh_token);
    if (typeof body.id_token === 'string') issued.idTokens.push(body.id_token);
  });
  let revokedGrants = 0;
  provider.on('grant.revoked', () => {
    revokedGrants += 1;
  });
  const describe = opts.describeGrantErrors !== false;
  if (describe) {
    provider.on('grant.error', (...args: unknown[]) => {
      const [ctx, err] = args as [KoaCtx, { error_detail?: unknown }];
      if (typeof err.error_detail === 'string') ctx.state.grantErrorDetail = err.error_detail;
    });
    provider.use(async (ctx, next) => {
      await next();
      const detail = ctx.state.grantErrorDetail;
      if (ctx.path === '/token' && typeof detail === 'string' && ctx.body && typeof ctx.body === 'object') {
        (ctx.body as Record<string, unknown>).error_description = detail;
      }
    });
  }

  // The password grant (RFC 6749 §4.3), which oidc-provider leaves to the deployment.
  // Registered only when offered: discovery lists every registered grant type.
  if (opts.passwordGrant !== false) provider.registerGrantType('password', async (ctx, next) => {
    const { username = '', password = '', scope = '' } = ctx.oidc.params;
    const account = ACCOUNTS[username.trim().toLowerCase()];
    // With describeGrantErrors the provider says which of the two failed, so the client's two
    // codes can be tested; many real providers do not (to resist account enumeration).
    const generic = 'grant request is invalid';
    if (!account) throw new mod.errors.CustomOIDCProviderError('invalid_grant', describe ? 'unknown user' : generic);
    if (account.password !== password) throw new mod.errors.CustomOIDCProviderError('invalid_grant', describe ? 'invalid password' : generic);
    const p = ctx.oidc.provider;
    const scopes = new Set(scope.split(' ').filter(Boolean));
    const oidcScope = [...scopes].filter((s) => ['openid', 'offline_access', 'email', 'profile'].includes(s)).join(' ');
    const grant = new p.Grant({ accountId: account.sub, clientId: ctx.oidc.client.clientId });
    grant.addOIDCScope(oidcScope);
    grant.addResourceScope(RESOURCE, 'print');
    const grantId = await grant.save();
    const at = new p.AccessToken({ accountId: account.sub, client: ctx.oidc.client, grantId, gty: 'password' });
    at.resourceServer = new p.ResourceServer(RESOURCE, { scope: 'print', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: accessTokenTtl });
    at.scope = scopes.has('print') ? 'print' : '';
    const accessToken = await at.save();
    let refreshToken: string | undefined;
    if (scopes.has('offline_access')) {
      const rt = new p.RefreshToken({
        accountId: account.sub, client: ctx.oidc.client, grantId, gty: 'password', scope: oidcScope, resource: RESOURCE, rotations: 0,
      });
      refreshToken = await rt.save();
    }
    let idToken: string | undefined;
    if (scopes.has('openid')) {
      const claims = { sub: account.sub, email: username.trim().toLowerCase(), email_verified: true, name: account.name };
      const token = new p.IdToken(claims, { ctx });
      // The scope masks the claims, as for the provider's own grants.
      token.scope = oidcScope;
      token.set('at_hash', accessToken);
      idToken = await token.issue({ use: 'idtoken' });
    }
    ctx.body = {
      access_token: accessToken, expires_in: at.expiration, token_type: 'Bearer',
      refresh_token: refreshToken, id_token: idToken, scope: oidcScope,
    };
    await next();
  }, ['username', 'password', 'scope', 'resource'], ['resource']);

  const providerCallback = provider.callback();
  const interaction = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const parts = url.pathname.split('/').filter(Boolean); // interaction, uid, [action]
    const details = await provider.interactionDetails(req, res);
    const action = parts[2];
    if (req.method === 'GET' && !action) {
      if (details.prompt.name === 'login') {
        page(res, 200, `<h1>Sign in</h1><form method="post" action="/interaction/${esc(details.uid)}/login">
<input name="email" type="email" value="${esc(details.params.login_hint ?? '')}"><input name="password" type="password">
<button type="submit">Sign in</button></form><a href="/interaction/${esc(details.uid)}/abort">Cancel</a>`);
      } else {
        page(res, 200, `<h1>Allow PullPrint?</h1><form method="post" action="/interaction/${esc(details.uid)}/confirm">
<button type="submit">Allow</button></form><a href="/interaction/${esc(details.uid)}/abort">Cancel</a>`);
      }
      return;
    }
    if (action === 'abort') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = await readBody(req);
      const account = ACCOUNTS[(form.get('email') ?? '').trim().toLowerCase()];
      if (!account || account.password !== form.get('password')) {
        page(res, 401, `<p>Wrong e-mail or password.</p><form method="post" action="/interaction/${esc(details.uid)}/login">
<input name="email"><input name="password" type="password"><button>Sign in</button></form>`);
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    if (req.method === 'POST' && action === 'confirm') {
      const { prompt, grantId, session, params } = details;
      const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session?.accountId ?? '', clientId: params.client_id });
      if (!grant) throw new Error('grant not found');
      const d = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      for (const [indicator, scope] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scope.join(' '));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      return;
    }
    page(res, 404, 'not found');
  };

  handler = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname.startsWith('/interaction/')) {
      interaction(req, res, url).catch((e: unknown) => {
        if (!res.headersSent) page(res, 400, esc(e instanceof Error ? e.message : String(e)));
        else res.destroy();
      });
      return;
    }
    providerCallback(req, res);
  };

  const agent = new Agent({ connect: { ca: pki.caPem } });
  let lastRun: Promise<void> = Promise.resolve();

  const browse = async (start: string, behaviour: BrowserBehaviour): Promise<void> => {
    if (behaviour.action === 'ignore') return;
    const jar = new Map<string, string>();
    let url = start;
    let method = 'GET';
    let body: string | undefined;
    for (let hop = 0; hop < 20; hop += 1) {
      const target = new URL(url);
      const isIdp = target.origin === issuer;
      const res = await undiciFetch(url, {
        method,
        body,
        redirect: 'manual',
        headers: {
          ...(isIdp && jar.size > 0 ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(target.protocol === 'https:' ? { dispatcher: agent } : {}),
      });
      if (isIdp) {
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const eq = pair.indexOf('=');
          jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
        }
      }
      const location = res.headers.get('location');
      const text = await res.text();
      if (!isIdp) {
        // The loopback redirect: the client's page ends the journey.
        if (res.status !== 200) throw new Error(`loopback callback answered ${res.status}: ${text.slice(0, 200)}`);
        return;
      }
      if (location) {
        url = new URL(location, url).href;
        const code = new URL(url).searchParams.get('code');
        if (code && new URL(url).origin !== issuer) issued.codes.push(code);
        method = 'GET';
        body = undefined;
        continue;
      }
      if (res.status !== 200) throw new Error(`identity provider page ${target.pathname} answered ${res.status}: ${text.slice(0, 300)}`);
      if (behaviour.action === 'cancel') {
        const abort = /href="([^"]*\/abort)"/.exec(text);
        if (!abort) throw new Error('no cancel link on the page');
        url = new URL(abort[1], url).href;
        continue;
      }
      const form = /<form method="post" action="([^"]+)"/.exec(text);
      if (!form) throw new Error(`no form on ${target.pathname}: ${text.slice(0, 300)}`);
      url = new URL(form[1], url).href;
      method = 'POST';
      body = text.includes('name="password"')
        ? new URLSearchParams({ email: behaviour.email, password: behaviour.password }).toString()
        : '';
    }
    throw new Error('too many redirects at the identity provider');
  };

  const idp: TestIdp = {
    issuer,
    port,
    pki,
    issued,
    grants,
    get revokedGrants() {
      return revokedGrants;
    },
    browser(behaviour) {
      return async (url: string) => {
        // Like a browser: the page loads on its own time; openUrl returns at once.
        lastRun = browse(url, behaviour);
        lastRun.catch(() => undefined);
      };
    },
    lastBrowserRun: () => lastRun,
    async stop() {
      await agent.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownPki) await pki.cleanup();
    },
  };
  return idp;
}

/** IdentitySettings for PullPrint's client at this provider (trusting its CA). */
export function settingsFor(idp: TestIdp, extra: Partial<IdentitySettings> = {}): IdentitySettings {
  return { issuerUrl: idp.issuer, clientId: CLIENT_ID, caFile: idp.pki.caFile, resource: RESOURCE, ...extra };
}

/** Retries without the production delays, so failure tests stay fast. */
export const FAST_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };

/** The real time plus an offset the test moves by hand. */
export class MovableClock implements Clock {
  #offsetMs = 0;
  constructor(offsetMs = 0) {
    this.#offsetMs = offsetMs;
  }
  now(): number {
    return Date.now() + this.#offsetMs;
  }
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
  /** Back to the real time (plus the offset given at construction). */
  reset(offsetMs = 0): void {
    this.#offsetMs = offsetMs;
  }
}
