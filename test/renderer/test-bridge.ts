/**
 * Runs in the page served by the test host, in place of the preload: implements the
 * `RallypointBridge` over a WebSocket to the host, with the same shape the preload exposes
 * (functions only, callbacks receive the payload only, unsubscribe closures).
 */
import type {
  InvokeChannel,
  InvokeChannels,
  PushChannel,
  PushChannels,
  RallypointBridge,
} from '../../src/shared/ipc-contract';
import type { HostMessage, InvokeMessage } from './host-protocol';

const socket = new WebSocket(`ws://${location.host}/bridge`);
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve(), { once: true });
  socket.addEventListener('error', () => reject(new Error('bridge socket failed')), { once: true });
});
const pending = new Map<
  number,
  { resolve: (value: unknown) => void; reject: (e: Error) => void }
>();
const listeners = new Map<PushChannel, Set<(payload: never) => void>>();
let nextId = 1;

socket.addEventListener('message', (event: MessageEvent<string>) => {
  const message = JSON.parse(event.data) as HostMessage;
  if (message.type === 'result') {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.value);
    else waiter?.reject(new Error(message.message));
    return;
  }
  for (const listener of listeners.get(message.channel) ?? []) listener(message.payload as never);
});

async function invoke<K extends InvokeChannel>(
  channel: K,
  ...args: InvokeChannels[K]['args']
): Promise<InvokeChannels[K]['result']> {
  await opened;
  const id = nextId++;
  const message = { type: 'invoke', id, channel, args } as InvokeMessage;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    socket.send(JSON.stringify(message));
  });
}

function on<K extends PushChannel>(channel: K, callback: (payload: PushChannels[K]) => void) {
  const set = listeners.get(channel) ?? new Set();
  listeners.set(channel, set);
  const listener = (payload: PushChannels[K]): void => callback(payload);
  set.add(listener as (payload: never) => void);
  return () => {
    set.delete(listener as (payload: never) => void);
  };
}

const bridge: RallypointBridge = {
  getState: () => invoke('launcher:get-state'),
  retry: () => invoke('join:retry'),
  cancel: () => invoke('join:cancel'),
  dismiss: () => invoke('join:dismiss'),
  switchAccount: () => invoke('join:switch-account'),
  tryDemoInvite: () => invoke('dev:try-demo-invite'),
  log: (level, message) => void invoke('log:write', level, message).catch(() => undefined),
  onJoinView: (callback) => on('join:view', callback),
  onRecent: (callback) => on('launcher:recent', callback),
  signIn: () => invoke('account:sign-in'),
  cancelSignIn: () => invoke('account:cancel-sign-in'),
  switchTo: (xuid) => invoke('account:switch', xuid),
  signOut: () => invoke('account:sign-out'),
  onAccountView: (callback) => on('account:view', callback),
  refreshInbox: () => invoke('inbox:refresh'),
  acceptInboxItem: (handleId) => invoke('inbox:accept', handleId),
  declineInvite: (handleId) => invoke('inbox:decline', handleId),
  onInbox: (callback) => on('inbox:view', callback),
  play: () => invoke('play:start'),
  onPlayView: (callback) => on('play:view', callback),
  onRoster: (callback) => on('session:roster', callback),
  inviteFriends: () => invoke('invite-dialog:friends'),
  sendInvites: (xuids, message) => invoke('invite-dialog:send', xuids, message),
  copyInviteLink: (handleId) => invoke('invite-dialog:copy-link', handleId),
  inviteDialogClosed: () => invoke('invite-dialog:closed'),
  onInviteDialogShow: (callback) => on('invite-dialog:show', callback),
};

Object.defineProperty(window, 'rallypoint', { value: Object.freeze(bridge), enumerable: true });
