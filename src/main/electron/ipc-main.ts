/**
 * The typed `ipcMain` wrapper: the only main-process file that touches raw IPC (ESLint enforces
 * it). Every invoke is checked before its handler runs — the sender must be the launcher window's
 * top frame on the app origin, and the arguments must match the channel's schema — and anything
 * refused is logged and answered with an error whose message is only a code. A handler that throws
 * is answered the same way, so a bug in one handler never reaches the renderer as a stack trace.
 */
import { ipcMain, type IpcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import {
  invokeChannels,
  type InvokeChannel,
  type PushChannel,
  type PushChannels,
} from '../../shared/ipc-contract';
import { parseInvokeArguments } from '../ipc/invoke-arguments';
import type { InvokeHandler, InvokeHandlers } from '../ipc/invoke-handler';
import { IpcRefusedError, type IpcRefusal } from '../ipc/ipc-refusal';
import { checkSender, type IpcSender } from '../ipc/sender-policy';
import type { Logger } from '../logging/logger';

export type { InvokeHandler } from '../ipc/invoke-handler';

export interface TypedIpcMainOptions {
  /** The launcher window's webContents id right now; undefined while there is no window. */
  readonly trustedWebContentsId: () => number | undefined;
  readonly log: Logger;
  /** Electron's ipcMain; injectable for tests. */
  readonly ipc?: Pick<IpcMain, 'handle' | 'removeHandler'>;
}

export interface TypedIpcMain {
  /** Registers the handler for one invoke channel, with sender and argument checks in front. */
  handle<C extends InvokeChannel>(channel: C, handler: InvokeHandler<C>): void;
  /** Registers a whole table, one handler per channel of the contract. */
  handleAll(handlers: InvokeHandlers): void;
  /** Sends a push to a webContents; false (and a debug line) when it is already gone. */
  push<C extends PushChannel>(
    webContents: WebContents,
    channel: C,
    payload: PushChannels[C],
  ): boolean;
  /** Removes every handler this wrapper registered. */
  dispose(): void;
}

/** Reads what the sender policy needs off Electron's event; a destroyed frame reads as gone. */
function senderOf(event: IpcMainInvokeEvent): IpcSender {
  let frameUrl: string | null = null;
  let isTopFrame = false;
  try {
    const frame = event.senderFrame;
    if (frame !== null && frame !== undefined && !frame.isDestroyed()) {
      frameUrl = frame.url;
      isTopFrame = frame.parent === null;
    }
  } catch {
    frameUrl = null;
  }
  return { webContentsId: event.sender.id, frameUrl, isTopFrame };
}

export function createTypedIpcMain(options: TypedIpcMainOptions): TypedIpcMain {
  const ipc = options.ipc ?? ipcMain;
  const { log } = options;
  const registered = new Set<InvokeChannel>();

  const refuse = (channel: InvokeChannel, refusal: IpcRefusal): never => {
    log.warn(`refused ${channel}: ${refusal.code}`, refusal.detail);
    throw new IpcRefusedError(refusal.code);
  };

  const api: TypedIpcMain = {
    handle(channel, handler) {
      registered.add(channel);
      ipc.handle(channel, async (event, ...raw: unknown[]) => {
        const sender = checkSender(senderOf(event), options.trustedWebContentsId());
        if (!sender.ok) return refuse(channel, sender.error);
        const args = parseInvokeArguments(channel, raw);
        if (!args.ok) return refuse(channel, args.error);
        try {
          return await handler(...args.value);
        } catch (error) {
          if (error instanceof IpcRefusedError)
            return refuse(channel, { code: error.code, detail: error.message });
          log.error(`handler for ${channel} failed`, error);
          throw new IpcRefusedError('handler-failed');
        }
      });
    },

    push(webContents, channel, payload) {
      if (webContents.isDestroyed()) {
        log.debug(`dropped ${channel}: window is gone`);
        return false;
      }
      webContents.send(channel, payload);
      return true;
    },

    handleAll(handlers) {
      for (const channel of invokeChannels) {
        api.handle(channel, handlers[channel] as InvokeHandler<typeof channel>);
      }
    },

    dispose() {
      for (const channel of registered) ipc.removeHandler(channel);
      registered.clear();
    },
  };
  return api;
}
