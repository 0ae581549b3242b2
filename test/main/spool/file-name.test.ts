import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve, sep } from 'node:path';
import {
  MAX_NAME_BYTES, expandFormat, finalizeName, formatTimestamp, resolveInside, sanitizeValue, withSuffix,
  type FileNameValues,
} from '../../../main/spool/file-name.js';
import { ownerFromFolderName, userFolderName } from '../../../main/spool/user-folder.js';
import { prng } from '../../helpers/prng.js';

const FUZZ = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
const DIR = resolve('/srv/spool/users/alice');
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

const HOSTILE = [
  '../../etc/passwd', '..\\..', '..\\..\\Windows\\System32', '..', '.', '...', '/', '\\', 'a/b', 'C:\\x', 'c:',
  'nul\0byte', '\0', 'x\0/../../y', 'CON', 'con.txt', 'Com1', 'LPT9.prn', 'aux ', 'NUL.', 'conin$',
  'x'.repeat(5000), 'é'.repeat(300), '🖨️'.repeat(100), '\u202Eexe.txt', 'zero\u200Bwidth', 'line\nbreak', 'tab\there',
  '\uD800lone', 'end\uDFFF', ' . ', '   ', '', '*?"<>|', '%', '%%', '%d', '.hidden', 'trailing...', 'a..b', '\u2028',
  'e\u0301', 'ÅNGSTRÖM', '名前', '\x7f\x80\x9f',
];

function values(over: Partial<FileNameValues>): FileNameValues {
  return { date: new Date(Date.UTC(2026, 10, 24, 15, 30, 12)), seq: 42, user: 'alice', driver: null, queue: null, modeQueue: 'LPMCloud', ...over };
}

/** The properties every stored name must have, whatever went into it. */
function assertSafeName(name: string, context: string): void {
  const why = `${context} -> ${JSON.stringify(name)}`;
  assert.ok(name.length > 0, why);
  assert.ok(Buffer.byteLength(name, 'utf8') <= MAX_NAME_BYTES, why);
  assert.ok(!/[/\\:*?"<>|]/.test(name), why);
  assert.ok(!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name), why);
  assert.ok(!name.includes('..'), why);
  assert.ok(!name.startsWith('.') && !name.startsWith(' '), why);
  assert.ok(!/[. ]$/.test(name), why);
  assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name), why);
  const firstDot = name.indexOf('.');
  assert.ok(!DEVICE.test((firstDot < 0 ? name : name.slice(0, firstDot)).trim()), why);
  const full = resolveInside(DIR, name);
  assert.ok(full.startsWith(DIR + sep), why);
  assert.equal(dirname(full), DIR, why);
}


const ALPHABET = ['.', '/', '\\', '\0', ':', ' ', '%', 'a', 'A', 'z', '1', 'é', 'ß', '🖨', '\uD800', '\uDC00', '\u202E', '\n', '~', '-', '_', 'C', 'O', 'N', 'i', 'I', 'K'];
function randomString(rnd: () => number, max: number): string {
  const n = Math.floor(rnd() * max);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += rnd() < 0.8 ? ALPHABET[Math.floor(rnd() * ALPHABET.length)] : String.fromCharCode(Math.floor(rnd() * 0x10000));
  }
  return s;
}

describe('%d timestamp', () => {
  test('UTC YYYYMMDD-HHMMSS, sortable as text', () => {
    assert.equal(formatTimestamp(new Date(Date.UTC(2026, 10, 24, 15, 30, 12))), '20261124-153012');
    assert.equal(formatTimestamp(new Date(Date.UTC(2027, 0, 2, 3, 4, 5))), '20270102-030405');
    const times = [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 9), Date.UTC(2026, 0, 1, 0, 0, 10), Date.UTC(2026, 9, 1), Date.UTC(2027, 0, 1)];
    const names = times.map((t) => formatTimestamp(new Date(t)));
    assert.deepEqual([...names].sort(), names);
  });
});

