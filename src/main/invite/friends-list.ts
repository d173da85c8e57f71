/**
 * The signed-in player's friends as the invite flow shows them: who they follow, from the social
 * service (`GET /users/xuid({xuid})/people`, contract 1), named and pictured by the profile
 * service (`POST /users/batch/profile/settings`, contract 2). Names are best effort: a friend the
 * profile service does not know is still listed, by XUID.
 */
import * as z from 'zod';
import { err, ok, type Result } from '../../shared/result';
import { parseJson, type DirectoryCalls } from '../join/directory-client';
import { inviteFailureOf, inviteFailureOfStatus, type InviteFailure } from './invite-failure';

/** One friend the player can invite. */
export interface Friend {
  readonly xuid: string;
  readonly gamertag?: string;
  readonly pictureUrl?: string;
}

const peopleAnswer = z.object({
  people: z.array(z.object({ xuid: z.string().regex(/^\d{1,20}$/) })).max(1000),
});

const profileAnswer = z.object({
  profileUsers: z.array(
    z.object({
      id: z.string(),
      settings: z.array(z.object({ id: z.string(), value: z.string() })),
    }),
  ),
});

/** The people `xuid` follows, with gamertags and pictures where the profile service has them. */
export async function listFriends(
  calls: DirectoryCalls,
  xuid: string,
  signal: AbortSignal,
): Promise<Result<readonly Friend[], InviteFailure>> {
  const answer = await calls.call('GET', `/users/xuid(${xuid})/people`, undefined, {
    signal,
    headers: { 'x-xbl-contract-version': '1' },
  });
  if (!answer.ok) return err(inviteFailureOf(answer.error));
  if (answer.value.status !== 200) {
    return err(inviteFailureOfStatus(answer.value.status, answer.value.text));
  }
  const people = peopleAnswer.safeParse(parseJson(answer.value.text));
  if (!people.success) {
    return err({
      code: 'malformed-response',
      message: 'the people list is not in the expected shape',
    });
  }
  const xuids = [...new Set(people.data.people.map((person) => person.xuid))];
  if (xuids.length === 0) return ok([]);
  const names = new Map<string, { gamertag?: string; pictureUrl?: string }>();
  for (let start = 0; start < xuids.length; start += 100) {
    const profiles = await calls.call(
      'POST',
      '/users/batch/profile/settings',
      { userIds: xuids.slice(start, start + 100), settings: ['Gamertag', 'GameDisplayPicRaw'] },
      { signal, headers: { 'x-xbl-contract-version': '2' } },
    );
    if (!profiles.ok || profiles.value.status !== 200) continue;
    const parsed = profileAnswer.safeParse(parseJson(profiles.value.text));
    if (!parsed.success) continue;
    for (const user of parsed.data.profileUsers) {
      const value = (id: string) => user.settings.find((setting) => setting.id === id)?.value;
      const gamertag = value('Gamertag');
      const pictureUrl = value('GameDisplayPicRaw');
      names.set(user.id, {
        ...(gamertag === undefined ? {} : { gamertag }),
        ...(pictureUrl === undefined ? {} : { pictureUrl }),
      });
    }
  }
  return ok(xuids.map((friend) => ({ xuid: friend, ...names.get(friend) })));
}
