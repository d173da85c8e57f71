/**
 * What main answers on the invite dialog's channels, beside the launcher's table: the arguments
 * are already checked (invoke-arguments.ts); a copy of a handle the dialog did not send, and every
 * channel while there is no dialog (a launcher without a join stack yet), refuse `not-available`.
 */
import type { InviteDialog } from '../invite-dialog/invite-dialog';
import type { InvokeHandlers } from './invoke-handler';
import { IpcRefusedError } from './ipc-refusal';

/** The dialog calls the channels use (each may wait for the dialog to exist). */
export interface InviteDialogPort {
  readonly friends: InviteDialog['friends'];
  readonly send: InviteDialog['send'];
  readonly copyLink: (handleId: string) => boolean | Promise<boolean>;
  readonly closed: () => void | Promise<void>;
}

type InviteDialogChannel =
  | 'invite-dialog:friends'
  | 'invite-dialog:send'
  | 'invite-dialog:copy-link'
  | 'invite-dialog:closed';

/** The handlers of the invite dialog's channels. */
export function inviteDialogHandlers(
  dialog: InviteDialogPort | undefined,
): Pick<InvokeHandlers, InviteDialogChannel> {
  const required = (): InviteDialogPort => {
    if (dialog === undefined) throw new IpcRefusedError('not-available');
    return dialog;
  };
  return {
    'invite-dialog:friends': () => required().friends(),
    'invite-dialog:send': (xuids, message) => required().send(xuids, message),
    'invite-dialog:copy-link': async (handleId) => {
      if (!(await required().copyLink(handleId))) throw new IpcRefusedError('not-available');
    },
    'invite-dialog:closed': () => required().closed(),
  };
}
