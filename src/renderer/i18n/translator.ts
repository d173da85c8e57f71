/**
 * Turns catalogue entries into text for one language. Numbers, plurals and relative times go
 * through `Intl`, so "1 second" / "2 seconds" and digit grouping follow the language's own rules
 * instead of string concatenation in components.
 */
import { stripUnsafePlayerText } from '../../shared/player-text';
import type { Catalogue, PluralKey, TextKey } from './catalogue';
import { en } from './en';
import { ja } from './ja';

export type Params = Readonly<Record<string, string | number>>;

/** Longest name shown in a sentence, in code points; real gamertags are far shorter. */
const maxNameLength = 48;

/**
 * Makes a name from the network safe to put inside a sentence: a right-to-left override in a
 * gamertag must not reverse the words around it, and a name far longer than any real one is
 * shortened rather than pushing the buttons off screen.
 */
export function displayName(value: string): string {
  // Control and format characters (bidi controls, zero-width characters): player-text.ts.
  const clean = [...stripUnsafePlayerText(value)];
  return clean.length > maxNameLength
    ? `${clean.slice(0, maxNameLength - 1).join('')}…`
    : clean.join('');
}

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
      return typeof value === 'number' ? numbers.format(value) : displayName(value);
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
