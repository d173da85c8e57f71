/**
 * The local stand-in for Xbox Live's presence service, `POST /users/batch` on
 * userpresence.xboxlive.com (contract version 3): whether players are online, for the launcher's
 * invite dialog. "Online" here means the player holds a presence connection to this directory
 * (`ws://…/connect`, presence-hub.ts), which a launcher does while its game runs in a session.
 *
 * Privacy, as the real service documents it (always 200, records may be missing): a caller reads
 * the state of themselves, of the people they follow and of the people who follow them; anyone
 * else is left out of the answer, so a stranger's XUID tells the caller nothing. Only the
 * `user`-level record is emulated (`xuid`, `state`); devices, titles and rich presence are not.
 */
import * as z from 'zod';
import type { CallerIdentity } from '../dev-tokens';
import type { IdentityAnswer } from '../identity/identity-answer';

/** The batch presence path (its domain is userpresence.xboxlive.com on Xbox Live). */
export const presenceBatchPath = '/users/batch';

/** The real service takes at most 1100 XUIDs a request. */
const maxPresenceUsers = 1100;

// Every member the documentation allows; anything else is prohibited, as documented.
const presenceRequest = z.strictObject({
  users: z
    .array(z.string().regex(/^\d{1,20}$/))
    .min(1)
    .max(maxPresenceUsers),
  level: z.enum(['user', 'device', 'title', 'all']).optional(),
  onlineOnly: z.boolean().optional(),
  deviceTypes: z.array(z.string().max(32)).max(20).optional(),
  titles: z.array(z.string().max(32)).max(100).optional(),
});

export interface PresenceFacts {
  /** Whether the player holds a presence connection now. */
  readonly isOnline: (xuid: string) => boolean;
  /** Whether `follower` declared that they follow `followed` (their latest identity did). */
  readonly follows: (follower: string, followed: string) => boolean;
}

const badRequest = (description: string): IdentityAnswer => ({
  kind: 'json',
  status: 400,
  body: { code: 400, description },
});

/** `POST /users/batch`; the caller is already authenticated. */
export function presenceBatch(
  caller: CallerIdentity,
  body: unknown,
  contractVersion: string | undefined,
  facts: PresenceFacts,
): IdentityAnswer {
  if (contractVersion?.trim() !== '3') return badRequest('x-xbl-contract-version must be 3.');
  const parsed = presenceRequest.safeParse(body);
  if (!parsed.success) return badRequest('The request body is invalid.');
  const followed = new Set(caller.follows);
  const records: { xuid: string; state: 'Online' | 'Offline' }[] = [];
  for (const raw of new Set(parsed.data.users)) {
    const xuid = raw.replace(/^0+(?=\d)/, '');
    const visible = xuid === caller.xuid || followed.has(xuid) || facts.follows(xuid, caller.xuid);
    if (!visible) continue;
    const online = facts.isOnline(xuid);
    if (parsed.data.onlineOnly === true && !online) continue;
    records.push({ xuid, state: online ? 'Online' : 'Offline' });
  }
  return { kind: 'json', status: 200, body: records };
}
