/**
 * The typed face of Electron's `ipcRenderer`, and the only module allowed to import it. Channel
 * names and payloads come from the shared contract, so a change on either side fails the type
 * check; push listeners are wrapped so the page never receives the `IpcRendererEvent` (whose
 * `sender` would leak `ipcRenderer` itself).
 */
import { ipcRenderer } from 'electron';
import type {
  InvokeChannel,
  InvokeChannels,
  PushChannel,
  PushChannels,
} from '../shared/ipc-contract';

/** Asks main on an invoke channel; the promise carries main's typed answer. */
export function invoke<K extends InvokeChannel>(
  channel: K,
  ...args: InvokeChannels[K]['args']
): Promise<InvokeChannels[K]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<InvokeChannels[K]['result']>;
}

/**
 * Listens on a push channel with the payload only. Returns the unsubscribe closure because the
 * caller's function does not keep its identity across the context bridge, so `removeListener`
 * with it would never match.
 */
export function on<K extends PushChannel>(
  channel: K,
  listener: (payload: PushChannels[K]) => void,
): () => void {
  const wrapper = (_event: unknown, payload: PushChannels[K]): void => listener(payload);
  ipcRenderer.on(channel, wrapper);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    ipcRenderer.removeListener(channel, wrapper);
  };
}
