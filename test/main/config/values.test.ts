// The value parsers on their own: server addresses, the file name format, name suggestions,
// the queue names, and the parsers of the PullPrint additions (directory, listen address, IdP client).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { printJobFileNameFormat } from '../../../main/config/file-name-format.js';
import { queueNameOf } from '../../../main/config/queue-names.js';
import { serverAddress } from '../../../main/config/server-address.js';
import { editDistance, suggestName } from '../../../main/config/suggest.js';
import { timeOfDay } from '../../../main/config/values.js';
import { clientId, resourceIndicator, scopes } from '../../../main/config/idp-values.js';
import { filterSyntaxError } from '../../../main/config/ldap-filter.js';
import { bindDnTemplate, distinguishedName, ldapUrl, userFilter as ldapUserFilter } from '../../../main/config/ldap-values.js';
import { isLoopback, listenAddress } from '../../../main/config/listen-address.js';

describe('ServerIP', () => {
  const withPath = serverAddress(true);
  const hostOnly = serverAddress(false);
  const accepted: readonly [string, string, string][] = [
    ['apis.us.iss.lexmark.com/cpm', 'apis.us.iss.lexmark.com', '/cpm'],
    ['Print.Example.COM', 'print.example.com', ''],
    ['print.example.com/a/b/', 'print.example.com', '/a/b'],
    ['print.example.com/', 'print.example.com', ''],
    ['print.example.com/%7Euser', 'print.example.com', '/%7Euser'],
    ['10.0.0.5', '10.0.0.5', ''],
    ['0.0.0.0', '0.0.0.0', ''],
    ['[2001:DB8::1]/api', '[2001:db8::1]', '/api'],
    ['[::1]', '[::1]', ''],
    ['printserver', 'printserver', ''],
  ];
  for (const [text, host, path] of accepted) {
    test(`accepts ${text}`, () => assert.deepEqual(withPath(text), { ok: true, value: { host, path } }));
  }
  const rejected: readonly [string, RegExp | null][] = [
    ['https://print.example.com', /remove "https:\/\/" and write print\.example\.com/],
    ['HTTP://print.example.com/x', /remove "HTTP:\/\/"/],
    ['print.example.com:8443', /put the port in ServerPort and write print\.example\.com here/],
    ['[::1]:8443', /put the port in ServerPort/],
    ['2001:db8::1', /write IPv6 addresses in brackets: \[2001:db8::1\]/],
    ['[not-v6]', /brackets must hold an IPv6 address/],
    ['999.1.1.1', /not a valid IPv4 address/],
    ['print example.com', null],
    ['-bad.example.com', null],
    ['bad_.example.com', null],
    ['a..b', null],
    ['print.example.com/x?y=1', /no query string or fragment/],
    ['print.example.com/x#top', /no query string or fragment/],
    ['print.example.com/%zz', /not a valid URL path/],
    ['', null],
    [`${'a'.repeat(64)}.example.com`, null],
  ];
  for (const [text, hint] of rejected) {
    test(`rejects ${JSON.stringify(text.slice(0, 30))}`, () => {
      const r = withPath(text);
      assert.equal(r.ok, false);
      if (!r.ok && hint) assert.match(r.hint ?? '', hint);
      if (!r.ok && !hint) assert.equal(r.hint, undefined);
    });
  }
  test('the report server takes a host only', () => {
    assert.deepEqual(hostOnly('reports.example.com'), { ok: true, value: { host: 'reports.example.com', path: '' } });
    const r = hostOnly('reports.example.com/x');
    assert.ok(!r.ok && /host only/.test(r.hint ?? ''));
  });
});

describe('PrintJobFileNameFormat', () => {
  for (const ok of ['%d_%i.prn', '%d_%i.ps', '%i', '%u-%pd-%pq-%d-%i', '100%%_%i.job', '%i%%', 'a.%i.b']) {
    test(`accepts ${ok}`, () => assert.deepEqual(printJobFileNameFormat(ok), { ok: true, value: ok }));
  }
  const bad: readonly [string, RegExp][] = [
    ['%d.prn', /%i \(the cycle counter\) is required/],
    ['%%i.prn', /%i \(the cycle counter\) is required/],
    ['%d_%i_%x', /unknown token "%x"/],
    ['%i_%p', /unknown token "%p"/],
    ['%i_%pz', /unknown token "%pz"/],
    ['%i%', /unknown token "%"/],
    ['sub/%i', /not a path/],
    ['..\\%i', /not a path/],
    ['%i:%d', /not a path/],
    ['.%i', /may not start with "\."/],
    ['', /^$/],
  ];
  for (const [text, hint] of bad) {
    test(`rejects ${JSON.stringify(text)}`, () => {
      const r = printJobFileNameFormat(text);
      assert.ok(!r.ok);
      assert.match(r.hint ?? '', hint);
    });
  }
  test('rejects a name longer than 200 characters', () => assert.equal(printJobFileNameFormat(`${'a'.repeat(200)}%i`).ok, false));
});

