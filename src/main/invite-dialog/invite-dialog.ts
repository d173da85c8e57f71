/**
 * The main-process side of the window's invite dialog, with no Electron in it. While the player is
 * in a session (the one they joined, or the one their game hosts), it lists the people they follow
 * with names, pictures and online state (friends-list.ts, friend-presence.ts), sends one invite
 * handle per chosen friend through the same sender as `rallypoint invite` and the game channel
 * (invite-sender.ts), and copies the https web invite link of a sent invite. A game's "open the
 * invite dialog" waits here until the player closes it, then learns whom they invited.
 *
 * The room src/main/invite-dialog holds this dialog's logic; it imports shared code, main's
 * invite and join modules, and never electron (src/main/electron/invite-dialog-wiring.ts does).
 */
import type { InviteDialogResult } from '../game/play-controller';
import { listFriends } from '../invite/friends-list';
import { lookUpPresence } from '../invite/friend-presence';
import { sendInvites } from '../invite/invite-sender';
import type { DirectoryCalls } from '../join/directory-client';
import type { GameTitle } from '../join/game-hand-off';
import { usableSenderPicture } from '../join/sender-profiles';
import type { Logger } from '../logging/logger';
import type {
  InviteDialogFriends,
  InviteDialogRequest,
  InviteDialogSent,
  InviteSendOutcomeView,
} from '../../shared/invite-dialog-view';
import { inviteShareLinks } from '../../shared/invite-share-links';

/** The session invites go into, and who sends them (the signed-in player, a member of it). */
export interface InviteDialogSession {
  /** `/serviceconfigs/{scid}/sessionTemplates/{template}/sessions/{name}` */
  readonly sessionRef: string;
  readonly playerXuid: string;
  /** Directory calls authorized as that player (people, profile, presence, handles). */
  readonly calls: DirectoryCalls;
}

/**
 * The session an accepted invite brought the player into, as the dialog wants it; undefined
 * while they are not playing in one (`ActiveJoin.joinedSession`).
 */
export function joinedInviteSession(join: {
  joinedSession(): { sessionRef: string; xuid: string; calls: DirectoryCalls } | undefined;
}): InviteDialogSession | undefined {
  const joined = join.joinedSession();
  return joined === undefined
    ? undefined
    : { sessionRef: joined.sessionRef, playerXuid: joined.xuid, calls: joined.calls };
}

export interface InviteDialogDeps {
  /** The session the player is in now, if any: the joined one, or the one their game hosts. */
  readonly session: () => InviteDialogSession | undefined;
  readonly title: Pick<GameTitle, 'titleId'>;
  /** Base of https web invite links (invite-share-links.ts): the directory that serves the page. */
  readonly webInviteBase: string;
  /** Asks the window to show the dialog (a game asked for it). */
  readonly show: () => void;
  /** Puts text on the system clipboard. */
  readonly writeClipboard: (text: string) => void;
  /** Origin of the service pictures come from; plain-http pictures must come from it. */
  readonly pictureOrigin?: string;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /** Budget of one list or one send. Default 15 000 ms. */
  readonly timeoutMs?: number;
}

/** A sent invite "Copy invite link" may name. */
interface SentInvite {
  readonly invitedXuid: string;
  readonly senderXuid: string;
  readonly context?: string;
}

/** Most sent invites remembered for "Copy invite link". */
const maxRemembered = 200;

export class InviteDialog {
  readonly #deps: InviteDialogDeps;
  /** The game's request while its dialog is open: the session it named and whom it got. */
  #gameRequest:
    | {
        readonly session: InviteDialogSession;
        readonly invited: Set<string>;
        readonly resolve: (result: InviteDialogResult) => void;
      }
    | undefined;
  /** The friends last listed: a send may only name these. */
  #listed = new Set<string>();
  readonly #sent = new Map<string, SentInvite>();

  constructor(deps: InviteDialogDeps) {
    this.#deps = deps;
  }

  /**
   * A game asked for the dialog (the play controller's `openInviteDialog`): shows it for `session`
   * and resolves once the player closes it. A second request closes the first one's wait.
   */
  requestFromGame(session: InviteDialogSession): Promise<InviteDialogResult> {
    this.#finishGameRequest();
    this.#deps.log?.info('invite dialog: the game asked for it');
    return new Promise((resolve) => {
      this.#gameRequest = { session, invited: new Set(), resolve };
      this.#deps.show();
    });
  }

  /** What a window that (re)loads must show: the game's open request, if any. */
  pendingRequest(): InviteDialogRequest | undefined {
    return this.#gameRequest === undefined ? undefined : { requestedBy: 'game' };
  }