describe('PrintJobFileNameFormat expansion', () => {
  test('every token', () => {
    assert.equal(expandFormat('%d_%i.prn', values({})), '20261124-153012_42.prn');
    assert.equal(expandFormat('%u-%pq-%pd-%i', values({ queue: 'Q', driver: 'Drv' })), 'alice-Q-Drv-42');
    assert.equal(expandFormat('100%%_%i', values({})), '100%_42');
    assert.equal(expandFormat('%x%p%i%', values({})), '%x%p42%');
  });

  test('queue falls back to the mode queue, driver to the queue', () => {
    assert.equal(expandFormat('%pq|%pd', values({})), 'LPMCloud|LPMCloud');
    assert.equal(expandFormat('%pq|%pd', values({ queue: 'lp1' })), 'lp1|lp1');
    assert.equal(expandFormat('%pq|%pd', values({ queue: '  ', driver: '' })), 'LPMCloud|LPMCloud');
  });

  test('substituted values are cleaned and capped', () => {
    const out = expandFormat('%u', values({ user: '../../etc/passwd' }));
    assert.ok(!out.includes('/') && !out.includes('..'), out);
    assert.ok(Buffer.byteLength(expandFormat('%u', values({ user: 'é'.repeat(500) }))) <= 64);
    assert.equal(sanitizeValue('a\0b'), 'a_b');
  });

  for (const token of ['%u', '%pq', '%pd']) {
    test(`hostile ${token} values give safe names inside the user folder`, () => {
      for (const h of HOSTILE) {
        const v = values({ user: h, queue: h, driver: h });
        for (const format of [`${token}`, `%d_${token}_%i.prn`, `${token}.prn`, `%i${token}`]) {
          assertSafeName(finalizeName(expandFormat(format, v)), `${format} with ${JSON.stringify(h)}`);
        }
      }
    });
  }

  test('hostile formats (the literal part) are cleaned too', () => {
    for (const h of HOSTILE) assertSafeName(finalizeName(h), JSON.stringify(h));
    assert.equal(finalizeName('CON'), '_CON');
    assert.equal(finalizeName('con.prn'), '_con.prn');
    assert.equal(finalizeName('.profile'), '_profile');
    assert.equal(finalizeName(''), 'job');
  });

  test('long names are capped at 200 bytes and keep their extension', () => {
    const n = finalizeName(`${'x'.repeat(400)}.prn`);
    assert.equal(Buffer.byteLength(n), MAX_NAME_BYTES);
    assert.ok(n.endsWith('.prn'));
    const u = finalizeName(`${'€'.repeat(300)}.ps`);
    assert.ok(Buffer.byteLength(u) <= MAX_NAME_BYTES && u.endsWith('.ps'));
    assert.ok(!u.includes('\uFFFD'));
  });

  test('collision suffixes keep the extension and the cap', () => {
    assert.equal(withSuffix('20261124-153012_42.prn', 2), '20261124-153012_42~2.prn');
    assert.equal(withSuffix('noext', 3), 'noext~3');
    const long = finalizeName(`${'y'.repeat(300)}.prn`);
    const s = withSuffix(long, 9999);
    assert.ok(Buffer.byteLength(s) <= MAX_NAME_BYTES && s.endsWith('~9999.prn'), s);
  });

  test(`fuzz: ${FUZZ} random values and formats stay safe`, () => {
    const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const rnd = prng(seed);
    try {
      for (let i = 0; i < FUZZ; i++) {
        const v = values({ user: randomString(rnd, 80), queue: randomString(rnd, 80), driver: randomString(rnd, 300), seq: Math.floor(rnd() * 1e9) });
        const format = randomString(rnd, 30) + ['%u', '%pq', '%pd', '%d', '%i'][i % 5] + randomString(rnd, 10);
        const name = finalizeName(expandFormat(format, v));
        assertSafeName(name, `format ${JSON.stringify(format)}`);
        assertSafeName(withSuffix(name, 1 + (i % 50)), 'suffixed');
      }
    } catch (err) {
      console.error(`file-name fuzz failed with seed ${seed}`);
      throw err;
    }
  });
});

