// Locale choice and message lookup, shared by the main process (tray, notifications:
// locale from the OS) and the renderer (pages: locale from navigator.languages). Any
// language other than French falls back to English. No Node or DOM imports.

import { en, type MessageKey, type Messages } from './catalog-en.js';
import { fr } from './catalog-fr.js';

export type Locale = 'en' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'fr'];
const CATALOGS: Readonly<Record<Locale, Messages>> = { en, fr };

export type { MessageKey, Messages };

/** The first supported language among the preferred ones (BCP 47 tags, e.g. fr-CA), else English. */
export function resolveLocale(preferred: readonly (string | null | undefined)[]): Locale {
  for (const tag of preferred) {
    if (typeof tag !== 'string') continue;
    const lang = tag.trim().toLowerCase().split(/[-_]/)[0];
    if ((LOCALES as readonly string[]).includes(lang)) return lang as Locale;
  }
  return 'en';
}

export type Params = Readonly<Record<string, string | number>>;

export interface Translator {
  readonly locale: Locale;
  t(key: MessageKey, params?: Params): string;
  /** Plural message: `${base}.one` or `${base}.other`, by the locale's plural rules; {count} is filled. */
  plural(base: PluralBase, count: number, params?: Params): string;
  /** The message of a typed error code, else the generic one quoting `message`. */
  error(code: string, message: string): string;
}

type PluralBase = MessageKey extends infer K ? (K extends `${infer B}.one` ? B : never) : never;

function fill(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translator(locale: Locale): Translator {
  const messages = CATALOGS[locale];
  const rules = new Intl.PluralRules(locale);
  const t = (key: MessageKey, params?: Params): string => fill(messages[key], params);
  return {
    locale,
    t,
    plural: (base, count, params) => {
      const form = rules.select(count) === 'one' ? 'one' : 'other';
      return t(`${base}.${form}` as MessageKey, { ...params, count });
    },
    error: (code, message) => {
      const key = `error.${code}`;
      return key in messages ? t(key as MessageKey) : t('error.unknown', { message });
    },
  };
}
