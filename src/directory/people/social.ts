/**
 * The local stand-in for Xbox Live's social service, `GET /users/xuid({xuid})/people` (contract
 * version 1): the people a player follows, which is where the launcher's invite list starts.
 * Development identities declare whom they follow when their token is issued (`follows` of
 * `POST /dev/tokens`); that list is the answer. Privacy is kept simple: a player may read only
 * their own list, as the invite flow needs, and anyone else's is 403.
 */
import type { CallerIdentity } from '../dev-tokens';
import type { IdentityAnswer } from '../identity/identity-answer';

/** `/users/xuid(<digits>)/people`, lower-cased by the router; the XUID is captured. */
export const peoplePathPattern = /^\/users\/xuid\((\d{1,20})\)\/people$/;

/** Answers the people list for the caller's own XUID. */
export function followedPeople(
  caller: CallerIdentity,
  xuid: string,
  contractVersion: string | undefined,
): IdentityAnswer {
  const version = contractVersion?.trim();
  if (version !== undefined && version !== '1') {
    return {
      kind: 'json',
      status: 400,
      body: { code: 400, description: 'x-xbl-contract-version must be 1.' },
    };
  }
  if (xuid.replace(/^0+/, '') !== caller.xuid) {
    return {
      kind: 'json',
      status: 403,
      body: { code: 403, description: 'Only the calling user can read their own people list.' },
    };
  }
  const people = caller.follows.map((followed) => ({
    xuid: followed,
    isFavorite: false,
    socialNetworks: [],
  }));
  return { kind: 'json', status: 200, body: { totalCount: people.length, people } };
}
