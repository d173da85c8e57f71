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

/**
 * The answer of the Xbox token services (user token and XSTS alike): the token, when it was issued
 * and when it stops working, and the claims about its user (`DisplayClaims.xui[0]`).
 */
export const xboxTokenAnswer = (
  issuedAt: number,
  expiresAt: number,
  token: string,
  claims: Readonly<Record<string, string>>,
): IdentityAnswer => ({
  kind: 'json',
  status: 200,
  body: {
    IssueInstant: new Date(issuedAt).toISOString(),
    NotAfter: new Date(expiresAt).toISOString(),
    Token: token,
    DisplayClaims: { xui: [claims] },
  },
});
