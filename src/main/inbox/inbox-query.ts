/**
 * The inbox read from the session directory as the signed-in player: the invite handles sent to
 * them and the activity handles of the people they follow, both through `POST
 * /handles/query?include=relatedInfo,customProperties` (docs/mpsd-protocol.md §3.4), named and
 * pictured by the profile service, newest first. Declining is `DELETE /handles/{id}`. Every answer
 * is untrusted: a result that does not fit is dropped (and counted in the log), names and context
 * pass the player-text rule, pictures only the window's own picture rule. Never throws.
 */
import * as z from 'zod';
import { guidPattern } from '../../shared/guid';
import type { InboxErrorCode, InboxItem } from '../../shared/inbox-view';
import type { Invite } from '../../shared/invite';
import { stripUnsafePlayerText } from '../../shared/player-text';
import { err, ok, type Result } from '../../shared/result';
import type { PlayerProfile } from '../account/profile-lookup';
import { parseJson, type DirectoryCalls } from '../join/directory-client';
import type { DirectoryError } from '../join/directory-error';
import { usableSenderPicture } from '../join/sender-profiles';

/** Why the inbox could not be read or an invite declined; `message` is for logs only. */
export interface InboxFailure {
  readonly code: InboxErrorCode;
  readonly message: string;
}

