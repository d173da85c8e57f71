/**
 * The signed-in account's picture for the window's account chip, as a `data:` URL. The window's
 * CSP allows images only from itself and `data:` (its page never talks to the network), so main
 * looks the picture up (profile service, `GameDisplayPicRaw`), downloads it with a size cap and a
 * closed list of image types, and hands the page the bytes. Any problem is "no picture".
 */
import got from 'got';
import type { TokenProvider } from '../join/token-provider';
import { lookupProfiles } from './profile-lookup';

/** Largest picture accepted; gamerpics are a few kilobytes. */
export const maxPictureBytes = 256 * 1024;

/** Image types an `<img>` may show from a data URL (SVG in `<img>` runs no script). */
const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']);

export interface AccountPictureOptions {
  readonly profileUrl: string;
  readonly tokens: TokenProvider;
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** The picture of `xuid` as a `data:image/…;base64,…` URL, or undefined. */
export async function accountPicture(
  xuid: string,
  options: AccountPictureOptions,
): Promise<string | undefined> {
  const log = options.log ?? (() => undefined);
  const profiles = await lookupProfiles([xuid], {
    profileUrl: options.profileUrl,
    tokens: options.tokens,
    log,
  });
  const url = profiles.get(xuid)?.pictureUrl;
  if (url === undefined) return undefined;
  try {
    const stream = got.stream(url, {
      timeout: { request: options.timeoutMs ?? 3000 },
      // Stryker disable next-line ObjectLiteral: got.stream never retries by itself (its caller would have to, on the retry event)
      retry: { limit: 0 },
      followRedirect: false,
      headers: { accept: [...imageTypes].join(', ') },
    });
    let type: string | undefined;
    let status: number | undefined;
    stream.on(
      'response',
      (response: { statusCode: number; headers: Record<string, string | undefined> }) => {
        status = response.statusCode;
        // Stryker disable next-line OptionalChaining: split always gives at least one part
        type = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      },
    );
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxPictureBytes) {
        stream.destroy();
        log('account picture refused: larger than the cap');
        return undefined;
      }
      chunks.push(chunk);
    }
    // A redirect (never followed) or any answer but 200 is not the picture, whatever its type says.
    if (status !== 200) {
      // Stryker disable next-line StringLiteral: the stream ends only after its response event, which set the status
      log(`account picture refused: the picture URL answered ${status ?? 'nothing'}`);
      return undefined;
    }
    // Stryker disable next-line ConditionalExpression: the set has no undefined either; the check is for the type checker
    if (type === undefined || !imageTypes.has(type)) {
      log('account picture refused: not an image type the window shows');
      return undefined;
    }
    return `data:${type};base64,${Buffer.concat(chunks).toString('base64')}`;
  } catch (error) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: got fails only with its RequestError, an Error that always has a code
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    log(`account picture could not be fetched (${code})`);
    return undefined;
  }
}
