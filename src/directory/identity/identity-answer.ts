/**
 * What the local identity and people services answer, independent of HTTP: the identity router
 * turns each variant into a status line, headers and body. Pages are HTML because a browser shows
 * them; everything a program reads is JSON, as the real services send.
 */
export type IdentityAnswer =
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'html'; readonly status: number; readonly html: string }
  | { readonly kind: 'redirect'; readonly location: string }
  | {
      readonly kind: 'bytes';
      readonly status: number;
      readonly contentType: string;
      readonly body: string;
    }
  | { readonly kind: 'empty'; readonly status: number };

/** OAuth's error body (RFC 6749 §5.2), which every OAuth client reads. */
export const oauthError = (error: string, description: string, status = 400): IdentityAnswer => ({
  kind: 'json',
  status,
  body: { error, error_description: description },
});
