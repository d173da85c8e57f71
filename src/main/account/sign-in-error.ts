/**
 * Why signing in did not work, as a closed set the window and the command line turn into one
 * sentence and one action (src/shared/sign-in-text.ts, English and Japanese). XSTS refusals keep
 * their XErr so support can tell them apart; nothing here ever holds a token or a response body.
 */

export type SignInErrorCode =
  /** XErr 2148916233: the Microsoft account has no Xbox profile yet. */
  | 'no-xbox-profile'
  /** XErr 2148916235: Xbox Live is not available in the account's country or region. */
  | 'region-unavailable'
  /** XErr 2148916236 / 2148916237: South Korea's adult verification is needed. */
  | 'adult-verification-needed'
  /** XErr 2148916238: a child account must be added to a Microsoft family. */
  | 'child-needs-family'
  /** Another XSTS refusal. */
  | 'xsts-refused'
  /** The stored sign-in expired or was revoked: the player signs in again. */
  | 'session-expired'
  /** No account is signed in. */
  | 'not-signed-in'
  /** The player cancelled, or closed the browser page with Cancel. */
  | 'cancelled'
  /** The device code ran out before the player finished. */
  | 'code-expired'
  /** The sign-in services could not be reached or answered with a server error. */
  | 'service-unavailable'
  /** The services answered something sign-in cannot use. */
  | 'malformed-response';

export interface SignInError {
  readonly code: SignInErrorCode;
  /** Developer-facing detail for logs; never a token, never a raw response body. */
  readonly message: string;
  readonly retryable: boolean;
  readonly xerr?: number;
}

const xerrCodes: Readonly<Record<number, SignInErrorCode>> = {
  2148916233: 'no-xbox-profile',
  2148916235: 'region-unavailable',
  2148916236: 'adult-verification-needed',
  2148916237: 'adult-verification-needed',
  2148916238: 'child-needs-family',
};

/** The typed error for an XSTS refusal. */
export function xstsRefusal(xerr: number): SignInError {
  return {
    code: xerrCodes[xerr] ?? 'xsts-refused',
    message: `XSTS refused the account (XErr ${xerr})`,
    retryable: false,
    xerr,
  };
}

export function signInError(
  code: SignInErrorCode,
  message: string,
  retryable = false,
): SignInError {
  return { code, message, retryable };
}
