/**
 * What the address the directory listens on decides. On a loopback address only programs on this
 * machine reach it, so development identities are on and the only `Host` headers it answers are
 * its own loopback names (a page on another site whose DNS name was rebound to 127.0.0.1 sends its
 * own name and is refused). On any other address development identities are off unless asked for,
 * because anyone who can reach the port could otherwise act as any player.
 */
import { isIP } from 'node:net';

/** True for `localhost`, 127.0.0.0/8 and `::1` (in any spelling Node accepts for them). */
function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost') return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) === 6) {
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    // IPv4-mapped loopback, e.g. ::ffff:127.0.0.1
    return lower.startsWith('::ffff:127.');
  }
  return false;
}

/**
 * The `Host` header values the directory answers, lower-cased; undefined means any (a directory on
 * a non-loopback address with no `allowedHosts`, reached by whatever name its network gives it).
 */
export function allowedHostHeaders(
  listenHost: string,
  port: number,
  extra: readonly string[] = [],
): ReadonlySet<string> | undefined {
  // The listening address first: it is what clients nearly always send.
  const names = new Set<string>();
  if (isLoopbackHost(listenHost)) {
    // Stryker disable next-line MethodExpression: a bracketed address lower-cased is the same text as its bare part bracketed and lower-cased
    const bare = listenHost.startsWith('[') ? listenHost.slice(1, -1) : listenHost;
    const literal = isIP(bare) === 6 ? `[${bare.toLowerCase()}]` : bare.toLowerCase();
    for (const name of [literal, 'localhost', '127.0.0.1', '[::1]']) names.add(`${name}:${port}`);
  }
  for (const name of extra) names.add(name.toLowerCase());
  return names.size === 0 ? undefined : names;
}

/** Whether `POST /dev/tokens` issues identities: asked for explicitly, else only on loopback. */
export function devIdentitiesEnabled(listenHost: string, explicit: boolean | undefined): boolean {
  return explicit ?? isLoopbackHost(listenHost);
}

/**
 * Warnings to print before listening: a non-loopback address turns development identities off
 * (and says how to turn them on), or, when they were turned on, says what that exposes.
 */
export function bindingWarnings(listenHost: string, explicit: boolean | undefined): string[] {
  if (isLoopbackHost(listenHost)) return [];
  if (explicit === true) {
    return [
      `listening on ${listenHost} with --dev-identities: anyone who can reach this port can get a token for any player; use it only on a trusted network`,
    ];
  }
  return [
    `listening on ${listenHost}, which is not a loopback address: development identities (POST /dev/tokens) are off; start with --dev-identities to turn them on (anyone who can reach the port could then act as any player)`,
  ];
}
