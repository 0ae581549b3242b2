import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, levelFor } from '../../../main/log/logger.js';

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-log-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function lines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('logger', () => {
  test('LoggingEnabled maps to levels', () => {
    assert.equal(levelFor(false), 'error');
    assert.equal(levelFor(true), 'info');
    assert.equal(levelFor('debug'), 'debug');
  });

  for (const [setting, expected] of [
    [false, ['critical', 'error']],
    [true, ['critical', 'error', 'warn', 'info']],
    ['debug', ['critical', 'error', 'warn', 'info', 'debug']],
  ] as const) {
    test(`LoggingEnabled=${String(setting)} writes ${expected.join(', ')}`, async () => {
      await withDir(async (dir) => {
        const file = join(dir, 'nested', 'deeper', 'pullprint.log');
        const log = createLogger({ file, loggingEnabled: setting });
        const mod = log.child('capture');
        mod.critical('c');
        mod.error('e');
        mod.warn('w');
        mod.info('i');
        mod.debug('d');
        await log.close();
        const got = lines(await readFile(file, 'utf8'));
        assert.deepEqual(got.map((l) => l.level), expected);
        assert.ok(got.every((l) => l.module === 'capture'));
      });
    });
  }

  test('child loggers nest their module names', async () => {
    await withDir(async (dir) => {
      const file = join(dir, 'a.log');
      const log = createLogger({ file, loggingEnabled: true });
      log.child('capture').child('lpd').info('hello', { peer: '127.0.0.1:4000' });
      await log.close();
      const [line] = lines(await readFile(file, 'utf8'));
      assert.equal(line.module, 'capture:lpd');
      assert.equal(line.peer, '127.0.0.1:4000');
    });
  });

  test('rotates by size', async () => {
    await withDir(async (dir) => {
      const file = join(dir, 'r.log');
      const log = createLogger({ file, loggingEnabled: true, maxSizeBytes: 4096, maxFiles: 3 });
      for (let i = 0; i < 400; i++) log.info(`line ${i} ${'x'.repeat(60)}`);
      await log.close();
      const files = (await readdir(dir)).filter((f) => f.startsWith('r'));
      assert.ok(files.length >= 2, `expected rotated files, got ${files.join(',')}`);
      assert.ok(files.length <= 3, `kept at most maxFiles, got ${files.join(',')}`);
    });
  });
});
