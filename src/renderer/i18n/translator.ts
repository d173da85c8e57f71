/**
 * Turns catalogue entries into text for one language. Numbers, plurals and relative times go
 * through `Intl`, so "1 second" / "2 seconds" and digit grouping follow the language's own rules
 * instead of string concatenation in components.
 */
import type { Catalogue, PluralKey, TextKey } from './catalogue';
import { en } from './en';
import { ja } from './ja';

export type Params = Readonly<Record<string, string | number>>;

export interface Translator {
  /** BCP 47 language of the chosen catalogue, for `<html lang>` and Intl. */
  readonly lang: string;
  text(key: TextKey, params?: Params): string;
  /** Picks the plural form by `count` and fills `{count}` with it. */
  plural(key: PluralKey, count: number, params?: Params): string;
  /** "5 minutes ago", "yesterday": how long ago `epochMs` was, seen from `now`. */
  relativeTime(epochMs: number, now: number): string;
}

/** The system locale picks the catalogue: any `ja…` tag gets Japanese, everything else English. */
export function catalogueFor(locale: unknown): Catalogue {
  return typeof locale === 'string' && /^ja(?:$|[-_])/i.test(locale.trim()) ? ja : en;
}

export function createTranslator(locale: unknown): Translator {
  const catalogue = catalogueFor(locale);
  const lang = catalogue.lang;
  const numbers = new Intl.NumberFormat(lang);
  const plurals = new Intl.PluralRules(lang);
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });

  const fill = (template: string, params: Params | undefined): string =>
    template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params?.[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numbers.format(value) : value;
    });

  return {
    lang,
    text: (key, params) => fill(catalogue[key], params),
    plural: (key, count, params) => {
      const forms = catalogue[key];
      const form = forms[plurals.select(count)] ?? forms.other;
      return fill(form, { count, ...params });
    },
    relativeTime: (epochMs, now) => {
      const seconds = Math.round((epochMs - now) / 1000);
      const units: [Intl.RelativeTimeFormatUnit, number][] = [
        ['day', 86_400],
        ['hour', 3_600],
        ['minute', 60],
      ];
      for (const [unit, size] of units) {
        if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
      }
      return relative.format(seconds >= -10 ? 0 : seconds, 'second');
    },
  };
}
