// LdapAttributeWriter against a real slapd: value-level changes only, idempotence,
// concurrency between workstations, rights, TLS and failover.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { nullLogger } from '../../../main/log/null-logger.js';
import { LdapAttributeWriter } from '../../../main/directory/attribute-writer.js';
import { formatValue } from '../../../main/directory/attribute-value.js';
import { DirectoryError } from '../../../main/directory/errors.js';
import { directorySettings, type DirectorySettingsInput } from '../../../main/directory/settings.js';
import { freePort } from '../../helpers/process.js';
import { ACCOUNTS, PEOPLE, SUFFIX, startSlapd, type Slapd } from '../../peers/slapd.js';

const ATTR = 'otherLoginWorkstations';
const WS_A = '7d4c2a10-0000-4000-8000-00000000000a';
const WS_B = '7d4c2a10-0000-4000-8000-00000000000b';
const addr = (host: string, port = 9443): { host: string; port: number; secure: boolean } => ({ host, port, secure: true });

let slapd: Slapd;
before(async () => {
  slapd = await startSlapd();
});
after(async () => {
  await slapd?.cleanup();
});

function writer(over: Partial<DirectorySettingsInput> = {}): LdapAttributeWriter {
  return new LdapAttributeWriter(directorySettings({ urls: [slapd.ldapsUrl], baseDn: SUFFIX, caFile: slapd.caFile, ...over }), nullLogger());
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<DirectoryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DirectoryError, `expected a DirectoryError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

const modifies = (dn: string): number => slapd.log().split('\n').filter((l) => l.includes(` MOD dn="${dn}"`)).length;

describe('writing only our own value', () => {
  test('adds and removes our value, leaving another workstation\'s and foreign values alone', async () => {
    const other = formatValue(addr('192.0.2.99'), WS_B, 'WS-B');
    await slapd.setValues(ACCOUNTS.alice.dn, ATTR, [other, 'LEGACY-PC-17']);
    const mine = formatValue(addr('192.0.2.10'), WS_A, 'WS-A');
    const out = await writer().apply({ user: 'alice@pullprint.test', password: ACCOUNTS.alice.password, workstationId: WS_A, value: mine });
    assert.equal(out.changed, true);
    assert.equal(out.dn, ACCOUNTS.alice.dn);
    assert.equal(out.localAddress, '127.0.0.1');
    assert.deepEqual(await slapd.values(ACCOUNTS.alice.dn, ATTR), [mine, other, 'LEGACY-PC-17'].sort());

    const rm = await writer().apply({ user: 'alice@pullprint.test', password: ACCOUNTS.alice.password, workstationId: WS_A, value: null });
    assert.deepEqual(rm.deleted, [mine]);
    assert.deepEqual(await slapd.values(ACCOUNTS.alice.dn, ATTR), [other, 'LEGACY-PC-17'].sort());
  });

  test('is idempotent: a second add and a second remove change nothing and succeed', async () => {
    await slapd.setValues(ACCOUNTS.bob.dn, ATTR, []);
    const mine = formatValue(addr('192.0.2.11'), WS_A);
    const req = { user: 'bob', password: ACCOUNTS.bob.password, workstationId: WS_A, value: mine };
    assert.equal((await writer().apply(req)).changed, true);
    const before = modifies(ACCOUNTS.bob.dn);
    assert.equal((await writer().apply(req)).changed, false);
    assert.equal(modifies(ACCOUNTS.bob.dn), before, 'no modify was sent for a value already there');
    assert.deepEqual(await slapd.values(ACCOUNTS.bob.dn, ATTR), [mine]);
    assert.equal((await writer().apply({ ...req, value: null })).changed, true);
    assert.equal((await writer().apply({ ...req, value: null })).changed, false);
    assert.deepEqual(await slapd.values(ACCOUNTS.bob.dn, ATTR), []);
  });

  test('never duplicates: a case variant of our value counts as present; several stale values of ours all go', async () => {
    const mine = formatValue(addr('192.0.2.12'), WS_A, 'ws-a');
    await slapd.setValues(ACCOUNTS.bob.dn, ATTR, [mine.toUpperCase().replace('HTTPS', 'https')]);
    const r = await writer().apply({ user: 'bob', password: ACCOUNTS.bob.password, workstationId: WS_A, value: mine });
    assert.equal(r.changed, false);
    assert.equal((await slapd.values(ACCOUNTS.bob.dn, ATTR)).length, 1);

    const stale1 = formatValue(addr('192.0.2.1'), WS_A);
    const stale2 = formatValue(addr('2001:db8::5'), WS_A);
    const theirs = formatValue(addr('192.0.2.1'), WS_B);
    await slapd.setValues(ACCOUNTS.bob.dn, ATTR, [stale1, stale2, theirs]);
    const r2 = await writer().apply({ user: 'bob', password: ACCOUNTS.bob.password, workstationId: WS_A, value: mine });
    assert.deepEqual([...r2.deleted].sort(), [stale1, stale2].sort());
    assert.deepEqual(await slapd.values(ACCOUNTS.bob.dn, ATTR), [mine, theirs].sort());
  });

  test('an address change replaces our old value in a single modify', async () => {
    const old = formatValue(addr('192.0.2.20'), WS_A);
    const theirs = formatValue(addr('192.0.2.30'), WS_B);
    await slapd.setValues(ACCOUNTS.alice.dn, ATTR, [old, theirs]);
    const before = modifies(ACCOUNTS.alice.dn);
    const next = formatValue(addr('10.8.0.7'), WS_A);
    const r = await writer().apply({ user: 'alice', password: ACCOUNTS.alice.password, workstationId: WS_A, value: next });
    assert.deepEqual(r.deleted, [old]);
    assert.equal(r.added, next);
    assert.equal(modifies(ACCOUNTS.alice.dn) - before, 1);
    assert.deepEqual(await slapd.values(ACCOUNTS.alice.dn, ATTR), [next, theirs].sort());
  });

  test('two workstations writing for the same user at the same time both end present', async () => {
    await slapd.setValues(ACCOUNTS.alice.dn, ATTR, []);
    const a = formatValue(addr('192.0.2.40'), WS_A);
    const b = formatValue(addr('192.0.2.41'), WS_B);
    const rounds = [];
    for (let i = 0; i < 4; i += 1) {
      rounds.push(writer().apply({ user: 'alice', password: ACCOUNTS.alice.password, workstationId: WS_A, value: a }));
      rounds.push(writer().apply({ user: 'alice', password: ACCOUNTS.alice.password, workstationId: WS_B, value: b }));
    }
    await Promise.all(rounds);
    assert.deepEqual(await slapd.values(ACCOUNTS.alice.dn, ATTR), [a, b].sort());
    // And removing concurrently leaves the other one.
    await Promise.all([
      writer().apply({ user: 'alice', password: ACCOUNTS.alice.password, workstationId: WS_A, value: null }),
      writer().apply({ user: 'alice', password: ACCOUNTS.alice.password, workstationId: WS_B, value: formatValue(addr('192.0.2.42'), WS_B) }),
    ]);
    assert.deepEqual(await slapd.values(ACCOUNTS.alice.dn, ATTR), [formatValue(addr('192.0.2.42'), WS_B)]);
  });

  test('another attribute name can be configured', async () => {
    const mine = formatValue(addr('192.0.2.50'), WS_A);
    await writer({ attribute: 'labeledURI' }).apply({ user: 'bob', password: ACCOUNTS.bob.password, workstationId: WS_A, value: mine });
    assert.deepEqual(await slapd.values(ACCOUNTS.bob.dn, 'labeledURI'), [mine]);
    await writer({ attribute: 'labeledURI' }).apply({ user: 'bob', password: ACCOUNTS.bob.password, workstationId: WS_A, value: null });
    assert.deepEqual(await slapd.values(ACCOUNTS.bob.dn, 'labeledURI'), []);
  });
});

describe('failures', () => {
  const mine = formatValue(addr('192.0.2.60'), WS_A);

  test('a wrong password is LDAP 49, DIRECTORY_INVALID_CREDENTIALS, and the message holds no password', async () => {
    const e = await rejectsWith(writer().apply({ user: 'alice', password: 'not-her-password', workstationId: WS_A, value: mine }), 'DIRECTORY_INVALID_CREDENTIALS');
    assert.equal(e.ldapCode, 49);
    assert.ok(!e.message.includes('not-her-password'));
  });

  test('an empty password is refused without asking the directory (it would be an anonymous bind)', async () => {
    const before = slapd.bindCount(ACCOUNTS.alice.dn);
    await rejectsWith(writer().apply({ user: 'alice', password: '', workstationId: WS_A, value: mine }), 'DIRECTORY_INVALID_CREDENTIALS');
    assert.equal(slapd.bindCount(ACCOUNTS.alice.dn), before);
  });

  test('a user without self-write gets an administrator error naming the attribute, the DN and the access', async () => {
    const e = await rejectsWith(writer().apply({ user: 'carol', password: ACCOUNTS.carol.password, workstationId: WS_A, value: mine }), 'DIRECTORY_INSUFFICIENT_ACCESS');
    assert.equal(e.ldapCode, 50);
    assert.match(e.message, /otherLoginWorkstations/);
    assert.ok(e.message.includes(ACCOUNTS.carol.dn));
    assert.match(e.message, /self write on otherLoginWorkstations/);
    assert.deepEqual(await slapd.values(ACCOUNTS.carol.dn, ATTR), []);
  });

  test('an attribute the schema does not have is an administrator error naming it', async () => {
    const e = await writer({ attribute: 'pullprintNoSuchAttribute' })
      .apply({ user: 'bob', password: ACCOUNTS.bob.password, workstationId: WS_A, value: mine })
      .then(() => null, (x: unknown) => x as DirectoryError);
    assert.ok(e instanceof DirectoryError);
    assert.equal(e.code, 'DIRECTORY_ATTRIBUTE_UNAVAILABLE');
    assert.equal(e.ldapCode, 17);
    assert.match(e.message, /pullprintNoSuchAttribute/);
  });

  test('filter metacharacters in a name match nobody instead of everybody', async () => {
    for (const name of ['*', 'alice)(uid=*', '*)(|(objectClass=*']) {
      await rejectsWith(writer().apply({ user: name, password: ACCOUNTS.alice.password, workstationId: WS_A, value: mine }), 'DIRECTORY_USER_NOT_FOUND');
    }
  });
});

describe('finding and binding the user', () => {
  const mine = formatValue(addr('192.0.2.70'), WS_A);

  test('search then bind finds a user by UPN, mail, sAMAccountName or uid, escaping special characters', async () => {
    for (const name of [ACCOUNTS.zoe.userPrincipalName, ACCOUNTS.zoe.mail, ACCOUNTS.zoe.uid]) {
      const r = await writer().apply({ user: name, password: ACCOUNTS.zoe.password, workstationId: WS_A, value: mine });
      assert.equal(r.dn.toLowerCase().includes('zo'), true);
      assert.deepEqual(await slapd.values(ACCOUNTS.zoe.dn, ATTR), [mine]);
      await writer().apply({ user: name, password: ACCOUNTS.zoe.password, workstationId: WS_A, value: null });
    }
  });

  test('a bind DN template binds directly (RFC 4514 escaping of the name)', async () => {
    const w = writer({ bindDnTemplate: `uid={user},${PEOPLE}`, userFilter: '(uid={user})' });
    await w.apply({ user: ACCOUNTS.zoe.uid, password: ACCOUNTS.zoe.password, workstationId: WS_A, value: mine });
    assert.deepEqual(await slapd.values(ACCOUNTS.zoe.dn, ATTR), [mine]);
    await w.apply({ user: ACCOUNTS.zoe.uid, password: ACCOUNTS.zoe.password, workstationId: WS_A, value: null });
    assert.deepEqual(await slapd.values(ACCOUNTS.zoe.dn, ATTR), []);
  });
});

describe('transport security and failover', () => {
  const mine = formatValue(addr('192.0.2.80'), WS_A);
  const req = (): { user: string; password: string; workstationId: string; value: string } =>
    ({ user: 'bob', password: ACCOUNTS.bob.password, workstationId: WS_A, value: mine });

  test('StartTLS on ldap:// with the CA works and is really negotiated', async () => {
    const before = slapd.log().split('\n').filter((l) => l.includes('EXT oid=1.3.6.1.4.1.1466.20037')).length;
    await writer({ urls: [slapd.ldapUrl] }).apply(req());
    const afterCount = slapd.log().split('\n').filter((l) => l.includes('EXT oid=1.3.6.1.4.1.1466.20037')).length;
    assert.ok(afterCount > before, 'slapd logged a StartTLS request');
  });

  test('an untrusted certificate fails as DIRECTORY_TLS, for ldaps and StartTLS', async () => {
    await rejectsWith(writer({ caFile: null }).apply(req()), 'DIRECTORY_TLS');
    await rejectsWith(writer({ urls: [slapd.ldapUrl], caFile: null }).apply(req()), 'DIRECTORY_TLS');
  });

  test('a certificate for another name fails: the name is checked after StartTLS too', async () => {
    const port = new URL(slapd.ldapUrl).port;
    await rejectsWith(writer({ urls: [`ldap://localhost:${port}`] }).apply(req()), 'DIRECTORY_TLS');
  });

  test('plain LDAP only when explicitly allowed', async () => {
    await slapd.setValues(ACCOUNTS.bob.dn, ATTR, []);
    const startTls = (): number => slapd.log().split('\n').filter((l) => l.includes('EXT oid=1.3.6.1.4.1.1466.20037')).length;
    const before = startTls();
    await writer({ urls: [slapd.ldapUrl], startTls: 'none', caFile: null }).apply(req());
    assert.deepEqual(await slapd.values(ACCOUNTS.bob.dn, ATTR), [mine]);
    assert.equal(startTls(), before, 'no StartTLS was attempted');
  });

  test('fails over to the next URL; with none reachable it is DIRECTORY_UNREACHABLE', async () => {
    const dead = await freePort();
    const out = await writer({ urls: [`ldaps://127.0.0.1:${dead}`, slapd.ldapsUrl] }).apply({ ...req(), value: null });
    assert.equal(out.url, slapd.ldapsUrl);
    const dead2 = await freePort();
    await rejectsWith(writer({ urls: [`ldaps://127.0.0.1:${dead}`, `ldap://127.0.0.1:${dead2}`] }).apply(req()), 'DIRECTORY_UNREACHABLE');
  });

  test('a server that agrees to StartTLS and then stalls the handshake fails within the connect timeout', async () => {
    // Answers the StartTLS extended request with success, then sends nothing more.
    const oid = Buffer.from('1.3.6.1.4.1.1466.20037');
    const sockets: Socket[] = [];
    const stall = createServer((sock) => {
      sockets.push(sock);
      sock.once('data', (req: Buffer) => {
        const id = req[2] === 0x02 && req[3] === 0x01 ? req[4] : 1;
        const op = Buffer.concat([Buffer.from([0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x8a, oid.length]), oid]);
        const body = Buffer.concat([Buffer.from([0x02, 0x01, id, 0x78, op.length]), op]);
        sock.write(Buffer.concat([Buffer.from([0x30, body.length]), body]));
      });
    });
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
    try {
      const port = (stall.address() as { port: number }).port;
      const t = Date.now();
      await rejectsWith(writer({ urls: [`ldap://127.0.0.1:${port}`], connectTimeoutMs: 300 }).apply(req()), 'DIRECTORY_UNREACHABLE');
      assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
    } finally {
      sockets.forEach((x) => x.destroy());
      await new Promise<void>((resolve) => stall.close(() => resolve()));
    }
  });

  test('a CA file that is not a certificate is a configuration error', async () => {
    await rejectsWith(writer({ caFile: `${slapd.dir}/slapd.conf` }).apply(req()), 'DIRECTORY_CONFIG');
  });
});
