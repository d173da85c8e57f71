/**
 * Decides whether an IPC message really comes from the launcher window's own page. Any webContents
 * can send on any channel (a devtools extension, a window some future code opens, a page that
 * managed to navigate), so main trusts a message only when all three hold: it comes from the
 * webContents main created for the window, from that page's top frame, on the app origin.
 */
import { err, ok, type Result } from '../../shared/result';
import { isAppUrl } from '../security/app-origin';
import type { IpcRefusal } from './ipc-refusal';

/** What main knows about a sender, read off Electron's event by the adapter. */
export interface IpcSender {
  readonly webContentsId: number;
  /** `event.senderFrame.url`, or null when the frame is already gone. */
  readonly frameUrl: string | null;
  /** True when `senderFrame.parent` is null (the top frame). */
  readonly isTopFrame: boolean;
}

/** Checks one sender against the webContents id of the current launcher window. */
export function checkSender(
  sender: IpcSender,
  trustedWebContentsId: number | undefined,
): Result<void, IpcRefusal> {
  // With no window (`undefined`) no id matches, so every sender is refused.
  if (sender.webContentsId !== trustedWebContentsId) {
    return err({
      code: 'unknown-sender',
      detail: `webContents ${sender.webContentsId} is not the launcher window (${trustedWebContentsId ?? 'none'})`,
    });
  }
  if (sender.frameUrl === null) {
    return err({ code: 'frame-gone', detail: 'sender frame navigated or was destroyed' });
  }
  if (!sender.isTopFrame) {
    return err({ code: 'subframe', detail: 'message from a subframe' });
  }
  if (!isAppUrl(sender.frameUrl)) {
    return err({ code: 'foreign-origin', detail: `frame is not on the app origin` });
  }
  return ok(undefined);
}
