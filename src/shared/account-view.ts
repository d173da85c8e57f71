/**
 * What the window shows about the account, pushed from main like the join view: signed out (Sign
 * in), signing in (continue in the browser, or a device code; cancellable), signed in (the chip with
 * Switch account and Sign out), or a sign-in error by code (its text is in the catalogues under
 * `signIn.error.<code>`). It never carries a token.
 */
export type AccountView =
  | { readonly state: 'signed-out'; readonly inviteWaiting: boolean }
  | { readonly state: 'signing-in'; readonly inviteWaiting: boolean }
  | {
      readonly state: 'signed-in';
      readonly xuid: string;
      readonly gamertag: string;
      /**
       * The account's picture as a `data:image/...` URL (main fetched it; the window's CSP allows
       * no remote image), absent until looked up or when there is none: the chip shows an initial.
       */
      readonly picture?: string;
      /** Other cached accounts Switch account offers, besides a new sign-in. */
      readonly others: readonly { readonly xuid: string; readonly gamertag: string }[];
    }
  | { readonly state: 'failed'; readonly code: string; readonly inviteWaiting: boolean };
