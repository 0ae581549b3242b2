import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { IntervalMode, TimeOfDay } from '../../../main/config/types.js';
import { describeSchedule, nextSendTime } from '../../../main/tracker/index.js';
import type { ScheduleSettings } from '../../../main/tracker/index.js';
import { prng as mulberry32 } from '../../helpers/prng.js';

// Every test sets TZ itself before computing: Node reads process.env.TZ at each change.

function hm(s: string): TimeOfDay {
  return { hour: Number(s.slice(0, 2)), minute: Number(s.slice(2)) };
}

function settings(mode: IntervalMode, o: { minutes?: number | null; daily?: string[]; days?: number[]; hours?: string[] } = {}): ScheduleSettings {
  return {
    intervalMode: mode,
    sendInterval: {
      minutes: o.minutes ?? null,
      daily: (o.daily ?? ['1200']).map(hm),
      weekly: { days: o.days ?? [], hours: (o.hours ?? []).map(hm) },
    },
  };
}

/** The local reading of an instant in a named zone, from Intl (independent of TZ and of the code under test). */
function wall(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23', timeZoneName: 'shortOffset',
  }).formatToParts(d);
  const p = (t: string): string => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('weekday')} ${p('hour')}:${p('minute')} ${p('timeZoneName')}`;
}

function sequence(s: ScheduleSettings, from: Date, n: number): Date[] {
  const out: Date[] = [];
  let t = from;
  for (let i = 0; i < n; i++) {
    t = nextSendTime(s, t);
    out.push(t);
  }
  return out;
}

function useZone(tz: string): void {
  process.env.TZ = tz;
  // Proves the runtime honours the change (it does from Node 13 on): the local offset of a
  // summer and a winter instant agrees with Intl's for the named zone.
  for (const probe of [new Date('2025-01-15T12:00:00Z'), new Date('2025-07-15T12:00:00Z')]) {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(probe).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(name);
    const intlOffset = m && m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    assert.equal(-probe.getTimezoneOffset(), intlOffset, `TZ=${tz} not in effect`);
  }
}

describe('Minutes', () => {
  test('every N minutes, on multiples of N since the epoch, strictly after', () => {
    useZone('Europe/Paris');
    const s = settings('Minutes', { minutes: 5 });
    assert.equal(nextSendTime(s, new Date('2025-06-02T10:02:30Z')).toISOString(), '2025-06-02T10:05:00.000Z');
    assert.equal(nextSendTime(s, new Date('2025-06-02T10:05:00Z')).toISOString(), '2025-06-02T10:10:00.000Z');
    assert.equal(nextSendTime(settings('Minutes', { minutes: 1 }), new Date('2025-06-02T10:05:00.001Z')).toISOString(), '2025-06-02T10:06:00.000Z');
    // Restart-stable: any start inside one period gives the same next send.
    const a = nextSendTime(settings('Minutes', { minutes: 7 }), new Date('2025-06-02T10:00:00Z'));
    const b = nextSendTime(settings('Minutes', { minutes: 7 }), new Date(a.getTime() - 6 * 60_000 - 59_000));
    assert.equal(a.getTime(), b.getTime());
  });

  test('elapsed time is unaffected by daylight-saving changes', () => {
    for (const [tz, from] of [['Europe/Paris', '2025-03-30T00:40:00Z'], ['Europe/Paris', '2025-10-26T00:40:00Z'], ['America/New_York', '2025-11-02T05:40:00Z']]) {
      useZone(tz);
      const seq = sequence(settings('Minutes', { minutes: 7 }), new Date(from), 20);
      for (let i = 1; i < seq.length; i++) assert.equal(seq[i].getTime() - seq[i - 1].getTime(), 7 * 60_000, `${tz} step ${i}`);
    }
  });

  test('a missing or invalid count is a typed error', () => {
    assert.throws(() => nextSendTime(settings('Minutes', { minutes: null }), new Date()), { code: 'TRACKER_BAD_SCHEDULE' });
    assert.throws(() => nextSendTime(settings('Minutes', { minutes: 0 }), new Date()), { code: 'TRACKER_BAD_SCHEDULE' });
    assert.throws(() => nextSendTime(settings('Minutes', { minutes: 5 }), new Date(NaN)), { code: 'TRACKER_BAD_SCHEDULE' });
  });
});

describe('Hourly', () => {
  test('top of each local hour', () => {
    useZone('Europe/Paris');
    const seq = sequence(settings('Hourly'), new Date('2025-06-02T08:15:00Z'), 3).map((d) => wall(d, 'Europe/Paris'));
    assert.deepEqual(seq, ['2025-06-02 Mon 11:00 GMT+2', '2025-06-02 Mon 12:00 GMT+2', '2025-06-02 Mon 13:00 GMT+2']);
  });

  test('in a half-hour zone the local hour, not the UTC hour', () => {
    useZone('Asia/Kolkata');
    assert.equal(wall(nextSendTime(settings('Hourly'), new Date('2025-06-02T08:15:00Z')), 'Asia/Kolkata'), '2025-06-02 Mon 14:00 GMT+5:30');
  });

  test('Paris spring forward: 02:00 does not exist, so 01:00 is followed by 03:00 (23 sends that day)', () => {
    useZone('Europe/Paris');
    const seq = sequence(settings('Hourly'), new Date('2025-03-29T23:30:00Z'), 4).map((d) => wall(d, 'Europe/Paris'));
    assert.deepEqual(seq, ['2025-03-30 Sun 01:00 GMT+1', '2025-03-30 Sun 03:00 GMT+2', '2025-03-30 Sun 04:00 GMT+2', '2025-03-30 Sun 05:00 GMT+2']);
    const day = sequence(settings('Hourly'), new Date('2025-03-29T22:59:00Z'), 30).filter((d) => wall(d, 'Europe/Paris').startsWith('2025-03-30'));
    assert.equal(day.length, 23);
  });

  test('Paris fall back: the repeated 02:00 is sent once (24 sends on a 25-hour day)', () => {
    useZone('Europe/Paris');
    const seq = sequence(settings('Hourly'), new Date('2025-10-25T22:30:00Z'), 4).map((d) => wall(d, 'Europe/Paris'));
    assert.deepEqual(seq, ['2025-10-26 Sun 01:00 GMT+2', '2025-10-26 Sun 02:00 GMT+2', '2025-10-26 Sun 03:00 GMT+1', '2025-10-26 Sun 04:00 GMT+1']);
    const day = sequence(settings('Hourly'), new Date('2025-10-25T21:59:00Z'), 30).filter((d) => wall(d, 'Europe/Paris').startsWith('2025-10-26'));
    assert.equal(day.length, 24);
  });
});

describe('Daily', () => {
  test('several instances a day, given in any order, duplicates sent once', () => {
    useZone('Europe/Paris');
    const s = settings('Daily', { daily: ['2300', '0730', '1200', '1200'] });
    const seq = sequence(s, new Date('2025-06-02T04:00:00Z'), 5).map((d) => wall(d, 'Europe/Paris'));
    assert.deepEqual(seq, ['2025-06-02 Mon 07:30 GMT+2', '2025-06-02 Mon 12:00 GMT+2', '2025-06-02 Mon 23:00 GMT+2', '2025-06-03 Tue 07:30 GMT+2', '2025-06-03 Tue 12:00 GMT+2']);
    assert.equal(describeSchedule({ ...s, sendImmediately: false }), 'daily at 07:30, 12:00, 23:00 (local time)');
  });

  test('Paris: 02:30 in the spring gap is sent at 03:00 CEST; in the repeated autumn hour only once, at its first occurrence', () => {
    useZone('Europe/Paris');
    const s = settings('Daily', { daily: ['0230', '1200'] });
    const spring = sequence(s, new Date('2025-03-28T12:00:00Z'), 5).map((d) => wall(d, 'Europe/Paris'));
    assert.deepEqual(spring, ['2025-03-29 Sat 02:30 GMT+1', '2025-03-29 Sat 12:00 GMT+1', '2025-03-30 Sun 03:00 GMT+2', '2025-03-30 Sun 12:00 GMT+2', '2025-03-31 Mon 02:30 GMT+2']);
    const autumn = sequence(s, new Date('2025-10-25T12:00:00Z'), 3);
    assert.deepEqual(autumn.map((d) => wall(d, 'Europe/Paris')), ['2025-10-26 Sun 02:30 GMT+2', '2025-10-26 Sun 12:00 GMT+1', '2025-10-27 Mon 02:30 GMT+1']);
    assert.equal(autumn[0].toISOString(), '2025-10-26T00:30:00.000Z');
    // From inside the repeated hour's second pass, the next send is noon, not 02:30 again.
    assert.equal(wall(nextSendTime(s, new Date('2025-10-26T01:10:00Z')), 'Europe/Paris'), '2025-10-26 Sun 12:00 GMT+1');
  });

  test('two times that fall in the same gap send once', () => {
    useZone('Europe/Paris');
    const s = settings('Daily', { daily: ['0215', '0245', '0300'] });
    const seq = sequence(s, new Date('2025-03-29T23:00:00Z'), 2);
    assert.equal(seq[0].toISOString(), '2025-03-30T01:00:00.000Z');
    assert.equal(wall(seq[1], 'Europe/Paris'), '2025-03-31 Mon 02:15 GMT+2');
  });

  test('New York: 02:30 on 9 March 2025 is sent at 03:00 EDT; 01:30 on 2 November once (EDT)', () => {
    useZone('America/New_York');
    const gap = nextSendTime(settings('Daily', { daily: ['0230'] }), new Date('2025-03-09T05:00:00Z'));
    assert.equal(gap.toISOString(), '2025-03-09T07:00:00.000Z');
    assert.equal(wall(gap, 'America/New_York'), '2025-03-09 Sun 03:00 GMT-4');
    const rep = sequence(settings('Daily', { daily: ['0130'] }), new Date('2025-11-02T04:00:00Z'), 2);
    assert.equal(rep[0].toISOString(), '2025-11-02T05:30:00.000Z');
    assert.equal(wall(rep[1], 'America/New_York'), '2025-11-03 Mon 01:30 GMT-5');
  });

  test('a gap at midnight (America/Santiago) sends at the first instant of the day', () => {
    useZone('America/Santiago');
    // Chile moved clocks from 00:00 to 01:00 on 7 September 2025.
    const t = nextSendTime(settings('Daily', { daily: ['0000'] }), new Date('2025-09-06T12:00:00Z'));
    assert.equal(wall(t, 'America/Santiago'), '2025-09-07 Sun 01:00 GMT-3');
  });

  test('a whole year: every local day gets each time exactly once, strictly increasing', () => {
    for (const tz of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe']) {
      useZone(tz);
      const s = settings('Daily', { daily: ['0230', '0200', '1200'] });
      const seq = sequence(s, new Date('2024-12-30T00:00:00Z'), 3 * 368);
      const perDay = new Map<string, number>();
      for (let i = 0; i < seq.length; i++) {
        if (i > 0) assert.ok(seq[i] > seq[i - 1]);
        const day = wall(seq[i], tz).slice(0, 10);
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      const days2025 = [...perDay].filter(([d]) => d.startsWith('2025'));
      assert.equal(days2025.length, 365, tz);
      // A day whose 02:00 and 02:30 both fall in the gap sends them once, at its end.
      for (const [day, n] of days2025) assert.ok(n === 3 || n === 2, `${tz} ${day}: ${n} sends`);
      assert.ok(days2025.filter(([, n]) => n === 2).length <= 1, `${tz}: at most the spring-forward day merges two times`);
    }
  });
});

describe('Weekly', () => {
  test('several days and several hours; day 1 is Sunday', () => {
    useZone('Europe/Paris');
    const s = settings('Weekly', { days: [6, 2], hours: ['1500', '1000'] });
    // 2025-06-01 is a Sunday.
    const seq = sequence(s, new Date('2025-06-01T10:00:00Z'), 5).map((d) => wall(d, 'Europe/Paris'));
    assert.deepEqual(seq, ['2025-06-02 Mon 10:00 GMT+2', '2025-06-02 Mon 15:00 GMT+2', '2025-06-06 Fri 10:00 GMT+2', '2025-06-06 Fri 15:00 GMT+2', '2025-06-09 Mon 10:00 GMT+2']);
    assert.equal(wall(nextSendTime(settings('Weekly', { days: [1], hours: ['0900'] }), new Date('2025-06-07T10:00:00Z')), 'Europe/Paris'), '2025-06-08 Sun 09:00 GMT+2');
    assert.equal(wall(nextSendTime(settings('Weekly', { days: [7], hours: ['0900'] }), new Date('2025-06-02T10:00:00Z')), 'Europe/Paris'), '2025-06-07 Sat 09:00 GMT+2');
    assert.equal(describeSchedule({ ...s, sendImmediately: false }), 'weekly on Monday, Friday at 10:00, 15:00 (local time)');
  });

  test('today\'s slot already passed: the same weekday next week', () => {
    useZone('America/New_York');
    const s = settings('Weekly', { days: [2], hours: ['1500'] });
    const t = nextSendTime(s, new Date('2025-06-02T19:00:00Z')); // Monday 15:00 EDT exactly
    assert.equal(wall(t, 'America/New_York'), '2025-06-09 Mon 15:00 GMT-4');
  });

  test('across the DST change: Sunday 02:30 in Paris on 30 March → 03:00 CEST, the next Sunday 02:30 CEST', () => {
    useZone('Europe/Paris');
    const seq = sequence(settings('Weekly', { days: [1], hours: ['0230'] }), new Date('2025-03-25T00:00:00Z'), 2).map((d) => wall(d, 'Europe/Paris'));
    assert.deepEqual(seq, ['2025-03-30 Sun 03:00 GMT+2', '2025-04-06 Sun 02:30 GMT+2']);
  });

  test('no day or no hour is a typed error', () => {
    assert.throws(() => nextSendTime(settings('Weekly', { days: [], hours: ['1000'] }), new Date()), { code: 'TRACKER_BAD_SCHEDULE' });
    assert.throws(() => nextSendTime(settings('Weekly', { days: [2], hours: [] }), new Date()), { code: 'TRACKER_BAD_SCHEDULE' });
    assert.throws(() => nextSendTime(settings('Daily', { daily: [] }), new Date()), { code: 'TRACKER_BAD_SCHEDULE' });
  });
});


test('random schedules: no existing slot is skipped between a start and its next send (brute force, minute by minute)', () => {
  const seed = Number(process.env.PULLPRINT_FUZZ_SEED ?? Date.now() % 1_000_000);
  const rnd = mulberry32(seed);
  const zones = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
  const cases = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 0) > 0 ? Math.ceil(Number(process.env.PULLPRINT_FUZZ_ITERATIONS) / 20) : 60;
  try {
    for (let c = 0; c < cases; c++) {
      const tz = zones[Math.floor(rnd() * zones.length)];
      process.env.TZ = tz;
      const hours = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `${String(Math.floor(rnd() * 24)).padStart(2, '0')}${String(Math.floor(rnd() * 4) * 15).padStart(2, '0')}`);
      const days = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => 1 + Math.floor(rnd() * 7));
      const weekly = rnd() < 0.5;
      const s = weekly ? settings('Weekly', { days, hours }) : settings('Daily', { daily: hours });
      // Starts cluster around the 2025 DST changes half of the time.
      const around = [Date.UTC(2025, 2, 30), Date.UTC(2025, 9, 26), Date.UTC(2025, 2, 9), Date.UTC(2025, 10, 2), Date.UTC(2025, 3, 6), Date.UTC(2025, 9, 5)];
      const base = rnd() < 0.5 ? around[Math.floor(rnd() * around.length)] - 36 * 3_600_000 : Date.UTC(2025, 0, 1) + rnd() * 365 * 86_400_000;
      const after = new Date(Math.floor(base + rnd() * 72 * 3_600_000));
      const next = nextSendTime(s, after);
      assert.ok(next > after, `seed ${seed}: next after start`);
      const slotSet = new Set(s.intervalMode === 'Weekly'
        ? days.flatMap((d) => hours.map((h) => `${d} ${h}`))
        : [1, 2, 3, 4, 5, 6, 7].flatMap((d) => hours.map((h) => `${d} ${h}`)));
      const key = (t: number): string => {
        const d = new Date(t);
        return `${d.getDay() + 1} ${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}`;
      };
      // Every whole minute strictly between the start and the next send shows no slot.
      for (let t = Math.floor(after.getTime() / 60_000 + 1) * 60_000; t < next.getTime(); t += 60_000) {
        assert.ok(!slotSet.has(key(t)), `seed ${seed}: ${tz} ${JSON.stringify(s.sendInterval)} start ${after.toISOString()} skipped ${new Date(t).toISOString()} before ${next.toISOString()}`);
      }
      // The next send shows a slot, or is the end of a gap that swallowed one.
      const shown = slotSet.has(key(next.getTime()));
      const jumped = next.getTimezoneOffset() !== new Date(next.getTime() - 1).getTimezoneOffset();
      assert.ok(shown || jumped, `seed ${seed}: ${tz} next ${next.toISOString()} is neither a slot nor the end of a gap`);
    }
  } catch (err) {
    console.error(`schedule brute-force seed: ${seed}`);
    throw err;
  }
});
