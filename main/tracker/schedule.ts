// When batched deleted-job records are sent (SendImmediately=false), by IntervalMode:
//   Minutes  every N minutes of elapsed time, at the instants that are whole multiples of
//            N minutes since 1970-01-01T00:00Z (stable across restarts, unaffected by DST;
//            for N dividing 60 these are round minutes on the local clock in whole-hour zones)
//   Hourly   at minute 00 of every local hour
//   Daily    at each SendInterval/Daily time (HHMM), local time, every day
//   Weekly   on each Weekly/Day (1 = Sunday … 7 = Saturday) at each Weekly/Hour, local time
// Local times follow firstInstantAtOrAfter(): a time skipped when clocks go forward is
// sent at the end of the gap (02:30 on a spring-forward night in Paris → 03:00 CEST); a
// time repeated when clocks go back is sent once, at its first occurrence. Two times that
// land on the same instant (Hourly's 02:00 and 03:00 on a spring-forward night) send once.

import type { TimeOfDay, TrackerSettings } from '../config/types.js';
import { PullPrintError, assertNever } from '../util/errors.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, firstInstantAtOrAfter, guideWeekday, localDateAt } from './local-time.js';

export type ScheduleSettings = Pick<TrackerSettings, 'intervalMode' | 'sendInterval'>;

const EVERY_HOUR: readonly TimeOfDay[] = Array.from({ length: 24 }, (_, hour) => ({ hour, minute: 0 }));
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function badSchedule(message: string): PullPrintError {
  return new PullPrintError('TRACKER_BAD_SCHEDULE', message);
}

function sortedTimes(times: readonly TimeOfDay[]): TimeOfDay[] {
  const seen = new Set<number>();
  const out: TimeOfDay[] = [];
  for (const t of times) {
    const m = t.hour * 60 + t.minute;
    if (!Number.isInteger(m) || t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59) {
      throw badSchedule(`invalid time of day ${t.hour}:${t.minute}`);
    }
    if (!seen.has(m)) {
      seen.add(m);
      out.push(t);
    }
  }
  return out.sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute));
}

/** The first local time-of-day slot strictly after `after`, on the days `dayOk` accepts. */
function nextWallSlot(after: number, times: readonly TimeOfDay[], dayOk: (weekday: number) => boolean): number {
  const slots = sortedTimes(times);
  if (slots.length === 0) throw badSchedule('the schedule has no time of day');
  const first = localDateAt(after);
  // Eight days cover a weekly slot on today's weekday that has already passed today.
  for (let day = first; day <= first + 8 * DAY_MS; day += DAY_MS) {
    if (!dayOk(guideWeekday(day))) continue;
    for (const s of slots) {
      const t = firstInstantAtOrAfter(day + s.hour * HOUR_MS + s.minute * MINUTE_MS);
      // Instants grow with the reading, so the first slot past `after` is the earliest one.
      if (t > after) return t;
    }
  }
  throw badSchedule('the schedule has no day');
}

/** The next send strictly after `after`. Throws TRACKER_BAD_SCHEDULE when the settings name no time. */
export function nextSendTime(settings: ScheduleSettings, after: Date): Date {
  const t = after.getTime();
  if (!Number.isFinite(t)) throw badSchedule('invalid start time');
  const mode = settings.intervalMode;
  switch (mode) {
    case 'Minutes': {
      const n = settings.sendInterval.minutes;
      if (n === null || !Number.isInteger(n) || n < 1) throw badSchedule('IntervalMode Minutes needs SendInterval/Minutes of 1 or more');
      const period = n * MINUTE_MS;
      return new Date((Math.floor(t / period) + 1) * period);
    }
    case 'Hourly':
      return new Date(nextWallSlot(t, EVERY_HOUR, () => true));
    case 'Daily':
      return new Date(nextWallSlot(t, settings.sendInterval.daily, () => true));
    case 'Weekly': {
      const days = new Set(settings.sendInterval.weekly.days);
      if (![...days].some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) throw badSchedule('IntervalMode Weekly needs one or more Day from 1 to 7');
      return new Date(nextWallSlot(t, settings.sendInterval.weekly.hours, (d) => days.has(d)));
    }
    default:
      return assertNever(mode, 'IntervalMode');
  }
}

function hhmm(t: TimeOfDay): string {
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

/** The schedule in words, for status output and logs. */
export function describeSchedule(settings: ScheduleSettings & Pick<TrackerSettings, 'sendImmediately'>): string {
  if (settings.sendImmediately) return 'immediately after each deletion';
  const mode = settings.intervalMode;
  switch (mode) {
    case 'Minutes':
      return settings.sendInterval.minutes === null ? 'every ? minutes (SendInterval/Minutes missing)' : `every ${settings.sendInterval.minutes} minute(s)`;
    case 'Hourly':
      return 'every hour on the hour (local time)';
    case 'Daily':
      return `daily at ${sortedTimes(settings.sendInterval.daily).map(hhmm).join(', ')} (local time)`;
    case 'Weekly': {
      const days = [...new Set(settings.sendInterval.weekly.days)].sort((a, b) => a - b).map((d) => DAY_NAMES[d - 1] ?? `day ${d}`);
      return `weekly on ${days.join(', ')} at ${sortedTimes(settings.sendInterval.weekly.hours).map(hhmm).join(', ')} (local time)`;
    }
    default:
      return assertNever(mode, 'IntervalMode');
  }
}
