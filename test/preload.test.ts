import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RallypointBridge } from '../src/shared/ipc-contract';
import { idleJoinView, type JoinView } from '../src/shared/join-view';

/** A stand-in for Electron's renderer modules: records what the preload exposes and listens to. */
const fake = vi.hoisted(() => {
  type Listener = (event: unknown, ...args: unknown[]) => void;
  const listeners = new Map<string, Listener[]>();
  const exposed = new Map<string, unknown>();
  const invokes: { channel: string; args: unknown[] }[] = [];
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]) => {
      invokes.push({ channel, args });
      if (channel === 'launcher:get-state') return { fromMain: true };
      if (channel === 'log:write' && args[1] === 'fail') throw new Error('main went away');
      return undefined;
    },
    on: (channel: string, listener: Listener) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
    },
    removeListener: (channel: string, listener: Listener) => {
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      );
    },
    send: () => undefined,
  };
  const emit = (channel: string, payload: unknown) => {
    // Electron passes the event first; it carries `sender`, which is ipcRenderer itself.
    for (const l of listeners.get(channel) ?? []) l({ sender: ipcRenderer, ports: [] }, payload);
  };
  return {
    listeners,
    exposed,
    invokes,
    emit,
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
    },
  };
});

vi.mock('electron', () => ({ contextBridge: fake.contextBridge, ipcRenderer: fake.ipcRenderer }));

await import('../src/preload/preload');

const bridge = (): RallypointBridge => fake.exposed.get('rallypoint') as RallypointBridge;

