// Localises a page: the locale from navigator.languages (the OS language in Electron)
// with English as the fallback, `data-i18n="key"` elements get their text,
// `data-i18n-attr="attribute:key"` their attribute, and <html lang> is set so screen
// readers pronounce the page in the right language.

import { resolveLocale, translator, type MessageKey, type Translator } from '../main/ui/i18n/translate.js';

export function localisePage(doc: Document = document): Translator {
  const tr = translator(resolveLocale(navigator.languages ?? [navigator.language]));
  doc.documentElement.lang = tr.locale;
  // forEach: the project's lib has DOM but not DOM.Iterable.
  doc.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => {
    el.textContent = tr.t(el.dataset.i18n as MessageKey);
  });
  doc.querySelectorAll<HTMLElement>('[data-i18n-attr]').forEach((el) => {
    for (const pair of (el.dataset.i18nAttr ?? '').split(';')) {
      const [attr, key] = pair.split(':').map((s: string) => s.trim());
      if (attr && key) el.setAttribute(attr, tr.t(key as MessageKey));
    }
  });
  return tr;
}

/** The person's own variant of the page's language (en-GB dates for en-GB), else the language. */
function regionalTag(tr: Translator): string {
  const tag = (navigator.languages ?? [navigator.language]).find((t) => t.toLowerCase().split(/[-_]/)[0] === tr.locale);
  try {
    return tag ? Intl.getCanonicalLocales(tag.replace('_', '-'))[0] : tr.locale;
  } catch {
    return tr.locale;
  }
}

/** Sizes and times in the page's locale. */
export function formats(tr: Translator): { size(bytes: number): string; time(iso: string): string } {
  const tag = regionalTag(tr);
  const dt = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  const units = ['kilobyte', 'megabyte', 'gigabyte'] as const;
  return {
    size(bytes) {
      // From kilobytes up ("0.5 kB" rather than "512 byte", which reads oddly in both languages).
      let v = bytes / 1000;
      let u = 0;
      while (v >= 1000 && u < units.length - 1) {
        v /= 1000;
        u += 1;
      }
      return new Intl.NumberFormat(tag, { style: 'unit', unit: units[u], unitDisplay: 'short', maximumFractionDigits: 1 }).format(v);
    },
    time(iso) {
      const d = new Date(iso);
      return Number.isFinite(d.getTime()) ? dt.format(d) : iso;
    },
  };
}
