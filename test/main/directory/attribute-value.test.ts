// The published value: a release-service URL with the workstation id in the fragment;
// what it looks like, what is refused, and that only our own values are recognised.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue, isOwnValue, MAX_VALUE_LENGTH, parseValue } from '../../../main/directory/attribute-value.js';
import { DirectoryError } from '../../../main/directory/errors.js';
import { prng } from '../pdl/feed.js';

const ID = '5f0c6d1e-8a0b-4c1d-9e2f-0123456789ab';
const ITERATIONS = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 1_000_000_000);

describe('format', () => {
  test('IPv4, IPv6 and DNS names, https or http, always with the port', () => {
    assert.equal(formatValue({ host: '192.0.2.10', port: 9443, secure: true }, ID, 'WS-042'), `https://192.0.2.10:9443/#pullprint=${ID}&host=WS-042`);
    assert.equal(formatValue({ host: '2001:DB8::10', port: 443, secure: true }, ID), `https://[2001:db8::10]:443/#pullprint=${ID}`);
    assert.equal(formatValue({ host: 'WS-042.corp.example', port: 80, secure: false }, ID), `http://ws-042.corp.example:80/#pullprint=${ID}`);
  });

  test('a label is cleaned and never pushes the value past the attribute limit', () => {
    assert.equal(formatValue({ host: '192.0.2.10', port: 9443, secure: true }, ID, 'my pc & <co>'), `https://192.0.2.10:9443/#pullprint=${ID}&host=mypcco`);
    const long = formatValue({ host: `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}`, port: 9443, secure: true }, ID, 'x'.repeat(500));
    assert.ok(long.length <= MAX_VALUE_LENGTH);
  });

  const refused: Array<[string, { host: string; port: number; secure: boolean }, string]> = [
    ['loopback IPv4', { host: '127.0.0.1', port: 9443, secure: true }, ID],
    ['loopback IPv6', { host: '::1', port: 9443, secure: true }, ID],
    ['unspecified', { host: '0.0.0.0', port: 9443, secure: true }, ID],
    ['scoped IPv6', { host: 'fe80::1%eth0', port: 9443, secure: true }, ID],
    ['port 0', { host: '192.0.2.1', port: 0, secure: true }, ID],
    ['port 65536', { host: '192.0.2.1', port: 65536, secure: true }, ID],
    ['not a host', { host: 'a b/c', port: 9443, secure: true }, ID],
    ['bad id', { host: '192.0.2.1', port: 9443, secure: true }, 'id with spaces'],
    ['empty id', { host: '192.0.2.1', port: 9443, secure: true }, ''],
  ];
  for (const [why, address, id] of refused) {
    test(`refused: ${why}`, () => {
      assert.throws(() => formatValue(address, id), (e: unknown) => e instanceof DirectoryError && e.code === 'DIRECTORY_CONFIG');
    });
  }
});

describe('parse and ownership', () => {
  test('parses back what format wrote, with a base URL a printer can use', () => {
    const v = parseValue(formatValue({ host: '2001:db8::10', port: 9443, secure: true }, ID, 'WS-1'));
    assert.deepEqual(v, { host: '2001:db8::10', port: 9443, secure: true, workstationId: ID, label: 'WS-1', baseUrl: 'https://[2001:db8::10]:9443/' });
    assert.equal(parseValue(`https://192.0.2.1/#pullprint=${ID}`)?.baseUrl, 'https://192.0.2.1:443/');
  });

  test('values other products or people wrote are not ours', () => {
    for (const v of ['192.0.2.10', 'LEGACY-PC-17', 'https://192.0.2.10:9443/', `ftp://192.0.2.10/#pullprint=${ID}`, `https://u:p@192.0.2.10/#pullprint=${ID}`,
      `https://192.0.2.10/?x=1#pullprint=${ID}`, 'https://192.0.2.10/#pullprint=', `https://192.0.2.10/#pullprint=${ID}${'x'.repeat(MAX_VALUE_LENGTH)}`]) {
      assert.equal(parseValue(v), null, v);
      assert.equal(isOwnValue(v, ID), false, v);
    }
  });

  test('ownership is by workstation id (case-insensitive), whatever the address', () => {
    assert.equal(isOwnValue(`https://10.0.0.1:1/#pullprint=${ID.toUpperCase()}`, ID), true);
    assert.equal(isOwnValue(`http://host.example:80/#host=X&pullprint=${ID}`, ID), true);
    assert.equal(isOwnValue(`https://10.0.0.1:1/#pullprint=other-id`, ID), false);
  });

  test(`fuzz: ${ITERATIONS} mutated values never throw and never claim a foreign id`, () => {
    const base = formatValue({ host: '192.0.2.10', port: 9443, secure: true }, ID, 'WS');
    const junk = ['#', '&', '=', '[', ']', ':', '/', '%', '%00', 'pullprint=', '\u0000', 'é', ' ', '?', '@'];
    for (let i = 0; i < ITERATIONS; i += 1) {
      const seed = SEED + i;
      const r = prng(seed);
      let v = base;
      const edits = 1 + Math.floor(r() * 4);
      for (let k = 0; k < edits; k += 1) {
        const at = Math.floor(r() * (v.length + 1));
        const op = r();
        if (op < 0.4) v = v.slice(0, at) + junk[Math.floor(r() * junk.length)] + v.slice(at);
        else if (op < 0.7) v = v.slice(0, at) + v.slice(at + 1 + Math.floor(r() * 5));
        else v = v.slice(0, at);
      }
      try {
        const p = parseValue(v);
        if (p) assert.ok(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(p.workstationId));
        assert.equal(isOwnValue(v, 'someone-else'), false);
      } catch (e) {
        assert.fail(`value ${JSON.stringify(v)} (run seed ${SEED}; replay with PULLPRINT_FUZZ_SEED=${seed} PULLPRINT_FUZZ_ITERATIONS=1): ${(e as Error).message}`);
      }
    }
  });
});
