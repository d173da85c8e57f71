/**
 * The messages the test host and its page-side bridge exchange over one WebSocket: the IPC
 * contract's invoke and push channels, carried as JSON. Keeping the channel types from
 * `ipc-contract.ts` means the browser tests exercise the same names and payloads as Electron IPC.
 */
import type {
  InvokeChannel,
  InvokeChannels,
  PushChannel,
  PushChannels,
} from '../../src/shared/ipc-contract';

export type InvokeMessage = {
  [K in InvokeChannel]: {
    readonly type: 'invoke';
    readonly id: number;
    readonly channel: K;
    readonly args: InvokeChannels[K]['args'];
  };
}[InvokeChannel];

export type ResultMessage =
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly message: string };

export type PushMessage = {
  [K in PushChannel]: {
    readonly type: 'push';
    readonly channel: K;
    readonly payload: PushChannels[K];
  };
}[PushChannel];

export type HostMessage = ResultMessage | PushMessage;