describe('preload bridge', () => {
  beforeEach(() => {
    fake.invokes.length = 0;
  });

  it('exposes exactly window.rallypoint with the contract functions and nothing else', () => {
    expect([...fake.exposed.keys()]).toEqual(['rallypoint']);
    const api = bridge() as unknown as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(
      [
        'cancel',
        'dismiss',
        'getState',
        'log',
        'onJoinView',
        'onRecent',
        'retry',
        'switchAccount',
        'tryDemoInvite',
        'signIn',
        'cancelSignIn',
        'switchTo',
        'signOut',
        'onAccountView',
        'refreshInbox',
        'acceptInboxItem',
        'declineInvite',
        'onInbox',
        'play',
        'onPlayView',
        'onRoster',
        'inviteFriends',
        'sendInvites',
        'copyInviteLink',
        'inviteDialogClosed',
        'onInviteDialogShow',
      ].sort(),
    );
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.values(api)).not.toContain(fake.ipcRenderer);
  });

  it('maps each action to its invoke channel and returns main’s answer', async () => {
    await expect(bridge().getState()).resolves.toEqual({ fromMain: true });
    await bridge().retry();
    await bridge().cancel();
    await bridge().dismiss();
    await bridge().switchAccount();
    await bridge().tryDemoInvite();
    expect(fake.invokes.map((i) => i.channel)).toEqual([
      'launcher:get-state',
      'join:retry',
      'join:cancel',
      'join:dismiss',
      'join:switch-account',
      'dev:try-demo-invite',
    ]);
    expect(fake.invokes.every((i) => i.args.length === 0)).toBe(true);
  });

  it('maps the account actions to their channels, the XUID as the only argument', async () => {
    fake.invokes.length = 0;
    await bridge().signIn();
    await bridge().cancelSignIn();
    await bridge().switchTo('2535400000000202');
    await bridge().signOut();
    expect(fake.invokes).toEqual([
      { channel: 'account:sign-in', args: [] },
      { channel: 'account:cancel-sign-in', args: [] },
      { channel: 'account:switch', args: ['2535400000000202'] },
      { channel: 'account:sign-out', args: [] },
    ]);
    const seen: unknown[][] = [];
    const stop = bridge().onAccountView((...args: unknown[]) => seen.push(args));
    fake.emit('account:view', { state: 'signing-in', inviteWaiting: false });
    stop();
    fake.emit('account:view', { state: 'signed-out', inviteWaiting: false });
    expect(seen).toEqual([[{ state: 'signing-in', inviteWaiting: false }]]);
  });

  it('maps the inbox actions to their channels, the handle id as the only argument', async () => {
    fake.invokes.length = 0;
    const handleId = '4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c';
    await bridge().refreshInbox();
    await bridge().acceptInboxItem(handleId);
    await bridge().declineInvite(handleId);
    expect(fake.invokes).toEqual([
      { channel: 'inbox:refresh', args: [] },
      { channel: 'inbox:accept', args: [handleId] },
      { channel: 'inbox:decline', args: [handleId] },
    ]);
    const seen: unknown[][] = [];
    const stop = bridge().onInbox((...args: unknown[]) => seen.push(args));
    fake.emit('inbox:view', { state: 'ready', items: [] });
    stop();
    fake.emit('inbox:view', { state: 'failed', items: [] });
    expect(seen).toEqual([[{ state: 'ready', items: [] }]]);
  });

  it('maps Play to play:start and hands Play views over as the payload only', async () => {
    fake.invokes.length = 0;
    await bridge().play();
    expect(fake.invokes).toEqual([{ channel: 'play:start', args: [] }]);
    const seen: unknown[][] = [];
    const stop = bridge().onPlayView((...args: unknown[]) => seen.push(args));
    fake.emit('play:view', { phase: 'starting', pid: 7 });
    stop();
    fake.emit('play:view', { phase: 'idle' });
    expect(seen).toEqual([[{ phase: 'starting', pid: 7 }]]);
  });

  it('passes the roster pushes on, payload only, until unsubscribed', () => {
    const seen: unknown[][] = [];
    const stop = bridge().onRoster((...args: unknown[]) => seen.push(args));
    fake.emit('session:roster', { state: 'ended' });
    stop();
    fake.emit('session:roster', { state: 'none' });
    expect(seen).toEqual([[{ state: 'ended' }]]);
  });

  it('maps the invite dialog to its channels and hands on the game’s request', async () => {
    fake.invokes.length = 0;
    await bridge().inviteFriends();
    await bridge().sendInvites(['2535400000000202'], 'hi');
    await bridge().copyInviteLink('8f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
    await bridge().inviteDialogClosed();
    expect(fake.invokes).toEqual([
      { channel: 'invite-dialog:friends', args: [] },
      { channel: 'invite-dialog:send', args: [['2535400000000202'], 'hi'] },
      { channel: 'invite-dialog:copy-link', args: ['8f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'] },
      { channel: 'invite-dialog:closed', args: [] },
    ]);
    const seen: unknown[][] = [];
    const stop = bridge().onInviteDialogShow((...args: unknown[]) => seen.push(args));
    fake.emit('invite-dialog:show', { requestedBy: 'game' });
    stop();
    expect(seen).toEqual([[{ requestedBy: 'game' }]]);
  });

  it('hands push callbacks the payload only, never the IPC event', () => {
    const seen: unknown[][] = [];
    const stop = bridge().onJoinView((...args: unknown[]) => seen.push(args));
    const view: JoinView = { ...idleJoinView, phase: 'writingSession', attempt: 1 };
    fake.emit('join:view', view);
    expect(seen).toEqual([[view]]);
    stop();
  });

  it('unsubscribes only its own listener, and twice is harmless', () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = bridge().onRecent((recent) => a.push(recent));
    const stopB = bridge().onRecent((recent) => b.push(recent));
    fake.emit('launcher:recent', []);
    stopA();
    stopA();
    fake.emit('launcher:recent', []);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
    stopB();
    expect(fake.listeners.get('launcher:recent')).toEqual([]);
  });

  it('forwards logs on log:write, drops bad levels, caps length, and never throws', async () => {
    bridge().log('info', 'window shown');
    bridge().log('nonsense' as 'info', 'dropped');
    bridge().log('warn', 'x'.repeat(10_000));
    bridge().log('error', 'fail');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fake.invokes.map((i) => i.args[0])).toEqual(['info', 'warn', 'error']);
    expect((fake.invokes[1]?.args[1] as string).length).toBe(2_000);
  });

  it('ships as one CommonJS file that requires nothing but electron', async () => {
    // A sandboxed preload can require only electron and a few polyfills: everything else is bundled.
    const bundle = join(
      resolve(dirname(fileURLToPath(import.meta.url)), '..'),
      'dist/preload/preload.cjs',
    );
    // Other test files may be rebuilding dist/ right now: wait for the file to be back.
    await vi.waitFor(() => expect(existsSync(bundle)).toBe(true), { timeout: 10_000 });
    const code = readFileSync(bundle, 'utf8');
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });
});
