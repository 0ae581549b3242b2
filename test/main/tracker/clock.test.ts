import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_BACKOFF, FakeClock, backoffDelay, realClock } from '../../../main/tracker/index.js';
import { MAX_SET_TIMEOUT_MS } from '../../../main/util/clock.js';
import { waitFor } from '../../helpers/process.js';

describe('real clock', () => {
  test('fires once, never before the due instant, re-arming in short steps', async () => {
    const clock = realClock({ maxStepMs: 20 });
    const due = new Date(Date.now() + 120);
    const fired: number[] = [];
    clock.setTimer(due, () => fired.push(Date.now()));
    await sleep(60);
    // Checked only while still early: a loaded machine may have slept past the due time.
    if (Date.now() < due.getTime()) assert.equal(fired.length, 0);
    await waitFor('the timer to fire', () => fired.length > 0, 10_000, 10);
    await sleep(100);
    assert.equal(fired.length, 1);
    assert.ok(fired[0] >= due.getTime(), `fired ${due.getTime() - fired[0]} ms early`);
  });

  test('a due time beyond setTimeout\'s 2^31-1 ms limit does not fire at once (Node would overflow to 1 ms)', async () => {
    const clock = realClock();
    let fired = false;
    const cancel = clock.setTimer(new Date(Date.now() + MAX_SET_TIMEOUT_MS + 10 * 86_400_000), () => {
      fired = true;
    });
    await sleep(80);
    assert.equal(fired, false);
    cancel();
  });

  test('a past due time fires soon, but not synchronously; cancel stops it', async () => {
    const clock = realClock();
    let fired = 0;
    clock.setTimer(new Date(Date.now() - 1000), () => {
      fired += 1;
    });
    assert.equal(fired, 0, 'not synchronous');
    const cancel = clock.setTimer(new Date(Date.now() + 30), () => {
      fired += 10;
    });
    cancel();
    await waitFor('the past-due timer to fire', () => fired > 0, 10_000, 10);
    await sleep(80);
    assert.equal(fired, 1);
  });
});

describe('fake clock', () => {
  test('fires due timers in order, each at its own time, including timers armed while firing', () => {
    const c = new FakeClock(new Date(1_000));
    const seen: string[] = [];
    c.setTimer(new Date(3_000), () => seen.push(`b@${c.now().getTime()}`));
    c.setTimer(new Date(2_000), () => {
      seen.push(`a@${c.now().getTime()}`);
      c.setTimer(new Date(2_500), () => seen.push(`a2@${c.now().getTime()}`));
    });
    const cancel = c.setTimer(new Date(2_200), () => seen.push('cancelled'));
    cancel();
    c.setTimer(new Date(9_000), () => seen.push('late'));
    c.advanceTo(new Date(5_000));
    assert.deepEqual(seen, ['a@2000', 'a2@2500', 'b@3000']);
    assert.equal(c.now().getTime(), 5_000);
    assert.deepEqual(c.timers().map((d) => d.getTime()), [9_000]);
    assert.equal(c.fireNext()?.getTime(), 9_000);
    assert.equal(c.fireNext(), null);
    assert.throws(() => c.advanceTo(new Date(0)));
  });
});

describe('backoff', () => {
  test('doubles from the first step, is capped, and jitters within the upper half of each step', () => {
    const p = { initialMs: 30_000, maxMs: 3_600_000 };
    const steps = [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000];
    steps.forEach((step, i) => {
      assert.equal(backoffDelay(i + 1, p, () => 0), step / 2, `failure ${i + 1}, least jitter`);
      assert.equal(backoffDelay(i + 1, p, () => 0.999999), Math.round(step / 2 + (0.999999 * step) / 2), `failure ${i + 1}, most jitter`);
    });
    assert.equal(backoffDelay(10_000, p, () => 1), 3_600_000, 'huge counts stay capped');
    assert.equal(backoffDelay(0, p, () => 0), 15_000, 'a zero count is treated as the first failure');
    assert.deepEqual(DEFAULT_BACKOFF, { initialMs: 30_000, maxMs: 3_600_000 });
  });
});
