// One authenticated directory session: try each URL in order, secure it (LDAPS, or
// StartTLS on ldap:// unless plain LDAP was explicitly allowed), find the account's DN
// and bind as it. A server that cannot be reached is skipped for the next one; a server
// that answers "wrong password" is not (asking every replica would multiply failed
// attempts towards Active Directory's lockout threshold).

import { readFile } from 'node:fs/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { Client, ResultCodeError } from 'ldapts';
import type { Logger } from '../log/types.js';
import { DirectoryError, classifyLdapError, failureClass } from './errors.js';
import { bindNameFor, checkSignInName, isDnTemplate, userFilterFor } from './escape.js';
import type { DirectorySettings } from './types.js';

export interface DirectorySession {
  readonly client: Client;
  /** The URL that answered. */
  readonly url: string;
  /** The bound account's entry. */
  readonly dn: string;
  /** This machine's address on the connection to the directory: the interface the OS routes towards it. */
  readonly localAddress: string | null;
  close(): Promise<void>;
}

async function loadCa(settings: DirectorySettings): Promise<Buffer | undefined> {
  if (!settings.caFile) return undefined;
  try {
    const pem = await readFile(settings.caFile);
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in the file');
    return pem;
  } catch (e) {
    throw new DirectoryError('DIRECTORY_CONFIG', `the directory CA file ${settings.caFile} cannot be used: ${(e as Error).message}`);
  }
}

function tlsFor(host: string, ca: Buffer | undefined): ConnectionOptions {
  return {
    ...(ca ? { ca } : {}),
    minVersion: 'TLSv1.2',
    // Node checks the certificate against `host` (an IP SAN for an address); SNI only for names.
    host,
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
}

/** Connects and secures, without binding; records the plain socket's local address. */
async function connectOne(url: string, settings: DirectorySettings, ca: Buffer | undefined): Promise<{ client: Client; localAddress: () => string | null }> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const secureUrl = u.protocol === 'ldaps:';
  let sock: Socket | TLSSocket | null = null;
  const tls = tlsFor(host, ca);
  const client = new Client({
    url,
    connectTimeout: settings.connectTimeoutMs,
    timeout: settings.operationTimeoutMs,
    // Any defined tlsOptions makes ldapts speak TLS from the first byte: only for ldaps.
    ...(secureUrl ? { tlsOptions: tls } : {}),
    createConnection: ((port: number, h: string) => {
      sock = netConnect(port, h);
      return sock;
    }) as typeof netConnect,
    createSecureConnection: ((...args: unknown[]) => {
      const s = (tlsConnect as (...a: unknown[]) => TLSSocket)(...args);
      if (!sock) sock = s;
      return s;
    }) as typeof tlsConnect,
  });
  try {
    if (!secureUrl && settings.startTls === 'required') {
      try {
        // ldapts bounds the StartTLS request but not the handshake after it: bound it here.
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            sock?.destroy();
            reject(new DirectoryError('DIRECTORY_UNREACHABLE', `${url}: TLS handshake after StartTLS timed out`));
          }, settings.connectTimeoutMs);
        });
        await Promise.race([client.startTLS({ ...tls }), deadline]).finally(() => clearTimeout(timer));
      } catch (e) {
        if (e instanceof ResultCodeError) throw new DirectoryError('DIRECTORY_TLS', `${url}: StartTLS refused: ${e.message} (LDAP ${e.code})`, { ldapCode: e.code });
        throw e;
      }
    }
    return { client, localAddress: () => (sock?.localAddress ?? null) };
  } catch (e) {
    await client.unbind().catch(() => undefined);
    throw classifyLdapError(e, `${url}: connect`);
  }
}

async function searchOne(client: Client, settings: DirectorySettings, name: string, url: string, anonymous: boolean): Promise<string | null> {
  let entries: { dn: string }[];
  try {
    const r = await client.search(settings.baseDn, { scope: 'sub', filter: userFilterFor(settings.userFilter, name), sizeLimit: 2, attributes: ['1.1'] });
    entries = r.searchEntries;
  } catch (e) {
    if (e instanceof ResultCodeError && e.code === 4) {
      throw new DirectoryError('DIRECTORY_AMBIGUOUS_USER', `${url}: several entries under ${settings.baseDn} match the user filter for ${name}`, { ldapCode: 4 });
    }
    if (anonymous && e instanceof ResultCodeError && (e.code === 1 || e.code === 50)) {
      throw new DirectoryError('DIRECTORY_CONFIG',
        `${url}: the directory refuses anonymous searches (${e.message}); set the bind DN template (for Active Directory: {user} or DOMAIN\\{user})`, { ldapCode: e.code });
    }
    throw classifyLdapError(e, `${url}: search for the user`);
  }
  if (entries.length > 1) throw new DirectoryError('DIRECTORY_AMBIGUOUS_USER', `${url}: several entries under ${settings.baseDn} match the user filter for ${name}`);
  return entries[0]?.dn ?? null;
}

/** Binds as `name` and finds its entry, on the first URL that answers. Never logs the password. */
export async function openSession(settings: DirectorySettings, name: string, password: string, log: Logger): Promise<DirectorySession> {
  checkSignInName(name);
  // An empty password is an "unauthenticated bind" (RFC 4513 §5.1.2) that many servers accept.
  if (password.length === 0) throw new DirectoryError('DIRECTORY_INVALID_CREDENTIALS', `refused to bind as ${name} with an empty password`);
  const ca = await loadCa(settings);
  let last: DirectoryError | null = null;
  for (const url of settings.urls) {
    let conn: Awaited<ReturnType<typeof connectOne>> | null = null;
    try {
      conn = await connectOne(url, settings, ca);
      const { client } = conn;
      let dn: string;
      if (settings.bindDnTemplate) {
        const bindName = bindNameFor(settings.bindDnTemplate, name);
        await client.bind(bindName, password).catch((e: unknown) => {
          throw classifyLdapError(e, `${url}: bind as ${name}`);
        });
        const found = await searchOne(client, settings, name, url, false);
        // A DN template names the entry itself; a UPN or DOMAIN\name template does not.
        if (found === null && !isDnTemplate(settings.bindDnTemplate)) throw new DirectoryError('DIRECTORY_USER_NOT_FOUND', `${url}: no entry under ${settings.baseDn} matches the user filter for ${name}`);
        dn = found ?? bindName;
      } else {
        const found = await searchOne(client, settings, name, url, true);
        if (found === null) throw new DirectoryError('DIRECTORY_USER_NOT_FOUND', `${url}: no entry under ${settings.baseDn} matches the user filter for ${name}`);
        dn = found;
        await client.bind(dn, password).catch((e: unknown) => {
          throw classifyLdapError(e, `${url}: bind as ${dn}`);
        });
      }
      const c = client;
      return { client: c, url, dn, localAddress: conn.localAddress(), close: () => c.unbind().catch(() => undefined) };
    } catch (e) {
      if (conn) await conn.client.unbind().catch(() => undefined);
      const err = classifyLdapError(e, `${url}`);
      if (failureClass(err.directoryCode) !== 'retry') throw err;
      log.debug('directory server not usable, trying the next one', { url, code: err.code, message: err.message });
      last = err;
    }
  }
  throw last ?? new DirectoryError('DIRECTORY_UNREACHABLE', 'no directory URL configured');
}