/** Who asks, in which game, and how senders are named. */
export interface InboxQueryDeps {
  /** Authorized directory calls as the signed-in player. */
  readonly calls: DirectoryCalls;
  /** The signed-in player's XUID. */
  readonly xuid: string;
  /** The game's service configuration: only its invites and activities can be joined. */
  readonly scid: string;
  /** Names and pictures of a batch of XUIDs (src/main/account/profile-lookup.ts). */
  readonly lookUpProfiles?: (
    xuids: readonly string[],
  ) => Promise<ReadonlyMap<string, PlayerProfile>>;
  /** Origin of the profile service: a plain-http picture must come from it. */
  readonly profileOrigin?: string;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

const xuid = z.string().regex(/^\d{1,20}$/);
const count = z.number().int().min(0).max(100_000);
const isoTime = z.string().max(40);

/** One handle of a query answer, as far as the inbox reads it; anything else in it is ignored. */
const queriedHandle = z.object({
  id: z.string().regex(guidPattern),
  type: z.enum(['invite', 'activity']),
  invitedXuid: xuid.optional(),
  senderXuid: xuid.optional(),
  ownerXuid: xuid.optional(),
  titleId: z.string().max(20).optional(),
  inviteAttributes: z
    .object({
      titleId: z.string().max(20).optional(),
      context: z.string().max(1024).optional(),
      contextString: z.string().max(1024).optional(),
    })
    .optional(),
  expiration: isoTime,
  relatedInfo: z
    .object({
      closed: z.boolean().optional(),
      joinRestriction: z.string().max(40).optional(),
      membersCount: count.optional(),
      maxMembersCount: count.optional(),
      postedTime: isoTime.optional(),
    })
    .optional(),
});
type QueriedHandle = z.infer<typeof queriedHandle>;

const queryAnswer = z.object({ results: z.array(z.unknown()).max(1000) });

/** Longest context the inbox shows (the directory caps it lower; a foreign one may not). */
const maxContextLength = 256;

function failureOf(error: DirectoryError): InboxFailure {
  const code: InboxErrorCode =
    error.code === 'unauthorized' ||
    error.code === 'rate-limited' ||
    error.code === 'malformed-response'
      ? error.code
      : 'directory-unavailable';
  return { code, message: error.message };
}

function failureOfStatus(status: number, text: string): InboxFailure {
  const message = `directory answered ${status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
  if (status === 401 || status === 403) return { code: 'unauthorized', message };
  if (status === 429) return { code: 'rate-limited', message };
  if (status >= 500) return { code: 'directory-unavailable', message };
  return { code: 'malformed-response', message };
}

/** Player text as the window may show it: the rule applied, trimmed, empty as absent. */
function shownText(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const text = stripUnsafePlayerText(value).trim().slice(0, max);
  return text === '' ? undefined : text;
}

async function query(
  deps: InboxQueryDeps,
  body: unknown,
  signal: AbortSignal,
): Promise<Result<QueriedHandle[], InboxFailure>> {
  const answer = await deps.calls.call(
    'POST',
    '/handles/query?include=relatedInfo,customProperties',
    body,
    { signal },
  );
  if (!answer.ok) return err(failureOf(answer.error));
  if (answer.value.status !== 200) {
    return err(failureOfStatus(answer.value.status, answer.value.text));
  }
  const parsed = queryAnswer.safeParse(parseJson(answer.value.text));
  if (!parsed.success) {
    return err({ code: 'malformed-response', message: 'handle query answer has the wrong shape' });
  }
  const handles: QueriedHandle[] = [];
  let dropped = 0;
  for (const raw of parsed.data.results) {
    const handle = queriedHandle.safeParse(raw);
    if (handle.success) handles.push(handle.data);
    else dropped += 1;
  }
  if (dropped > 0) deps.log?.(`inbox: dropped ${dropped} handle(s) of the wrong shape`);
  return ok(handles);
}

/** A handle as an inbox item, or undefined when it is not one the player can accept. */
function itemOf(handle: QueriedHandle, deps: InboxQueryDeps, now: number): InboxItem | undefined {
  const expiresAt = Date.parse(handle.expiration);
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return undefined;
  const info = handle.relatedInfo;
  const posted = info?.postedTime === undefined ? Number.NaN : Date.parse(info.postedTime);
  const postedAt = Number.isFinite(posted) ? Math.min(posted, now) : now;
  const counts = {
    ...(info?.membersCount === undefined ? {} : { membersCount: info.membersCount }),
    ...(info?.maxMembersCount === undefined ? {} : { maxMembersCount: info.maxMembersCount }),
  };
  if (handle.type === 'invite') {
    // Only invites to this player; the directory promises it, a foreign one might not.
    if (handle.invitedXuid !== deps.xuid || handle.senderXuid === undefined) return undefined;
    const context = shownText(
      handle.inviteAttributes?.context ?? handle.inviteAttributes?.contextString,
      maxContextLength,
    );
    const titleId = handle.inviteAttributes?.titleId;
    return {
      kind: 'invite',
      handleId: handle.id.toLowerCase(),
      fromXuid: handle.senderXuid,
      ...(titleId === undefined ? {} : { titleId }),
      ...(context === undefined ? {} : { context }),
      ...counts,
      postedAt,
      expiresAt,
    };
  }
  // An activity is listed only while it can be joined: not the player's own, open, not full.
  if (handle.ownerXuid === undefined || handle.ownerXuid === deps.xuid) return undefined;
  if (info?.closed === true) return undefined;
  if (
    info?.membersCount !== undefined &&
    info.maxMembersCount !== undefined &&
    info.membersCount >= info.maxMembersCount
  ) {
    return undefined;
  }
  return {
    kind: 'join',
    handleId: handle.id.toLowerCase(),
    fromXuid: handle.ownerXuid,
    ...(handle.titleId === undefined ? {} : { titleId: handle.titleId }),
    ...counts,
    postedAt,
    expiresAt,
  };
}

/**
 * The player's inbox: pending invites and joinable activities of followed players in this game,
 * newest first, each handle once, senders named where the profile service knows them.
 */
export async function readInbox(
  deps: InboxQueryDeps,
  signal: AbortSignal,
): Promise<Result<readonly InboxItem[], InboxFailure>> {
  const [invites, activities] = await Promise.all([
    query(deps, { type: 'invite', scid: deps.scid, invitedXuid: deps.xuid }, signal),
    query(
      deps,
      {
        type: 'activity',
        scid: deps.scid,
        owners: { people: { moniker: 'people', monikerXuid: deps.xuid } },
      },
      signal,
    ),
  ]);
  if (!invites.ok) return invites;
  if (!activities.ok) return activities;
  const now = (deps.now ?? Date.now)();
  const byHandle = new Map<string, InboxItem>();
  for (const handle of [...invites.value, ...activities.value]) {
    const item = itemOf(handle, deps, now);
    if (item !== undefined && !byHandle.has(item.handleId)) byHandle.set(item.handleId, item);
  }
  const items = [...byHandle.values()].sort((a, b) => b.postedAt - a.postedAt);
  const profiles =
    items.length === 0 || deps.lookUpProfiles === undefined
      ? new Map<string, PlayerProfile>()
      : await deps.lookUpProfiles([...new Set(items.map((item) => item.fromXuid))]);
  const named = items.map((item): InboxItem => {
    const profile = profiles.get(item.fromXuid);
    const from = shownText(profile?.gamertag, 32);
    const pictureUrl = usableSenderPicture(profile?.pictureUrl, deps.profileOrigin);
    return {
      ...item,
      ...(from === undefined ? {} : { from }),
      ...(pictureUrl === undefined ? {} : { pictureUrl }),
    };
  });
  deps.log?.(
    `inbox: ${named.filter((item) => item.kind === 'invite').length} invite(s), ` +
      `${named.filter((item) => item.kind === 'join').length} joinable activit(y/ies)`,
  );
  return ok(named);
}

/**
 * Declines an invite: deletes its handle (the local directory lets the invited player do so). A
 * handle already gone counts as declined.
 */
export async function declineInvite(
  calls: DirectoryCalls,
  handleId: string,
  signal: AbortSignal,
): Promise<Result<void, InboxFailure>> {
  if (!guidPattern.test(handleId)) {
    return err({ code: 'malformed-response', message: 'not a handle id' });
  }
  const answer = await calls.call('DELETE', `/handles/${handleId.toLowerCase()}`, undefined, {
    signal,
  });
  if (!answer.ok) return err(failureOf(answer.error));
  const { status } = answer.value;
  if (status === 200 || status === 204 || status === 404) return ok(undefined);
  return err(failureOfStatus(status, answer.value.text));
}

/** The invite a clicked link would carry for this item: what the join machine is given. */
export function inviteOfItem(item: InboxItem, localXuid: string): Invite {
  return {
    kind: item.kind,
    handleId: item.handleId,
    localXuid,
    remoteXuid: item.fromXuid,
    ...(item.context === undefined ? {} : { context: item.context }),
  };
}
