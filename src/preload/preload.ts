/**
 * The preload: builds `window.rallypoint` from the typed IPC wrapper and hands it to the page
 * through the context bridge. Only plain functions cross; no Electron object, no `ipcRenderer`
 * and no IPC event ever reaches page code. Bundled into one CommonJS file because a sandboxed
 * preload can `require` nothing but `electron` and a few polyfills.
 */
import { contextBridge } from 'electron';
import {
  logLevels,
  maxRendererLogLength,
  type LogLevel,
  type RallypointBridge,
} from '../shared/ipc-contract';
import { invoke, on } from './ipc-renderer';

/** The bridge the page sees; it reaches the page only as `window.rallypoint`. */
const rallypointBridge: RallypointBridge = {
  getState: () => invoke('launcher:get-state'),
  retry: () => invoke('join:retry'),
  cancel: () => invoke('join:cancel'),
  dismiss: () => invoke('join:dismiss'),
  switchAccount: () => invoke('join:switch-account'),
  tryDemoInvite: () => invoke('dev:try-demo-invite'),
  log: (level, message) => {
    // Fire and forget: logging must never throw into the page or leave a rejected promise.
    if (!(logLevels as readonly LogLevel[]).includes(level) || typeof message !== 'string') return;
    invoke('log:write', level, message.slice(0, maxRendererLogLength)).catch(() => undefined);
  },
  onJoinView: (callback) => on('join:view', (view) => callback(view)),
  onRecent: (callback) => on('launcher:recent', (recent) => callback(recent)),
  signIn: () => invoke('account:sign-in'),
  cancelSignIn: () => invoke('account:cancel-sign-in'),
  switchTo: (xuid) => invoke('account:switch', xuid),
  signOut: () => invoke('account:sign-out'),
  onAccountView: (callback) => on('account:view', (view) => callback(view)),
  refreshInbox: () => invoke('inbox:refresh'),
  acceptInboxItem: (handleId) => invoke('inbox:accept', handleId),
  declineInvite: (handleId) => invoke('inbox:decline', handleId),
  onInbox: (callback) => on('inbox:view', (view) => callback(view)),
  play: () => invoke('play:start'),
  onPlayView: (callback) => on('play:view', (view) => callback(view)),
  onRoster: (callback) => on('session:roster', (view) => callback(view)),
  inviteFriends: () => invoke('invite-dialog:friends'),
  sendInvites: (xuids, message) => invoke('invite-dialog:send', xuids, message),
  copyInviteLink: (handleId) => invoke('invite-dialog:copy-link', handleId),
  inviteDialogClosed: () => invoke('invite-dialog:closed'),
  onInviteDialogShow: (callback) => on('invite-dialog:show', (request) => callback(request)),
};

contextBridge.exposeInMainWorld('rallypoint', rallypointBridge);