describe('resolveInside', () => {
  test('accepts a plain name', () => {
    assert.equal(resolveInside(DIR, 'a.prn'), join(DIR, 'a.prn'));
  });
  for (const bad of ['../x', '..', '.', '', 'a/b', '/etc/passwd', '..\\..\\x', 'a\0b', 'sub/../../x']) {
    test(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => resolveInside(DIR, bad));
    });
  }
});

describe('user folder names', () => {
  test('readable for ordinary names, escaped otherwise', () => {
    assert.equal(userFolderName('alice'), 'alice');
    assert.equal(userFolderName('alice@example.com'), 'alice@example.com');
    assert.equal(userFolderName('Alice'), '%41lice');
    assert.equal(userFolderName('DOMAIN\\bob'), '%44%4F%4D%41%49%4E%5Cbob');
    assert.equal(userFolderName('con'), '%63on');
    assert.equal(userFolderName('nul.x'), '%6Eul.x');
    assert.equal(userFolderName('..'), '%2E%2E');
    assert.equal(userFolderName('.x.'), '%2Ex%2E');
    assert.equal(userFolderName('100%'), '100%25');
  });

  test('hostile owners stay one safe path component', () => {
    for (const h of [...HOSTILE, 'Alice', 'ALICE']) {
      const f = userFolderName(h);
      assert.ok(f.length > 0 && Buffer.byteLength(f) <= 255, JSON.stringify(h));
      assert.ok(/^[a-z0-9_\-@+.%A-F~]+$/.test(f), `${JSON.stringify(h)} -> ${f}`);
      assert.ok(!f.startsWith('.') && !f.endsWith('.'), f);
      assert.ok(!DEVICE.test(f.split('.')[0]), f);
      const users = resolve('/srv/spool/users');
      assert.equal(dirname(resolveInside(users, f)), users);
    }
  });

  test('long, empty and malformed owners get the hashed form', () => {
    const long = userFolderName('x'.repeat(500));
    assert.match(long, /^x{48}~[0-9a-f]{64}$/);
    assert.notEqual(long, userFolderName('x'.repeat(501)));
    assert.match(userFolderName(''), /^~[0-9a-f]{64}$/);
    assert.notEqual(userFolderName('\uD800'), userFolderName('\uD801'));
    assert.equal(ownerFromFolderName(long), null);
  });

  test('decoding gives the owner back; foreign names are not ours', () => {
    for (const o of ['alice', 'Alice', 'DOMAIN\\bob', 'con', 'é', '名前', '..', 'a b', '100%']) {
      assert.equal(ownerFromFolderName(userFolderName(o)), o);
    }
    for (const foreign of ['Alice', 'a%2', 'a%zz', '%2e', 'a b', '.tmp-1', 'x~y']) {
      assert.equal(ownerFromFolderName(foreign), null, foreign);
    }
  });

  test(`fuzz: ${FUZZ} owners never share a folder, even where case is folded`, () => {
    const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const rnd = prng(seed);
    const seen = new Map<string, string>();
    const owners = ['alice', 'Alice', 'ALICE', 'aLiCe', 'straße', 'STRASSE', 'strasse', 'é', 'e\u0301', 'İ', 'i', 'I', 'ı', 'K', 'k', '\u212A'];
    for (let i = 0; i < FUZZ; i++) owners.push(randomString(rnd, i % 7 === 0 ? 200 : 20));
    try {
      for (const o of owners) {
        const key = userFolderName(o).toLowerCase();
        const prev = seen.get(key);
        if (prev !== undefined) assert.equal(prev, o, `${JSON.stringify(prev)} and ${JSON.stringify(o)} share ${key}`);
        seen.set(key, o);
      }
    } catch (err) {
      console.error(`user-folder fuzz failed with seed ${seed}`);
      throw err;
    }
  });
});
