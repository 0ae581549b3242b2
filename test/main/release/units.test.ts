// Pure parts of the release service: printer URIs, where each setting goes on delivery,
// the failure limiter, rate-limit keys, Authorization parsing, server plans.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../../../main/config/types.js';
import { parseAuthorization } from '../../../main/release/auth.js';
import { documentFormatOf, planDelivery } from '../../../main/release/delivery-plan.js';
import { encodePrintJob, readPrintJobAnswer } from '../../../main/release/ipp-print-job.js';
import { releaseServerPlans } from '../../../main/release/plans.js';
import { parsePrinterUri } from '../../../main/release/printer-uri.js';
import { FailureLimiter } from '../../../main/release/rate-limit.js';
import { peerKey } from '../../../main/release/routes.js';
import { decodeMessage } from '../../../main/capture/ipp/codec.js';
import { findAttribute, stringValue } from '../../../main/capture/ipp/values.js';
import { errorCode } from '../../../main/util/errors.js';

describe('printer URIs', () => {
  test('schemes, default ports and paths, IPv6, CUPS-style queries', () => {
    assert.deepEqual(parsePrinterUri('ipp://printer.example/ipp/print'), { scheme: 'ipp', host: 'printer.example', port: 631, path: '/ipp/print', uri: 'ipp://printer.example:631/ipp/print' });
    assert.equal(parsePrinterUri('ipps://10.0.0.5').uri, 'ipps://10.0.0.5:631/ipp/print');
    assert.equal(parsePrinterUri('IPP://h:8631/printers/q').uri, 'ipp://h:8631/printers/q');
    assert.deepEqual(parsePrinterUri('socket://[::1]'), { scheme: 'socket', host: '::1', port: 9100, path: '', uri: 'socket://[::1]:9100' });
    assert.equal(parsePrinterUri('socket://127.0.0.1:9101/?snmp=false').uri, 'socket://127.0.0.1:9101');
  });

  test('refused: other schemes, credentials, bad ports, junk', () => {
    for (const bad of ['', 'lpd://h/q', 'http://h/', 'ipp://user:pw@h/', 'socket://h:0', 'socket://h:70000', 'ipp:///x', 'ipp://h/ x', 'not a uri', `ipp://${'a'.repeat(2000)}/`]) {
      assert.throws(() => parsePrinterUri(bad), (e: unknown) => errorCode(e) === 'BAD_PRINTER_URI', bad);
    }
  });
});

describe('delivery plan', () => {
  const job = (pdl: 'pdf' | 'postscript' | 'pclxl' | 'pcl5' | 'unknown', copies: number | null = null) => ({ pdl, protocolMeta: { protocol: 'ipp' as const, copies } });

  test('document formats from the PDL facts', () => {
    assert.deepEqual(['pdf', 'postscript', 'pclxl', 'pcl5', 'unknown'].map((p) => documentFormatOf(p as 'pdf')),
      ['application/pdf', 'application/postscript', 'application/vnd.hp-pclxl', 'application/vnd.hp-pcl', 'application/octet-stream']);
  });

  test('PDF to IPP: attributes, no rewrite; anything to 9100 or non-PDF: rewrite, no attributes', () => {
    const pdf = planDelivery(job('pdf'), 'ipp', { copies: 2, sides: 'duplex-short', color: 'mono', staple: 'top-left', punch: '2-hole' });
    assert.equal(pdf.rewrite, null);
    assert.deepEqual(pdf.jobAttributes.map((a) => a.name), ['copies', 'sides', 'print-color-mode', 'finishings']);
    assert.deepEqual(pdf.jobAttributes[3].values.map((v) => v.kind === 'int' && v.value), [20, 74]);
    const ps = planDelivery(job('postscript'), 'ipps', { copies: 2 });
    assert.deepEqual(ps.rewrite, { copies: 2 });
    assert.deepEqual(ps.jobAttributes, []);
    const raw = planDelivery(job('pdf'), 'socket', { sides: 'simplex' });
    assert.deepEqual(raw.rewrite, { sides: 'simplex' });
    assert.deepEqual(raw.jobAttributes, []);
    const none = planDelivery(job('pclxl'), 'ipp', {});
    assert.equal(none.rewrite, null);
    assert.deepEqual(none.jobAttributes, []);
  });

  test('protocol copies are applied once, unless the release names copies', () => {
    assert.deepEqual(planDelivery(job('postscript', 3), 'socket', null).rewrite, { copies: 3 });
    assert.deepEqual(planDelivery(job('postscript', 3), 'socket', { copies: 1 }).rewrite, { copies: 1 });
    assert.deepEqual(planDelivery(job('pdf', 4), 'ipp', null).jobAttributes.map((a) => a.name), ['copies']);
    assert.equal(planDelivery(job('postscript', 1), 'socket', null).rewrite, null);
  });
});

