// Sign-in names in LDAP syntax: RFC 4515 filter escaping (checked by parsing the result
// with ldapts' own filter parser, also on seeded random names), RFC 4514 DN escaping,
// and refusal of names no account can have.
// PULLPRINT_FUZZ_ITERATIONS raises the count; PULLPRINT_FUZZ_SEED replays a run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EqualityFilter, FilterParser, OrFilter } from 'ldapts';
import { bindNameFor, checkSignInName, escapeDnValue, escapeFilterValue, isDnTemplate, userFilterFor } from '../../../main/directory/escape.js';
import { DirectoryError } from '../../../main/directory/errors.js';
import { DEFAULT_USER_FILTER } from '../../../main/directory/settings.js';
import { prng } from '../pdl/feed.js';

const ITERATIONS = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 1_000_000_000);

function valueOf(f: unknown): string {
  assert.ok(f instanceof EqualityFilter, `expected an equality filter, got ${String(f)}`);
  return Buffer.isBuffer(f.value) ? f.value.toString('utf8') : f.value;
}

describe('filter values (RFC 4515)', () => {
  test('escapes exactly the five characters the RFC names', () => {
    assert.equal(escapeFilterValue('a*b(c)d\\e\u0000f'), 'a\\2ab\\28c\\29d\\5ce\\00f');
    assert.equal(escapeFilterValue('zoë@example.com'), 'zoë@example.com');
    assert.equal(escapeFilterValue(''), '');
  });

  test('injection attempts stay one value in one equality term', () => {
    for (const name of ['*', 'alice)(uid=*', '*)(|(objectClass=*', 'x\\2a', ')(&']) {
      const f = FilterParser.parseString(userFilterFor('(uid={user})', name));
      assert.equal(valueOf(f), name);
    }
  });

  test('the default filter substitutes every {user} and stays a four-term OR', () => {
    const f = FilterParser.parseString(userFilterFor(DEFAULT_USER_FILTER, 'a*)(b'));
    assert.ok(f instanceof OrFilter);
    assert.deepEqual(f.filters.map((x) => [(x as EqualityFilter).attribute, valueOf(x)]), [
      ['userPrincipalName', 'a*)(b'], ['mail', 'a*)(b'], ['sAMAccountName', 'a*)(b'], ['uid', 'a*)(b'],
    ]);
  });

  test(`fuzz: ${ITERATIONS} seeded random names round-trip through the filter parser`, () => {
    const alphabet = ['*', '(', ')', '\\', '=', '|', '&', '!', '~', '>', '<', ':', ',', '+', '"', '#', ' ', 'a', 'Z', '0', 'é', 'ß', '中', '😀', '\\2a', '%', '\''];
    for (let i = 0; i < ITERATIONS; i += 1) {
      const seed = SEED + i;
      const r = prng(seed);
      let name = '';
      const len = 1 + Math.floor(r() * 24);
      for (let j = 0; j < len; j += 1) name += alphabet[Math.floor(r() * alphabet.length)];
      try {
        checkSignInName(name);
      } catch {
        continue; // leading/trailing spaces are refused on purpose
      }
      try {
        assert.equal(valueOf(FilterParser.parseString(userFilterFor('(mail={user})', name))), name);
      } catch (e) {
        assert.fail(`name ${JSON.stringify(name)} failed (run seed ${SEED}; replay with PULLPRINT_FUZZ_SEED=${seed} PULLPRINT_FUZZ_ITERATIONS=1): ${(e as Error).message}`);
      }
    }
  });
});

describe('DN values (RFC 4514)', () => {
  test('escapes specials, a leading space or #, and a trailing space', () => {
    assert.equal(escapeDnValue('Smith, John'), 'Smith\\, John');
    assert.equal(escapeDnValue('a+b="c"<d>;e\\f'), 'a\\+b\\=\\"c\\"\\<d\\>\\;e\\\\f');
    assert.equal(escapeDnValue('#x'), '\\#x');
    assert.equal(escapeDnValue(' x '), '\\ x\\ ');
    assert.equal(escapeDnValue(' '), '\\ ');
    assert.equal(escapeDnValue('x\\ '), 'x\\\\\\ ');
    assert.equal(escapeDnValue('zoë'), 'zoë');
  });

  test('bind name templates: DN templates escape, UPN and down-level templates do not', () => {
    assert.equal(isDnTemplate('uid={user},ou=people,dc=example,dc=com'), true);
    assert.equal(isDnTemplate('2.5.4.3={user},dc=example'), true);
    assert.equal(isDnTemplate('{user}'), false);
    assert.equal(isDnTemplate('CORP\\{user}'), false);
    assert.equal(bindNameFor('uid={user},ou=people,dc=x', 'a,b'), 'uid=a\\,b,ou=people,dc=x');
    assert.equal(bindNameFor('{user}', 'a=b@corp.example'), 'a=b@corp.example');
    assert.equal(bindNameFor('CORP\\{user}', 'jdoe'), 'CORP\\jdoe');
  });
});

describe('names no account can have', () => {
  for (const [why, name] of [['empty', ''], ['control character', 'al\nice'], ['NUL', 'a\u0000'], ['too long', 'x'.repeat(257)], ['padded', ' alice']] as const) {
    test(`refused: ${why}`, () => {
      assert.throws(() => userFilterFor('(uid={user})', name), (e: unknown) => e instanceof DirectoryError && e.code === 'DIRECTORY_CONFIG');
    });
  }
});
