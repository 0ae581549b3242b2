// The user's preferences in electron-store (a JSON file in the user data folder), read
// back through main/ui/preferences.ts so a bad value falls back to its default.

import Store from 'electron-store';
import { DEFAULT_PREFERENCES, PREFERENCES_JSON_SCHEMA, readPreferences, type Preferences } from '../ui/preferences.js';

export class PreferencesStore {
  readonly #store: Store<Preferences>;

  constructor() {
    this.#store = new Store<Preferences>({
      name: 'preferences',
      defaults: { ...DEFAULT_PREFERENCES },
      schema: PREFERENCES_JSON_SCHEMA,
      // A corrupted file must not stop the tray: start again from the defaults.
      clearInvalidConfig: true,
    });
  }

  get(): Preferences {
    return readPreferences(this.#store.store);
  }

  set<K extends keyof Preferences>(key: K, value: Preferences[K]): void {
    this.#store.set(key, value);
  }
}
