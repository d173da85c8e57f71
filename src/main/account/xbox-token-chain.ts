/**
 * The Xbox Live half of sign-in: an OAuth access token becomes a user token
 * (`POST /user/authenticate`), the user token an XSTS token for the session directory
 * (`POST /xsts/authorize`) with the player's `uhs`, XUID and gamertag. XSTS refusals (401 with
 * `XErr`) become typed sign-in errors. Response bodies are parsed, never copied into messages.
 */
import got from 'got';
import * as z from 'zod';
import { err, ok, type Result } from '../../shared/result';
import { Secret } from './secret';
import { signInError, xstsRefusal, type SignInError } from './sign-in-error';
import type { SignInSettings } from './sign-in-settings';

/** What the session directory's `XBL3.0 x=<uhs>;<token>` header and the window need. */
export interface XstsIdentity {
  readonly xuid: string;
  readonly gamertag: string;
  readonly userHash: string;
  readonly token: Secret;
  /** Epoch ms. */
  readonly expiresAt: number;
}

const userTokenAnswer = z.object({
  Token: z.string().min(1),
  DisplayClaims: z.object({ xui: z.array(z.object({ uhs: z.string().min(1) })).min(1) }),
});

const xstsAnswer = z.object({
  Token: z.string().min(1),
  NotAfter: z.string(),
  DisplayClaims: z.object({
    xui: z
      .array(
        z.object({
          uhs: z.string().min(1),
          xid: z.string().regex(/^\d{1,20}$/),
          gtg: z.string().min(1),
        }),
      )
      .min(1),
  }),
});

const refusalAnswer = z.object({ XErr: z.number().int() });

async function postJson(
  url: string,
  body: unknown,
  timeoutMs: number,
): Promise<Result<{ status: number; json: unknown }, SignInError>> {
  try {
    const response = await got.post(url, {
      json: body,
      headers: { 'x-xbl-contract-version': '1', accept: 'application/json' },
      timeout: { request: timeoutMs },
      retry: { limit: 1, methods: ['POST'], statusCodes: [500, 502, 503, 504] },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
    let json: unknown;
    // Stryker disable BlockStatement: an emptied catch block leaves json undefined as well
    try {
      // Stryker disable next-line ConditionalExpression,StringLiteral: JSON.parse('') throws, and the catch gives undefined too
      json = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    // Stryker restore BlockStatement
    return ok({ status: response.statusCode, json });
  } catch (error) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: got only throws its RequestError, which always has a code
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    return err(
      signInError(
        'service-unavailable',
        `${new URL(url).pathname} could not be reached (${code})`,
        true,
      ),
    );
  }
}

function statusError(what: string, status: number): SignInError {
  if (status === 401 || status === 403) {
    return signInError('session-expired', `${what} refused the token (${status})`);
  }
  if (status >= 500 || status === 429) {
    return signInError('service-unavailable', `${what} answered ${status}`, true);
  }
  return signInError('malformed-response', `${what} answered ${status}`);
}

/** Access token → user token → XSTS token for the session directory's relying party. */
export async function exchangeForXsts(
  settings: SignInSettings,
  accessToken: Secret,
  timeoutMs = 10_000,
): Promise<Result<XstsIdentity, SignInError>> {
  const user = await postJson(
    settings.userTokenUrl,
    {
      RelyingParty: 'http://auth.xboxlive.com',
      TokenType: 'JWT',
      Properties: {
        AuthMethod: 'RPS',
        SiteName: 'user.auth.xboxlive.com',
        RpsTicket: `d=${accessToken.reveal()}`,
      },
    },
    timeoutMs,
  );
  if (!user.ok) return user;
  if (user.value.status !== 200)
    return err(statusError('the user-token service', user.value.status));
  const userToken = userTokenAnswer.safeParse(user.value.json);
  if (!userToken.success) {
    return err(signInError('malformed-response', 'the user-token answer has the wrong shape'));
  }
  const xsts = await postJson(
    settings.xstsUrl,
    {
      RelyingParty: settings.relyingParty,
      TokenType: 'JWT',
      Properties: { SandboxId: settings.sandbox, UserTokens: [userToken.data.Token] },
    },
    timeoutMs,
  );
  if (!xsts.ok) return xsts;
  if (xsts.value.status === 401) {
    const refusal = refusalAnswer.safeParse(xsts.value.json);
    if (refusal.success) return err(xstsRefusal(refusal.data.XErr));
  }
  if (xsts.value.status !== 200) return err(statusError('XSTS', xsts.value.status));
  const answer = xstsAnswer.safeParse(xsts.value.json);
  const claims = answer.success ? answer.data.DisplayClaims.xui[0] : undefined;
  const notAfter = answer.success ? Date.parse(answer.data.NotAfter) : NaN;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a failed parse leaves claims undefined, and a successful one has a first claim (min 1)
  if (!answer.success || claims === undefined || Number.isNaN(notAfter)) {
    return err(signInError('malformed-response', 'the XSTS answer has the wrong shape'));
  }
  return ok({
    xuid: claims.xid,
    gamertag: claims.gtg,
    userHash: claims.uhs,
    token: new Secret(answer.data.Token),
    expiresAt: notAfter,
  });
}
