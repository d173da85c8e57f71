/**
 * The shape every language catalogue must have. English is the source of truth: its keys define
 * the type, so a Japanese catalogue that misses or misspells a key fails the type check instead of
 * showing a raw key to a player.
 */
import type { en } from './en';
import type { Plural } from './plural';

type English = typeof en;

export type Catalogue = {
  readonly [K in keyof English]: English[K] extends string ? string : Plural;
};

export type MessageKey = keyof Catalogue;

/** Keys whose entry is a plain sentence. */
export type TextKey = { [K in MessageKey]: Catalogue[K] extends string ? K : never }[MessageKey];

/** Keys whose entry has plural forms. */
export type PluralKey = Exclude<MessageKey, TextKey>;
