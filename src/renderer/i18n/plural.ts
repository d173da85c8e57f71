/**
 * Plural forms of one message, picked with `Intl.PluralRules`. Apart from the catalogue's shape
 * (catalogue.ts) because the catalogues themselves use it and the shape is derived from English.
 */
export interface Plural {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  /** The form every language has. */
  readonly other: string;
}
