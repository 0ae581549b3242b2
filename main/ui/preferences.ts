// The user's own preferences (not the administrator's configuration.xml): whether to
// show notifications and whether to start at login. Kept by electron-store in the shell;
// the schema is here so a hand-edited or corrupted store falls back to defaults value
// by value instead of breaking the tray.

import { z } from 'zod';

export interface Preferences {
  readonly notifications: boolean;
  readonly openAtLogin: boolean;
}

export const DEFAULT_PREFERENCES: Preferences = { notifications: true, openAtLogin: true };

/** electron-store's JSON schema (it validates writes with it). */
export const PREFERENCES_JSON_SCHEMA = {
  notifications: { type: 'boolean', default: DEFAULT_PREFERENCES.notifications },
  openAtLogin: { type: 'boolean', default: DEFAULT_PREFERENCES.openAtLogin },
} as const;

const field = z.boolean();

/** Reads whatever the store holds; each invalid or missing value takes its default. */
export function readPreferences(raw: unknown): Preferences {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const pick = (k: keyof Preferences): boolean => {
    const r = field.safeParse(o[k]);
    return r.success ? r.data : DEFAULT_PREFERENCES[k];
  };
  return { notifications: pick('notifications'), openAtLogin: pick('openAtLogin') };
}