  /** The people the player follows, named and pictured, with online state where known. */
  async friends(): Promise<InviteDialogFriends> {
    const session = this.#session();
    if (session === undefined) {
      this.#deps.log?.info('invite dialog: no session to invite into');
      return { ok: false, code: 'not-in-session' };
    }
    const signal = AbortSignal.timeout(this.#deps.timeoutMs ?? 15_000);
    const listed = await listFriends(session.calls, session.playerXuid, signal);
    if (!listed.ok) {
      this.#deps.log?.warn(`invite dialog: friends not listed: ${listed.error.message}`);
      return { ok: false, code: listed.error.code };
    }
    const presence = await lookUpPresence(
      session.calls,
      listed.value.map((friend) => friend.xuid),
      signal,
      (line) => this.#deps.log?.info(`invite dialog: ${line}`),
    );
    this.#listed = new Set(listed.value.map((friend) => friend.xuid));
    const friends = listed.value.map((friend) => {
      const pictureUrl = usableSenderPicture(friend.pictureUrl, this.#deps.pictureOrigin);
      const online = presence.get(friend.xuid);
      return {
        xuid: friend.xuid,
        ...(friend.gamertag === undefined ? {} : { gamertag: friend.gamertag }),
        ...(pictureUrl === undefined ? {} : { pictureUrl }),
        ...(online === undefined ? {} : { online }),
      };
    });
    this.#deps.log?.info(
      `invite dialog: ${friends.length} friend(s), ${presence.size} with a known online state`,
    );
    return { ok: true, friends };
  }

  /**
   * Sends one invite per friend (only friends the dialog listed), with the optional message as
   * the invite's context; one outcome per friend, in the order asked.
   */
  async send(xuids: readonly string[], message: string): Promise<InviteDialogSent> {
    const session = this.#session();
    if (session === undefined) return { ok: false, code: 'not-in-session' };
    const unique = [...new Set(xuids)];
    const known = unique.filter((xuid) => this.#listed.has(xuid));
    const context = message.trim() === '' ? undefined : message.trim();
    const outcomes = new Map<string, InviteSendOutcomeView>();
    for (const xuid of unique) {
      if (!this.#listed.has(xuid))
        outcomes.set(xuid, { xuid, sent: false, code: 'unknown-player' });
    }
    if (known.length > 0) {
      const sent = await sendInvites(
        {
          calls: session.calls,
          senderXuid: session.playerXuid,
          title: this.#deps.title,
          ...(this.#deps.log ? { log: this.#deps.log } : {}),
        },
        { sessionRef: session.sessionRef, xuids: known, ...(context ? { context } : {}) },
        AbortSignal.timeout(this.#deps.timeoutMs ?? 15_000),
      );
      if (!sent.ok) {
        this.#deps.log?.warn(`invite dialog: nothing sent: ${sent.error.message}`);
        return { ok: false, code: sent.error.code };
      }
      for (const outcome of sent.value) {
        if (outcome.ok) {
          this.#remember(outcome.handleId, {
            invitedXuid: outcome.xuid,
            senderXuid: session.playerXuid,
            ...(context ? { context } : {}),
          });
          this.#gameRequest?.invited.add(outcome.xuid);
          outcomes.set(outcome.xuid, {
            xuid: outcome.xuid,
            sent: true,
            handleId: outcome.handleId,
          });
        } else {
          outcomes.set(outcome.xuid, {
            xuid: outcome.xuid,
            sent: false,
            code: outcome.failure.code,
          });
        }
      }
    }
    return { ok: true, outcomes: unique.flatMap((xuid) => outcomes.get(xuid) ?? []) };
  }

  /**
   * Copies the https web invite link of an invite this dialog sent; false for any other handle
   * (the window cannot put arbitrary text on the clipboard through this).
   */
  copyLink(handleId: string): boolean {
    const invite = this.#sent.get(handleId.toLowerCase());
    if (invite === undefined) {
      this.#deps.log?.warn('invite dialog: copy refused: not a handle this dialog sent');
      return false;
    }
    const links = inviteShareLinks({ handleId, ...invite }, this.#deps.webInviteBase);
    if (!links.ok) {
      this.#deps.log?.warn(`invite dialog: no web link: ${links.error}`);
      return false;
    }
    this.#deps.writeClipboard(links.value.webLink);
    this.#deps.log?.info('invite dialog: web invite link copied');
    return true;
  }

  /** The player closed the dialog: a game waiting for it hears whom they invited. */
  closed(): void {
    this.#deps.log?.info('invite dialog: closed');
    this.#finishGameRequest();
  }

  #session(): InviteDialogSession | undefined {
    return this.#gameRequest?.session ?? this.#deps.session();
  }

  #finishGameRequest(): void {
    const request = this.#gameRequest;
    this.#gameRequest = undefined;
    if (request === undefined) return;
    const invited = [...request.invited];
    request.resolve({ reason: invited.length > 0 ? 'sent' : 'closed', invited });
  }

  #remember(handleId: string, invite: SentInvite): void {
    if (this.#sent.size >= maxRemembered) {
      const oldest = this.#sent.keys().next().value;
      if (oldest !== undefined) this.#sent.delete(oldest);
    }
    this.#sent.set(handleId.toLowerCase(), invite);
  }
}
