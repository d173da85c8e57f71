/**
 * Whether friends are online, from the presence service (`POST /users/batch`, contract 3, the
 * `user` level: `[{ xuid, state }]`), asked through the same authorized directory calls as the
 * people and profile services. Best effort: a failed or odd answer leaves every friend's state
 * unknown, and a friend the service leaves out (privacy) stays unknown, never "offline".
 */
import * as z from 'zod';
import { parseJson, type DirectoryCalls } from '../join/directory-client';

const presenceAnswer = z.array(
  z.object({ xuid: z.string().regex(/^\d{1,20}$/), state: z.string().max(32) }),
);

/** The real service takes at most 1100 XUIDs a request. */
const presenceBatchSize = 1100;

/** XUID → online, for the friends the presence service answered about. */
export async function lookUpPresence(
  calls: DirectoryCalls,
  xuids: readonly string[],
  signal: AbortSignal,
  log?: (line: string) => void,
): Promise<ReadonlyMap<string, boolean>> {
  const online = new Map<string, boolean>();
  for (let start = 0; start < xuids.length; start += presenceBatchSize) {
    const answer = await calls.call(
      'POST',
      '/users/batch',
      { users: xuids.slice(start, start + presenceBatchSize), level: 'user' },
      { signal, headers: { 'x-xbl-contract-version': '3' } },
    );
    if (!answer.ok || answer.value.status !== 200) {
      log?.(
        `presence: unknown (${answer.ok ? `status ${answer.value.status}` : answer.error.code})`,
      );
      return online;
    }
    const parsed = presenceAnswer.safeParse(parseJson(answer.value.text));
    if (!parsed.success) {
      log?.('presence: unknown (the answer is not in the expected shape)');
      return online;
    }
    for (const record of parsed.data)
      online.set(record.xuid, record.state.toLowerCase() === 'online');
  }
  return online;
}