describe('times of day', () => {
  test('HHMM from 0000 to 2359', () => {
    assert.deepEqual(timeOfDay('0000'), { ok: true, value: { hour: 0, minute: 0 } });
    assert.deepEqual(timeOfDay('2359'), { ok: true, value: { hour: 23, minute: 59 } });
    for (const bad of ['2400', '1260', '930', '09300', 'noon', '']) assert.equal(timeOfDay(bad).ok, false, bad);
  });
  test('the colon hint is given only when the time without it would be valid', () => {
    const fixable = timeOfDay('9:30');
    assert.ok(!fixable.ok && fixable.hint === 'write 0930 without the colon');
    const unfixable = timeOfDay('25:00');
    assert.ok(!unfixable.ok && unfixable.hint === undefined);
  });
});

describe('name suggestions', () => {
  const names = ['LoopbackPort', 'PrintJobFileNameFormat', 'Day', 'Hour'];
  test('a case-only difference', () => assert.equal(suggestName('loopbackport', names), 'LoopbackPort'));
  test('a dropped or doubled letter', () => {
    assert.equal(suggestName('LopbackPort', names), 'LoopbackPort');
    assert.equal(suggestName('PrintJobFileNameFormatt', names), 'PrintJobFileNameFormat');
  });
  test('nothing for unrelated names', () => {
    assert.equal(suggestName('Colour', names), null);
    assert.equal(suggestName('Dax', ['Hour']), null);
  });
  test('edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });
});

describe('queueNameOf', () => {
  test('one product-neutral queue name per mode, all distinct', () => {
    const kinds = ['cloud', 'hybrid', 'serverless-ad', 'local'] as const;
    assert.deepEqual(kinds.map(queueNameOf), ['PullPrint-Cloud', 'PullPrint-Hybrid', 'PullPrint-AD', 'PullPrint']);
  });
});

describe('Directory/URL', () => {
  const accepted: readonly [string, string][] = [
    ['ldaps://dc1.corp.example', 'ldaps://dc1.corp.example'],
    ['LDAPS://DC1.Corp.Example:636/', 'ldaps://dc1.corp.example:636'],
    ['ldap://10.0.0.5:389', 'ldap://10.0.0.5:389'],
    ['ldap://[2001:DB8::5]', 'ldap://[2001:db8::5]'],
    ['ldaps://[::1]:6360', 'ldaps://[::1]:6360'],
  ];
  for (const [text, value] of accepted) {
    test(`accepts ${text}`, () => assert.deepEqual(ldapUrl(text), { ok: true, value }));
  }
  const rejected: readonly [string, RegExp | null][] = [
    ['ldapi://%2fvar%2frun%2fslapd.sock', /ldapi\) sockets are not supported/],
    ['ldaps://dc1?cn', /no path, query or filter/],
    ['ldaps://dc1#x', /no path, query or filter/],
    ['ldaps://:636', /the host is missing/],
    ['ldaps://dc1:65536', /1 to 65535/],
    ['ldaps://dc1:x', null],
    ['ldaps://[fe80::1%25eth0]', /brackets must hold an IPv6 address/],
    ['ldaps://[nope]', /brackets must hold an IPv6 address/],
    ['ldaps://bad_host', null],
    ['not a url', null],
  ];
  for (const [text, hint] of rejected) {
    test(`rejects ${text}`, () => {
      const r = ldapUrl(text);
      assert.equal(r.ok, false);
      if (!r.ok && hint) assert.match(r.hint ?? '', hint);
      if (!r.ok && !hint) assert.equal(r.hint, undefined);
    });
  }
});

describe('LDAP filters (RFC 4515 syntax)', () => {
  const good = [
    '(uid={user})', '(!(uid={user}))', '(&(objectClass=user)(sAMAccountName={user}))', '(|(a=1)(b=2)(c=*))',
    '(cn=*{user}*)', '(cn=a*b*c)', '(uid>=a)', '(uid<=z)', '(cn~=smith)', '(cn:caseExactMatch:={user})', '(:dn:2.4.6.8.10:={user})',
    '(o;lang-en=x)', '(1.2.3=\\2a)', '(cn=\\28paren\\29)', '(cn=)',
  ];
  for (const f of good) test(`accepts ${f}`, () => assert.equal(filterSyntaxError(f), null));
  const bad: readonly [string, RegExp][] = [
    ['', /"\(" expected at character 1/],
    ['uid=x', /"\(" expected/],
    ['(uid=x', /"\)" missing/],
    ['(uid=x))', /text after the closing/],
    ['(&)', /needs at least one filter/],
    ['(!uid=x)', /"\(" expected at character 3/],
    ['(uid=a\\zz)', /not attribute=value/],
    ['(uid>=a*)', /not attribute=value/],
    ['(=x)', /not attribute=value/],
    ['(u id=x)', /not attribute=value/],
    ['(uid=a(b))', /write it as \\28/],
    [`${'(!'.repeat(40)}(a=b)${')'.repeat(40)}`, /nested deeper than 32/],
  ];
  for (const [f, why] of bad) test(`rejects ${JSON.stringify(f.slice(0, 30))}`, () => assert.match(filterSyntaxError(f) ?? '', why));
});

