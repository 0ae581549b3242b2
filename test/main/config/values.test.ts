// The value parsers on their own: server addresses, the file name format, name suggestions
// and the queue names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { printJobFileNameFormat } from '../../../main/config/file-name-format.js';
import { queueNameOf } from '../../../main/config/queue-names.js';
import { serverAddress } from '../../../main/config/server-address.js';
import { editDistance, suggestName } from '../../../main/config/suggest.js';
import { timeOfDay } from '../../../main/config/values.js';

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
