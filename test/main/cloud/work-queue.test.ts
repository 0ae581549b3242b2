// The outbox scheduler alone, with a fake clock: bounded concurrency, backoff timers,
// parking and waking, a job woken while it runs, cancel, stop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { nullLogger } from '../../../main/log/null-logger.js';
import { WorkQueue, type RetryInfo, type WorkOutcome } from '../../../main/cloud/work-queue.js';
import { FakeClock } from './fake-clock.js';

interface Harness {
  q: WorkQueue;
  clock: FakeClock;
  retries: RetryInfo[];
  /** Tries under way: resolve one with an outcome. */
  open: Map<string, (o: WorkOutcome) => void>;
  tries: string[];
  maxOpen: number;
}

function harness(concurrency = 2): Harness {
  const clock = new FakeClock();
  const h: Harness = { q: null as unknown as WorkQueue, clock, retries: [], open: new Map(), tries: [], maxOpen: 0 };
  h.q = new WorkQueue({
    concurrency, clock, random: () => 0.5, backoff: { initialMs: 100, maxMs: 1000 }, logger: nullLogger(),
    onRetry: (i) => h.retries.push(i),
    run: (id, signal) => new Promise<WorkOutcome>((resolve) => {
      h.tries.push(id);
      h.open.set(id, resolve);
      h.maxOpen = Math.max(h.maxOpen, h.open.size);
      signal.addEventListener('abort', () => resolve({ type: 'park' }));
    }).finally(() => h.open.delete(id)),
  });
  return h;
}

const finish = async (h: Harness, id: string, o: WorkOutcome): Promise<void> => {
  const r = h.open.get(id);
  assert.ok(r, `${id} is not running`);
  r(o);
  await tick();
  await tick();
};

describe('work queue', () => {
  test('at most `concurrency` at once, first come first served', async () => {
    const h = harness(2);
    for (const id of ['a', 'b', 'c', 'd']) h.q.enqueue(id);
    await tick();
    assert.deepEqual(h.tries, ['a', 'b']);
    await finish(h, 'a', { type: 'done' });
    assert.deepEqual(h.tries, ['a', 'b', 'c']);
    await finish(h, 'b', { type: 'done' });
    await finish(h, 'c', { type: 'done' });
    await finish(h, 'd', { type: 'done' });
    assert.equal(h.maxOpen, 2);
    await h.q.idle();
  });

  test('retry: backoff timer doubles, fires only when the clock moves, then succeeds', async () => {
    const h = harness(1);
    h.q.enqueue('a');
    await tick();
    await finish(h, 'a', { type: 'retry', error: new Error('x'), retryAfterMs: null });
    assert.equal(h.q.status('a'), 'backoff');
    assert.deepEqual(h.retries.map((r) => r.delayMs), [75]);
    h.clock.advance(74);
    await tick();
    assert.equal(h.tries.length, 1);
    h.clock.advance(1);
    await tick();
    assert.equal(h.tries.length, 2);
    await finish(h, 'a', { type: 'retry', error: new Error('x'), retryAfterMs: 500 });
    assert.deepEqual(h.retries.map((r) => r.delayMs), [75, 500], 'Retry-After beats the smaller backoff');
    h.clock.advance(500);
    await tick();
    await finish(h, 'a', { type: 'retry', error: new Error('x'), retryAfterMs: null });
    assert.deepEqual(h.retries.map((r) => r.delayMs), [75, 500, 300], 'base × 2^(n-1), half of it jittered');
    assert.deepEqual(h.retries.map((r) => r.failures), [1, 2, 3]);
    h.clock.advance(300);
    await tick();
    await finish(h, 'a', { type: 'done' });
    assert.equal(h.q.status('a'), null);
  });

  test('park waits for a wake-up; enqueue(now) cuts a backoff short', async () => {
    const h = harness(1);
    h.q.enqueue('p');
    await tick();
    await finish(h, 'p', { type: 'park' });
    assert.equal(h.q.status('p'), 'parked');
    h.clock.advance(10_000);
    await tick();
    assert.equal(h.tries.length, 1, 'a parked job is not retried by time');
    h.q.enqueue('p');
    await tick();
    assert.equal(h.tries.length, 2);
    await finish(h, 'p', { type: 'retry', error: new Error('x'), retryAfterMs: null });
    h.q.enqueue('p');
    await tick();
    assert.equal(h.tries.length, 2, 'a plain enqueue keeps the backoff');
    h.q.enqueue('p', { now: true });
    await tick();
    assert.equal(h.tries.length, 3);
    assert.equal(h.clock.pending, 0, 'the backoff timer was dropped');
    await finish(h, 'p', { type: 'done' });
  });

  test('woken while running: one more try right after', async () => {
    const h = harness(1);
    h.q.enqueue('w');
    await tick();
    h.q.enqueue('w');
    await finish(h, 'w', { type: 'done' });
    assert.deepEqual(h.tries, ['w', 'w']);
    await finish(h, 'w', { type: 'done' });
    assert.equal(h.q.status('w'), null);
  });

  test('cancel aborts a running try and frees its place; stop aborts everything', async () => {
    const h = harness(1);
    h.q.enqueue('x');
    h.q.enqueue('y');
    await tick();
    h.q.cancel('x');
    await tick();
    await tick();
    assert.deepEqual(h.tries, ['x', 'y']);
    h.q.enqueue('z');
    await h.q.stop();
    assert.equal(h.open.size, 0);
    h.q.enqueue('after-stop');
    await tick();
    assert.deepEqual(h.tries, ['x', 'y']);
  });
});
