/**
 * The local stand-in for Xbox Live's profile service (`POST /users/batch/profile/settings`,
 * contract version 2): a caller with a token this directory issued asks for players' `Gamertag`
 * and `GameDisplayPicRaw`, which is how the launcher shows who sent an invite. Pictures are small
 * generated SVGs served at `/people/pictures/<xuid>.svg`.
 */
import * as z from 'zod';
import type { IdentityAnswer } from '../identity/identity-answer';

const settingsRequest = z.object({
  userIds: z
    .array(z.string().regex(/^\d{1,20}$/))
    .min(1)
    .max(100),
  settings: z.array(z.string().min(1).max(64)).min(1).max(20),
});

export const picturePathPrefix = '/people/pictures/';

export interface LocalProfileOptions {
  /** The gamertag of a XUID, from development accounts and issued tokens. */
  readonly gamertagOf: (xuid: string) => string | undefined;
  readonly publicUrl: () => string;
}

/** What the profile service knows of one player. */
export interface LocalProfile {
  readonly gamertag: string;
  /** `/people/pictures/<xuid>.svg`, below the directory's root. */
  readonly picturePath: string;
}

const palette = ['#107c10', '#0063b1', '#8e44ad', '#c0392b', '#d35400', '#16a085'];

/** Answers profile settings for players this directory has seen. */
export class LocalProfiles {
  constructor(private readonly options: LocalProfileOptions) {}

  /** `POST /users/batch/profile/settings`; the caller is already authenticated. */
  batchSettings(body: unknown, contractVersion: string | undefined): IdentityAnswer {
    if (contractVersion?.trim() !== '2') {
      return {
        kind: 'json',
        status: 400,
        body: { code: 400, description: 'x-xbl-contract-version must be 2.' },
      };
    }
    const parsed = settingsRequest.safeParse(body);
    if (!parsed.success) {
      return {
        kind: 'json',
        status: 400,
        body: { code: 400, description: 'The request body is invalid.' },
      };
    }
    const { userIds, settings } = parsed.data;
    const profileUsers = [];
    for (const xuid of new Set(userIds)) {
      const profile = this.profileOf(xuid);
      if (profile === undefined) continue;
      const values: Record<string, string> = {
        Gamertag: profile.gamertag,
        GameDisplayPicRaw: `${this.options.publicUrl()}${profile.picturePath}`,
      };
      profileUsers.push({
        id: xuid,
        hostId: xuid,
        settings: settings
          .filter((id) => values[id] !== undefined)
          .map((id) => ({ id, value: values[id] })),
        isSponsoredUser: false,
      });
    }
    return { kind: 'json', status: 200, body: { profileUsers } };
  }

  /**
   * A player's gamertag and the path of their picture below the directory's root, if this
   * directory knows them; what the profile service answers and the web invite page shows.
   */
  profileOf(xuid: string): LocalProfile | undefined {
    const gamertag = this.options.gamertagOf(xuid);
    if (gamertag === undefined) return undefined;
    return { gamertag, picturePath: `${picturePathPrefix}${xuid}.svg` };
  }

  /** `GET /people/pictures/<xuid>.svg`: the first letter of the gamertag on a coloured disc. */
  picture(file: string): IdentityAnswer {
    const xuid = /^(\d{1,20})\.svg$/.exec(file)?.[1];
    const gamertag = xuid === undefined ? undefined : this.options.gamertagOf(xuid);
    if (xuid === undefined || gamertag === undefined) return { kind: 'empty', status: 404 };
    const letter = (gamertag.trim()[0] ?? '?').toUpperCase().replace(/[^A-Z0-9]/, '?');
    const colour = palette[Number(BigInt(xuid) % BigInt(palette.length))];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="${colour}"/><text x="32" y="42" font-size="30" font-family="sans-serif" fill="#fff" text-anchor="middle">${letter}</text></svg>`;
    return { kind: 'bytes', status: 200, contentType: 'image/svg+xml', body: svg };
  }
}
