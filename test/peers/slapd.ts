// A private OpenLDAP server for the directory tests: slapd.conf, database, schema and a
// test certificate authority in a temporary folder, listening on 127.0.0.1 only
// (plain LDAP with StartTLS on one free port, LDAPS on another). Entries are loaded
// offline with slapadd; slapd runs in the foreground (-d 256, "stats") so the PID we
// hold is slapd's own and its log tells us how many binds each account made. The
// machine's own slapd (if any) is never read, written or signalled.
//
// Needs: apt-get install slapd ldap-utils (with `slapd slapd/no_configuration boolean
// true` preseeded so no system instance is created) and openssl.
import { createHash, randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { tempDir } from '../helpers/documents.js';
import { freePort, run, runOk, startDaemon, waitFor, type Daemon } from '../helpers/process.js';

export const SUFFIX = 'dc=pullprint,dc=test';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'root-Secret-4-tests';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const SERVICES = `ou=services,${SUFFIX}`;
const SCHEMA = new URL('../fixtures/ldap/pullprint-test.schema', import.meta.url);

export interface TestAccount {
  /** The uid attribute (the RDN value). */
  readonly uid: string;
  readonly dn: string;
  readonly password: string;
  readonly mail: string;
  readonly userPrincipalName: string;
  readonly sAMAccountName: string;
}

function account(uid: string, base: string, password: string, login: string): TestAccount {
  return {
    uid,
    dn: `uid=${escapeRdn(uid)},${base}`,
    password,
    mail: `${login}@pullprint.test`,
    userPrincipalName: `${login}@corp.pullprint.test`,
    sAMAccountName: login,
  };
}

/** Users (self-write on the attribute unless said otherwise) and the printers' service account. */
export const ACCOUNTS = {
  alice: account('alice', PEOPLE, 'Alice-pa55word!', 'alice'),
  bob: account('bob', PEOPLE, 'B0b secret phrase', 'bob'),
  /** No self-write on the attribute: the administrator forgot to delegate it. */
  carol: account('carol', PEOPLE, 'Car0l-pw', 'carol'),
  /** A uid full of characters that need escaping in filters and DNs, and a non-ASCII password. */
  zoe: account('zoë,(1)*+x', PEOPLE, 'pässwörd-Zoë', 'zoe'),
  svc: account('svc-print', SERVICES, 'Svc-Print-Pa55', 'svc-print'),
} as const;

/** The attributes users may write on their own entry (the configured one and an alternative). */
export const WRITABLE_ATTRIBUTES = ['otherLoginWorkstations', 'labeledURI'] as const;

export interface Slapd {
  readonly dir: string;
  /** ldap://127.0.0.1:PORT (StartTLS available). */
  readonly ldapUrl: string;
  /** ldaps://127.0.0.1:PORT */
  readonly ldapsUrl: string;
  readonly caFile: string;
  readonly pid: number;
  /** Simple bind attempts slapd has logged for this DN (as the client sent it) since it was first started. */
  bindCount(dn: string): number;
  log(): string;
  /** The attribute's values on an entry, read as the root DN. */
  values(dn: string, attribute: string): Promise<string[]>;
  /** Replaces the attribute's values as the root DN (to seed another workstation's value). */
  setValues(dn: string, attribute: string, values: readonly string[]): Promise<void>;
  /** Stops slapd (by its PID), keeping the database, so start() brings it back on the same ports. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops slapd and removes every file. */
  cleanup(): Promise<void>;
}

/** RFC 4514 escaping of one attribute value inside a DN (test data only). */
function escapeRdn(v: string): string {
  return v.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ');
}

function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(Buffer.from(password, 'utf8')).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** One LDIF line; values that are not plain ASCII (or start badly) go base64 (RFC 2849). */
function ldifLine(name: string, value: string): string {
  const safe = /^[\x20-\x7e]+$/.test(value) && !/^[ :<]/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function ldif(): string {
  const blocks: string[][] = [
    [`dn: ${SUFFIX}`, 'objectClass: dcObject', 'objectClass: organization', 'dc: pullprint', 'o: PullPrint Test'],
    [`dn: ${PEOPLE}`, 'objectClass: organizationalUnit', 'ou: people'],
    [`dn: ${SERVICES}`, 'objectClass: organizationalUnit', 'ou: services'],
  ];
  for (const a of Object.values(ACCOUNTS)) {
    blocks.push([
      ldifLine('dn', a.dn),
      'objectClass: inetOrgPerson',
      'objectClass: pullprintTestUser',
      ldifLine('uid', a.uid),
      ldifLine('cn', a.sAMAccountName),
      'sn: Test',
      ldifLine('mail', a.mail),
      ldifLine('userPrincipalName', a.userPrincipalName),
      ldifLine('sAMAccountName', a.sAMAccountName),
      ldifLine('userPassword', ssha(a.password)),
    ]);
  }
  return blocks.map((b) => b.join('\n')).join('\n\n') + '\n';
}

function slapdConf(dir: string): string {
  const attrs = WRITABLE_ATTRIBUTES.join(',');
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${join(dir, 'pullprint-test.schema')}`,
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    `TLSCACertificateFile ${join(dir, 'ca.pem')}`,
    `TLSCertificateFile ${join(dir, 'server.pem')}`,
    `TLSCertificateKeyFile ${join(dir, 'server.key')}`,
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ssha(ROOT_PASSWORD)}`,
    `directory ${join(dir, 'db')}`,
    'maxsize 16777216',
    // Passwords: only usable to authenticate.
    'access to attrs=userPassword',
    '  by anonymous auth',
    '  by * none',
    // The published attribute: self-write, as an administrator delegates it in AD; carol
    // lacks it; the service account and other users may read.
    `access to dn.subtree="${PEOPLE}" attrs=${attrs}`,
    `  by dn.exact="${ACCOUNTS.carol.dn}" read`,
    '  by self write',
    `  by dn.exact="${ACCOUNTS.svc.dn}" read`,
    '  by users read',
    '  by * none',
    // What an anonymous search-then-bind needs to find a user's DN.
    'access to attrs=entry,objectClass,uid,mail,userPrincipalName,sAMAccountName,cn',
    '  by * read',
    'access to *',
    '  by users read',
    '  by * none',
    '',
  ].join('\n');
}

async function makePki(dir: string): Promise<void> {
  const p = (n: string): string => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await runOk('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2',
    '-subj', '/CN=PullPrint LDAP Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await runOk('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1']);
  // Only the IP address: a client that checks the name against anything else must fail.
  await writeFile(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await runOk('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', p('server.pem'), '-days', '2', '-extfile', p('ext.cnf')]);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function asRoot<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ url, timeout: 5000, connectTimeout: 5000 });
  try {
    await c.bind(ROOT_DN, ROOT_PASSWORD);
    return await fn(c);
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

export async function startSlapd(): Promise<Slapd> {
  for (const bin of ['/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapwhoami']) {
    await access(bin).catch(() => {
      throw new Error(`${bin} is missing: apt-get install slapd ldap-utils (preseed slapd/no_configuration=true)`);
    });
  }
  const tmp = await tempDir('slapd');
  const dir = tmp.path;
  let daemon: Daemon | null = null;
  let pastLogs = '';
  try {
    await makePki(dir);
    await copyFile(SCHEMA, join(dir, 'pullprint-test.schema'));
    await mkdir(join(dir, 'db'), { mode: 0o700 });
    const conf = join(dir, 'slapd.conf');
    await writeFile(conf, slapdConf(dir));
    await writeFile(join(dir, 'data.ldif'), ldif());
    await runOk('/usr/sbin/slapadd', ['-q', '-f', conf, '-l', join(dir, 'data.ldif')]);
    const port = await freePort();
    let tlsPort = await freePort();
    while (tlsPort === port) tlsPort = await freePort();
    const ldapUrl = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = `ldaps://127.0.0.1:${tlsPort}`;

    const start = async (): Promise<void> => {
      if (daemon && !daemon.exited()) return;
      if (daemon) pastLogs += daemon.output();
      const d = startDaemon('/usr/sbin/slapd', ['-d', '256', '-f', conf, '-h', `${ldapUrl}/ ${ldapsUrl}/`]);
      daemon = d;
      await waitFor('slapd to answer', async () => {
        if (d.exited()) throw new Error(`slapd exited: ${d.output().slice(-2000)}`);
        const r = await run('/usr/bin/ldapwhoami', ['-x', '-H', ldapUrl, '-D', ROOT_DN, '-w', ROOT_PASSWORD], { timeoutMs: 5000 });
        return r.code === 0 && (await canConnect(tlsPort));
      }, 10_000, 50).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}\n${d.output().slice(-2000)}`);
      });
    };
    const stop = async (): Promise<void> => {
      if (daemon) await daemon.stop();
    };
    await start();
    return {
      dir,
      ldapUrl,
      ldapsUrl,
      caFile: join(dir, 'ca.pem'),
      get pid() {
        return daemon?.pid ?? -1;
      },
      log: () => pastLogs + (daemon?.output() ?? ''),
      bindCount(dn: string): number {
        const needle = ` bind dn="${dn.toLowerCase()}" method=128`;
        return (pastLogs + (daemon?.output() ?? '')).toLowerCase().split('\n').filter((l) => l.includes(needle)).length;
      },
      values: (dn, attribute) => asRoot(ldapUrl, async (c) => {
        const r = await c.search(dn, { scope: 'base', attributes: [attribute] });
        const e = r.searchEntries[0];
        if (!e) throw new Error(`no entry ${dn}`);
        const v = Object.entries(e).find(([k]) => k.toLowerCase() === attribute.toLowerCase())?.[1];
        if (v === undefined) return [];
        return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))).sort();
      }),
      setValues: (dn, attribute, values) => asRoot(ldapUrl, (c) =>
        c.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values: [...values] }) }))),
      stop,
      start,
      async cleanup(): Promise<void> {
        await stop();
        await tmp.cleanup();
      },
    };
  } catch (e) {
    if (daemon) await (daemon as Daemon).stop();
    await tmp.cleanup();
    throw e;
  }
}
