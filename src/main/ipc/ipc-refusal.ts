/**
 * Why main refused an IPC message. The renderer sees only `code` (Electron passes nothing but an
 * Error's message across `invoke`), so the codes form a closed union a renderer can match on, and
 * the detail stays in main's log.
 */
export type IpcRefusalCode =
  /** The message came from a webContents that is not the launcher window. */
  | 'unknown-sender'
  /** The sending frame is not on the app origin (navigated away, or a foreign page). */
  | 'foreign-origin'
  /** The sender is a subframe; only the top frame speaks for the window. */
  | 'subframe'
  /** The frame was gone (navigated or destroyed) before the message could be checked. */
  | 'frame-gone'
  /** The arguments do not match the channel's contract. */
  | 'bad-arguments'
  /** The channel exists but is switched off in this build (dev-only channels when packaged). */
  | 'not-available'
  /** Too many messages in a short time (renderer log flooding). */
  | 'rate-limited'
  /** The handler itself failed; details are in main's log. */
  | 'handler-failed';

export interface IpcRefusal {
  readonly code: IpcRefusalCode;
  /** Developer-facing detail for main's log; never sent to the renderer. */
  readonly detail: string;
}

/** Prefix of the Error message a refused invoke rejects with, e.g. `rallypoint-ipc:bad-arguments`. */
export const IPC_REFUSAL_PREFIX = 'rallypoint-ipc:';

/** The Error thrown back through `invoke`: its message carries only the code. */
export class IpcRefusedError extends Error {
  readonly code: IpcRefusalCode;

  constructor(code: IpcRefusalCode) {
    super(`${IPC_REFUSAL_PREFIX}${code}`);
    this.name = 'IpcRefusedError';
    this.code = code;
  }
}
