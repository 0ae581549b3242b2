// Real peers for the cloud tests: the test OpenID provider (test/peers/oidc-provider.ts,
// HTTPS, password grant, JWT access tokens for RESOURCE) and the reference cloud server
// over HTTPS with a certificate from the same test CA, both on 127.0.0.1 port 0. Tokens
// come from the provider's real token endpoint (password and refresh_token grants).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RemoteServer } from '../../../main/config/types.js';
import type { AccessTokenProvider } from '../../../main/cloud/token-port.js';
import { startCloudServer, type CloudServer, type CloudServerOptions } from '../../../main/cloud-server/server.js';
import { ACCOUNTS, CLIENT_ID, RESOURCE, startTestIdp, type TestIdp, type TestIdpOptions } from '../../peers/oidc-provider.js';

export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';
export { ACCOUNTS, RESOURCE };

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
}

export interface Rig {
  readonly idp: TestIdp;
  readonly agent: Agent;
  /** Password grant at the real provider. */
  signIn(user: string): Promise<TokenSet>;
  /** refresh_token grant; null when the provider refuses it (invalid_grant). */
  refresh(refreshToken: string): Promise<TokenSet | null>;
  /** Starts a reference server trusting the provider (HTTPS, same CA). */
  startServer(over?: Partial<CloudServerOptions>): Promise<CloudServer>;
  /** RemoteServer (ServerIP/ServerPort/UseSSL) naming a started server. */
  remote(server: CloudServer): RemoteServer;
  tempDir(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startRig(idpOpts: TestIdpOptions = {}): Promise<Rig> {
  const idp = await startTestIdp(idpOpts);
  const agent = new Agent({ connect: { ca: idp.pki.caPem } });
  const servers: CloudServer[] = [];
  const dirs: string[] = [];
  const grant = async (params: Record<string, string>): Promise<TokenSet | null> => {
    const res = await undiciFetch(`${idp.issuer}/token`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, resource: RESOURCE, ...params }).toString(),
    });
    const body = (await res.json()) as { access_token?: string; refresh_token?: string; error?: string };
    if (res.status === 400 && body.error === 'invalid_grant') return null;
    if (!res.ok || !body.access_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
    return { accessToken: body.access_token, refreshToken: body.refresh_token ?? null };
  };
  const rig: Rig = {
    idp,
    agent,
    async signIn(user) {
      const t = await grant({ grant_type: 'password', username: user, password: ACCOUNTS[user].password, scope: 'openid offline_access print' });
      if (!t) throw new Error(`password grant refused for ${user}`);
      return t;
    },
    refresh: (refreshToken) => grant({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    async startServer(over = {}) {
      const dataDir = over.dataDir ?? await rig.tempDir('cloud-server-');
      const s = await startCloudServer({
        dataDir,
        tls: { key: idp.pki.keyPem, cert: idp.pki.certPem },
        auth: { issuer: idp.issuer, audience: RESOURCE, ca: idp.pki.caPem },
        ...over,
      });
      servers.push(s);
      return s;
    },
    remote(server) {
      return { host: server.host, port: server.port, path: server.basePath, useSsl: server.origin.startsWith('https') };
    },
    async tempDir(prefix) {
      const d = await mkdtemp(join(tmpdir(), `pullprint-${prefix}`));
      dirs.push(d);
      return d;
    },
    async stop() {
      for (const s of servers.splice(0)) await s.close();
      await agent.close();
      await idp.stop();
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
  return rig;
}

/**
 * An AccessTokenProvider over the real provider: tokens from a password sign-in, a real
 * refresh_token grant on forceRefresh, null (sign-in required) when nobody is signed in
 * or the refresh is refused. Counts what it was asked.
 */
export class RigTokens implements AccessTokenProvider {
  readonly sets = new Map<string, TokenSet>();
  readonly calls: Array<{ user: string; forceRefresh: boolean }> = [];
  refreshes = 0;
  constructor(private readonly rig: Rig) {}

  async signIn(user: string): Promise<void> {
    this.sets.set(user, await this.rig.signIn(user));
  }

  /** Hands out this token until the next refresh (e.g. one the server will find expired). */
  use(user: string, set: TokenSet): void {
    this.sets.set(user, set);
  }

  signOut(user: string): void {
    this.sets.delete(user);
  }

  async accessTokenFor(user: string, opts: { forceRefresh?: boolean } = {}): Promise<string | null> {
    this.calls.push({ user, forceRefresh: opts.forceRefresh === true });
    const set = this.sets.get(user);
    if (!set) return null;
    if (!opts.forceRefresh) return set.accessToken;
    this.refreshes++;
    if (!set.refreshToken) return null;
    const fresh = await this.rig.refresh(set.refreshToken);
    if (!fresh) {
      this.sets.delete(user);
      return null;
    }
    this.sets.set(user, fresh);
    return fresh.accessToken;
  }
}
