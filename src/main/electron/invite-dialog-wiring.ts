/**
 * Electron glue for the invite dialog (src/main/invite-dialog): the system clipboard, and the
 * session of the player's accepted invite as the dialog's default session. The dialog exists once
 * the directory is known; until then its channels wait for it. Its code (got, zod) comes with the
 * lazily loaded join stack (dist/main/join-stack.cjs), never in main.cjs.
 */
import { clipboard } from 'electron';
import type { ActiveJoin } from '../active-join';
import type { InviteDialog, InviteDialogSession } from '../invite-dialog/invite-dialog';
import type { InviteDialogPort } from '../ipc/invite-dialog-handlers';
import type { Logger } from '../logging/logger';

export interface WindowInviteDialogDeps {
  readonly join: Pick<ActiveJoin, 'joinedSession'>;
  readonly directoryUrl: string;
  readonly titleId: string;
  /**
   * The session the player's running game hosts, when Play is wired (the play controller's
   * `view().session?.sessionRef` with the signed-in player and their calls); the joined session
   * of an accepted invite is used otherwise.
   */
  readonly hostedSession?: () => InviteDialogSession | undefined;
  /** Shows the dialog in the window (opening the window first when needed). */
  readonly show: () => void;
  readonly log: Pick<Logger, 'info' | 'warn'>;
}

/** The launcher's invite dialog, writing links to the system clipboard. */
export async function createWindowInviteDialog(
  deps: WindowInviteDialogDeps,
): Promise<InviteDialog> {
  const { InviteDialog, joinedInviteSession } = await import('../join-stack');
  return new InviteDialog({
    session: () => deps.hostedSession?.() ?? joinedInviteSession(deps.join),
    title: { titleId: deps.titleId },
    webInviteBase: deps.directoryUrl,
    pictureOrigin: new URL(deps.directoryUrl).origin,
    show: deps.show,
    writeClipboard: (text) => clipboard.writeText(text),
    log: deps.log,
  });
}

/** The channels' view of a dialog that is still being built. */
export function whenInviteDialogReady(dialog: Promise<InviteDialog>): InviteDialogPort {
  return {
    friends: async () => (await dialog).friends(),
    send: async (xuids, message) => (await dialog).send(xuids, message),
    copyLink: async (handleId) => (await dialog).copyLink(handleId),
    closed: async () => (await dialog).closed(),
  };
}