describe('Print-Job encoding', () => {
  test('operation attributes in RFC 8011 order; long names cut at 255 octets', () => {
    const bytes = encodePrintJob({ printerUri: 'ipp://h:631/ipp/print', requestingUserName: 'ålice@example.com', jobName: 'é'.repeat(200), documentFormat: 'application/pdf', jobAttributes: [], requestId: 42 });
    const { message } = decodeMessage(bytes);
    assert.equal(message.code, 0x0002);
    assert.equal(message.requestId, 42);
    const op = message.groups[0];
    assert.deepEqual(op.attributes.map((a) => a.name), ['attributes-charset', 'attributes-natural-language', 'printer-uri', 'requesting-user-name', 'job-name', 'document-format']);
    assert.equal(stringValue(findAttribute(op, 'requesting-user-name')), 'ålice@example.com');
    assert.equal(Buffer.byteLength(stringValue(findAttribute(op, 'job-name')) ?? ''), 254);
  });

  test('answers: status, job-id, unsupported attributes; garbage is an error', () => {
    const answer = Buffer.from([2, 0, 0, 1, 0, 0, 0, 7, 1, 3]);
    assert.deepEqual(readPrintJobAnswer(answer), { status: 1, statusMessage: null, jobId: null, jobState: null, unsupported: [] });
    assert.throws(() => readPrintJobAnswer(Buffer.from('<html>')));
  });
});

describe('failure limiter', () => {
  test('a burst of `capacity` failures, then Retry-After until refilled; peers are separate', () => {
    let now = 0;
    const l = new FailureLimiter({ capacity: 3, refillMs: 10_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      assert.equal(l.retryAfterSeconds('a'), 0);
      l.fail('a');
    }
    assert.equal(l.retryAfterSeconds('a'), 10);
    assert.equal(l.retryAfterSeconds('b'), 0);
    now += 4_000;
    assert.equal(l.retryAfterSeconds('a'), 6);
    now += 6_000;
    assert.equal(l.retryAfterSeconds('a'), 0);
    now += 60_000;
    assert.equal(l.retryAfterSeconds('a'), 0);
    assert.equal(l.size, 0, 'a bucket found full again is forgotten');
  });

  test('memory stays bounded under many peers', () => {
    const l = new FailureLimiter({ capacity: 2, maxPeers: 50, now: () => 0 });
    for (let i = 0; i < 5000; i++) l.fail(`10.0.${i >> 8}.${i & 255}`);
    assert.ok(l.size <= 50, `${l.size} buckets`);
  });

  test('rate-limit keys: IPv4 (also mapped), IPv6 by /64', () => {
    assert.equal(peerKey('192.0.2.7'), '192.0.2.7');
    assert.equal(peerKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(peerKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(peerKey('2001:db8:1:2::9'), peerKey('2001:db8:1:2:ffff::1'));
    assert.notEqual(peerKey('2001:db8:1:2::9'), peerKey('2001:db8:1:3::9'));
  });
});

describe('Authorization header', () => {
  test('Bearer, Basic (UTF-8, password with colons), malformed, other', () => {
    assert.deepEqual(parseAuthorization('Bearer abc.def'), { scheme: 'bearer', token: 'abc.def' });
    assert.deepEqual(parseAuthorization(`basic ${Buffer.from('svc:pa:ss wörd').toString('base64')}`), { scheme: 'basic', user: 'svc', password: 'pa:ss wörd' });
    assert.deepEqual(parseAuthorization('Basic !!!'), { scheme: 'basic', user: '', password: '' });
    assert.deepEqual(parseAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`), { scheme: 'basic', user: '', password: '' });
    assert.deepEqual(parseAuthorization('Negotiate xyz'), { scheme: 'other', name: 'negotiate' });
    assert.equal(parseAuthorization(undefined), null);
    assert.equal(parseAuthorization('  '), null);
  });
});

describe('server plans', () => {
  const mode = (kind: 'hybrid' | 'serverless-ad' | 'local', port: number, useSsl = true) => ({ kind, release: { esfListenerPort: port, useSsl } });

  test('one listener per port; modes on a shared port share it; cloud has none', () => {
    const cfg = { modes: [mode('serverless-ad', 9443), mode('hybrid', 9443), { kind: 'cloud' }] } as unknown as Pick<Config, 'modes'>;
    assert.deepEqual(releaseServerPlans(cfg), [{ port: 9443, useSsl: true, modes: ['serverless-ad', 'hybrid'] }]);
    const two = { modes: [mode('serverless-ad', 9443), mode('hybrid', 9444, false)] } as unknown as Pick<Config, 'modes'>;
    assert.equal(releaseServerPlans(two).length, 2);
  });

  test('a shared port with different UseSSL is a clear error', () => {
    const cfg = { modes: [mode('serverless-ad', 9443, true), mode('hybrid', 9443, false)] } as unknown as Pick<Config, 'modes'>;
    assert.throws(() => releaseServerPlans(cfg), (e: unknown) => errorCode(e) === 'RELEASE_PORT_CONFLICT');
  });
});