describe('BaseDN', () => {
  for (const dn of ['DC=corp,DC=example', 'ou=people, dc=example, dc=com', 'CN=Smith\\, John,OU=Staff,DC=x', 'cn=a+sn=b,dc=x', '2.5.4.3=x', 'OU=R\\26D,DC=x']) {
    test(`accepts ${dn}`, () => assert.deepEqual(distinguishedName(dn), { ok: true, value: dn }));
  }
  for (const dn of ['corp.example', 'DC=', '=x', 'DC=a,', 'DC=a;DC=b', 'CN=a\\', 'CN="quoted"']) {
    test(`rejects ${dn}`, () => assert.equal(distinguishedName(dn).ok, false));
  }
});

describe('ListenAddress', () => {
  test('address literals only', () => {
    for (const a of ['::', '0.0.0.0', '192.0.2.10', 'fe80::1%eth0', '::ffff:192.0.2.1']) assert.equal(listenAddress(a).ok, true, a);
    for (const a of ['localhost', '*', '192.0.2', '1.2.3.4.5', ':::', '[::]']) assert.equal(listenAddress(a).ok, false, a);
  });
  test('loopback detection', () => {
    for (const a of ['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.2']) assert.equal(isLoopback(a), true, a);
    for (const a of ['::', '0.0.0.0', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost']) assert.equal(isLoopback(a), false, a);
  });
});

describe('IdP client values', () => {
  test('ClientId: printable ASCII without spaces, 1 to 200', () => {
    assert.deepEqual(clientId('pullprint'), { ok: true, value: 'pullprint' });
    assert.equal(clientId('c'.repeat(200)).ok, true);
    for (const bad of ['', 'a b', 'a\tb', 'c'.repeat(201), 'caf\u00e9']) assert.equal(clientId(bad).ok, false, bad);
  });
  test('Scopes: RFC 6749 scope tokens, openid required (case-sensitive), no repeats', () => {
    assert.deepEqual(scopes('openid'), { ok: true, value: ['openid'] });
    assert.deepEqual(scopes('openid https://api.example.com/print.read'), { ok: true, value: ['openid', 'https://api.example.com/print.read'] });
    for (const bad of ['', 'email', 'OPENID', 'openid openid', 'openid a\\b', 'openid caf\u00e9', `openid ${'x'.repeat(1020)}`]) assert.equal(scopes(bad).ok, false, bad);
  });
  test('Resource: absolute URI without fragment, or a plain identifier', () => {
    for (const ok of ['https://a.example', 'http://localhost:8080/api', 'urn:ietf:params:x', 'mailto:x@y', 'a.b_c~d-e']) assert.equal(resourceIndicator(ok).ok, true, ok);
    for (const bad of ['', 'https://', 'http:', 'https://a.example/#f', 'a b', 'a/b', 'x:%zz', 'caf\u00e9', 'https://[::1']) assert.equal(resourceIndicator(bad).ok, false, bad);
  });
});

describe('new parsers never throw (seeded random input)', () => {
  const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 1_000_000);
  const iterations = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
  const alphabet = ['(', ')', '&', '|', '!', '=', '*', '~', '<', '>', ':', '\\', '2a', '{user}', 'uid', 'cn', ',', '+', '"', ';', '[', ']',
    '/', '@', '#', '%', ' ', 'ldap://', 'ldaps://', 'openid', 'https://', '::1', '.', '1', '\u0000', '\u00e9', '\ud800'];
  let state = seed >>> 0;
  const rnd = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  test(`${iterations} inputs per parser (seed ${seed})`, () => {
    const parsers = [ldapUrl, distinguishedName, ldapUserFilter, bindDnTemplate, listenAddress, clientId, scopes, resourceIndicator];
    for (let n = 0; n < iterations; n++) {
      const text = Array.from({ length: Math.floor(rnd() * 24) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      for (const p of parsers) {
        try {
          const r = p(text);
          assert.equal(typeof r.ok, 'boolean');
        } catch (err) {
          assert.fail(`seed ${seed}, input ${JSON.stringify(text)}: ${String(err)}`);
        }
      }
      try {
        const e = filterSyntaxError(text);
        assert.ok(e === null || typeof e === 'string');
      } catch (err) {
        assert.fail(`seed ${seed}, filter ${JSON.stringify(text)}: ${String(err)}`);
      }
    }
  });
});
