/**
 * Every invite-link form Rallypoint accepts, declared in one table with worked examples beside it
 * (the way Signal Desktop keeps its routes). The parser reads its parameter names from here, the
 * tests replay every example, and docs/invite-links.md quotes them, so a new form is added in
 * exactly one place and cannot be documented without being tested.
 */
import type { Invite } from './invite';

/** One worked example: a link as a real sender produces it, and the invite it must parse to. */
export interface InviteRouteExample {
  /** What the example shows (shown in test names). */
  readonly why: string;
  readonly link: string;
  readonly invite: Invite;
}

/** One accepted action (the URL's host part) and how its query maps onto an {@link Invite}. */
export interface InviteRoute {
  /** Canonical spelling; links may use any letter case (XSAPI compares it case-insensitively). */
  readonly action: string;
  readonly kind: Invite['kind'];
  /** Query parameter naming the player on this machine. */
  readonly localParam: string;
  /** Query parameter naming the other player. */
  readonly remoteParam: string;
  /** Whether the title-defined `context` parameter belongs to this form. */
  readonly takesContext: boolean;
  readonly examples: readonly InviteRouteExample[];
}

/** The handle every example below uses (from the EA GdkInvitesSample comment). */
const sampleHandle = 'd7853aa1-6500-4fa8-a744-e093e77a4ba8';

/**
 * The MPSD activation forms. Both are documented by Microsoft in "Receive invites"
 * (xbox-live-docs `live-invites-receive.md`); parameter meanings come from the same page.
 */
export const inviteRoutes = [
  {
    action: 'inviteHandleAccept',
    kind: 'invite',
    localParam: 'invitedXuid',
    remoteParam: 'senderXuid',
    takesContext: true,
    examples: [
      {
        why: 'the documented form, with a context',
        link: `ms-xbl-multiplayer://inviteHandleAccept?handle=${sampleHandle}&invitedXuid=2814616402722312&senderXuid=2814650950488554&context=squad%20up`,
        invite: {
          kind: 'invite',
          handleId: sampleHandle,
          localXuid: '2814616402722312',
          remoteXuid: '2814650950488554',
          context: 'squad up',
        },
      },
      {
        why: 'the EA GdkInvitesSample form (its title id swapped for ours): a slash before the query, parameters reordered',
        link: `ms-xbl-52414c59://inviteHandleAccept/?invitedXuid=2814616402722312&handle=${sampleHandle}&senderXuid=2814650950488554`,
        invite: {
          kind: 'invite',
          handleId: sampleHandle,
          localXuid: '2814616402722312',
          remoteXuid: '2814650950488554',
        },
      },
      {
        why: "the game's own scheme, upper-case handle and a trailing slash added by a browser",
        link: `rallypoint://inviteHandleAccept?handle=${sampleHandle.toUpperCase()}&invitedXuid=2814616402722312&senderXuid=2814650950488554/`,
        invite: {
          kind: 'invite',
          handleId: sampleHandle,
          localXuid: '2814616402722312',
          remoteXuid: '2814650950488554',
        },
      },
    ],
  },
  {
    action: 'activityHandleJoin',
    kind: 'join',
    localParam: 'joinerXuid',
    remoteParam: 'joineeXuid',
    takesContext: false,
    examples: [
      {
        why: 'the documented form, with its literal "?&"',
        link: `ms-xbl-multiplayer://activityHandleJoin?&handle=${sampleHandle}&joinerXuid=2814616402722312&joineeXuid=2814650950488554`,
        invite: {
          kind: 'join',
          handleId: sampleHandle,
          localXuid: '2814616402722312',
          remoteXuid: '2814650950488554',
        },
      },
      {
        why: 'an upper-case title scheme and action, percent-encoded values',
        link: `MS-XBL-52414C59://ACTIVITYHANDLEJOIN?joineeXuid=%32814650950488554&joinerXuid=2814616402722312&handle=d7853aa1%2D6500-4fa8-a744-e093e77a4ba8`,
        invite: {
          kind: 'join',
          handleId: sampleHandle,
          localXuid: '2814616402722312',
          remoteXuid: '2814650950488554',
        },
      },
    ],
  },
] as const satisfies readonly InviteRoute[];

/** The route for an action name in any letter case, if it is one of ours. */
export function findInviteRoute(action: string): InviteRoute | undefined {
  const wanted = action.toLowerCase();
  return inviteRoutes.find((route) => route.action.toLowerCase() === wanted);
}

/**
 * The web form of an invite: an https page the directory serves at `invite/{handleId}` under its
 * base URL (or a studio's site that forwards that path to it). Chat apps make https links
 * clickable, never `rallypoint://` ones; the page opens the app form in turn. It names the handle
 * only, so it carries nothing the app form does not.
 */
export const webInviteRoute = {
  /** The path below the base URL, before the handle id (no leading slash: bases may have a path). */
  pathPrefix: 'invite/',
  examples: [
    {
      why: 'a studio serving the page from its own site under a path',
      base: 'https://play.example.com/rallypoint/',
      handleId: sampleHandle,
      link: `https://play.example.com/rallypoint/invite/${sampleHandle}`,
    },
    {
      why: 'the local directory',
      base: 'http://127.0.0.1:7777',
      handleId: sampleHandle,
      link: `http://127.0.0.1:7777/invite/${sampleHandle}`,
    },
  ],
} as const;
