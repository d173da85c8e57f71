/** The shape of main's answer to one invoke channel, shared by the table and the ipcMain wrapper. */
import type { InvokeChannel, InvokeChannels } from '../../shared/ipc-contract';

/** A handler receives the already-checked arguments of its channel. */
export type InvokeHandler<C extends InvokeChannel> = (
  ...args: InvokeChannels[C]['args']
) => InvokeChannels[C]['result'] | Promise<InvokeChannels[C]['result']>;

/** One handler per channel: the compiler refuses a table that forgets one. */
export type InvokeHandlers = { readonly [C in InvokeChannel]: InvokeHandler<C> };
