import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLateBindingTransform, validateChanges } from '../../../../main/pdl/late-binding/index.js';
import { PullPrintError } from '../../../../main/util/errors.js';

function rejects(input: unknown, ...mentions: string[]): void {
  assert.throws(
    () => validateChanges(input),
    (err: unknown) => {
      assert.ok(err instanceof PullPrintError, 'a PullPrintError');
      assert.equal(err.code, 'BAD_LATE_BINDING');
      for (const m of mentions) assert.ok(err.message.includes(m), `message ${JSON.stringify(err.message)} mentions ${m}`);
      return true;
    },
  );
}

describe('validateChanges', () => {
  test('accepts every field and returns only the fields given', () => {
    const all = { copies: 9999, color: 'mono', sides: 'duplex-short', staple: 'dual-left', punch: '4-hole' };
    assert.deepEqual(validateChanges(all), all);
    assert.deepEqual(validateChanges({}), {});
    assert.deepEqual(validateChanges({ copies: 1 }), { copies: 1 });
    assert.deepEqual(validateChanges({ copies: undefined, color: 'color' }), { color: 'color' });
    assert.deepEqual(validateChanges(JSON.parse('{"sides":"simplex","staple":"none","punch":"none"}')), {
      sides: 'simplex',
      staple: 'none',
      punch: 'none',
    });
  });

  test('returns a fresh object (the request body is not kept)', () => {
    const body = { copies: 2 };
    const v = validateChanges(body);
    assert.notEqual(v, body);
  });

  test('rejects non-objects', () => {
    for (const bad of [null, undefined, 'copies=2', 3, true, [], [{ copies: 2 }]]) rejects(bad, 'expected an object');
    rejects(new Date(), 'plain object');
    rejects(Object.create({ copies: 2 }) as unknown, 'plain object');
  });

  test('rejects unknown keys, naming them and the allowed ones', () => {
    rejects({ copies: 2, colour: 'mono' }, '"colour"', 'allowed: copies, color, sides, staple, punch');
    rejects({ duplex: true }, '"duplex"');
    rejects({ __proto__x: 1, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, 'unknown keys', '…');
  });

  test('rejects copies outside 1..9999 or not an integer', () => {
    for (const c of [0, -1, 10_000, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2', null, true, [2]]) rejects({ copies: c }, 'copies must be an integer from 1 to 9999');
  });

  test('rejects bad enum values, listing the allowed ones', () => {
    rejects({ color: 'grey' }, "color must be one of 'color', 'mono'", '"grey"');
    rejects({ color: 'MONO' }, 'color must be one of');
    rejects({ sides: 'duplex' }, "'simplex', 'duplex-long', 'duplex-short'");
    rejects({ staple: 'top-right' }, "staple must be one of 'none', 'top-left', 'dual-left', 'dual-top'");
    rejects({ punch: 2 }, "punch must be one of 'none', '2-hole', '3-hole', '4-hole'", '(got 2)');
    rejects({ punch: null }, 'punch must be one of', '(got null)');
    rejects({ sides: { simplex: true } }, '(got an object)');
  });

  test('reports every problem at once', () => {
    rejects({ copies: 0, color: 'x', sides: 'y', extra: 1 }, 'copies', 'color', 'sides', '"extra"');
  });

  test('a long bad value is cut in the message', () => {
    assert.throws(
      () => validateChanges({ color: 'x'.repeat(10_000) }),
      (err: unknown) => err instanceof PullPrintError && err.message.length < 300,
    );
  });
});

describe('createLateBindingTransform options', () => {
  test('refuses bad changes, pdl or dialect before any byte is read', () => {
    const bad: unknown[] = [
      { changes: { copies: 0 }, pdl: 'postscript' },
      { changes: 'x', pdl: 'postscript' },
      { changes: {}, pdl: 'xps' },
      { changes: {}, pdl: 'pdf', finishingDialect: 'lexmark' },
      { changes: {}, pdl: 'pdf', jobName: 42 },
    ];
    for (const opts of bad) {
      assert.throws(
        () => createLateBindingTransform(opts as Parameters<typeof createLateBindingTransform>[0]),
        (err: unknown) => err instanceof PullPrintError && err.code === 'BAD_LATE_BINDING',
        JSON.stringify(opts),
      );
    }
  });

  test('accepts good options', () => {
    const t = createLateBindingTransform({ changes: { copies: 2 }, pdl: 'pcl5', jobName: null, finishingDialect: 'ricoh' });
    t.destroy();
  });
});
