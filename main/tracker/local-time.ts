// Local wall-clock arithmetic in the process's time zone (TZ), exact across daylight-saving
// changes. A wall-clock reading is written as a number on the UTC scale: the reading
// "2025-03-30 02:30" is Date.UTC(2025, 2, 30, 2, 30), whatever the zone.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** What the local clock reads at instant t, on the UTC scale. */
export function wallClockAt(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
}

/**
 * The first instant at which the local clock reads `wall` or later:
 * - a reading that occurs once: that instant;
 * - a reading that occurs twice (the repeated hour when clocks go back): the first one;
 * - a reading that never occurs (the hour skipped when clocks go forward): the end of the
 *   gap, i.e. the instant the clock jumps past it.
 * Non-decreasing in `wall`, which lets the schedule stop at the first day with a match.
 */
export function firstInstantAtOrAfter(wall: number): number {
  // The offsets in force around the reading: any instant showing it lies within ±14 h.
  const offsets = new Set<number>();
  for (let k = -3; k <= 3; k++) {
    const probe = wall + k * 12 * HOUR_MS;
    offsets.add(wallClockAt(probe) - probe);
  }
  let exact = Infinity;
  for (const o of offsets) {
    const t = wall - o;
    if (wallClockAt(t) === wall) exact = Math.min(exact, t);
  }
  if (exact !== Infinity) return exact;
  // In a gap: the clock reads less than `wall` at lo and more at hi; the jump lies between.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  if (!(wallClockAt(lo) < wall && wallClockAt(hi) > wall)) {
    // Not bracketed (no zone behaves like this); fall back to the engine's own resolution.
    const d = new Date(wall);
    return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()).getTime();
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClockAt(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Midnight of the local date at instant t, on the UTC scale. */
export function localDateAt(t: number): number {
  const w = wallClockAt(t);
  return w - (((w % DAY_MS) + DAY_MS) % DAY_MS);
}

/** Day of the week of a local date (UTC-scale midnight), 1 = Sunday … 7 = Saturday, as in the guide. */
export function guideWeekday(localDate: number): number {
  return new Date(localDate).getUTCDay() + 1;
}
