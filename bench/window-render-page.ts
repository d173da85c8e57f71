/**
 * Runs inside Chromium for window-render-bench.ts: drives the real LauncherWindow with a stream
 * of join views and times it against the floor of any DOM update (one text change plus layout).
 */
import { createTranslator } from '../src/renderer/i18n/translator';
import { LauncherWindow } from '../src/renderer/launcher-window';
import type { RallypointBridge } from '../src/shared/ipc-contract';
import type { JoinView } from '../src/shared/join-view';

const invite = {
  kind: 'invite',
  handleId: 'd7853aa1-6500-4fa8-a744-e093e77a4ba8',
  from: 'NovaRunner',
} as const;
const session = { membersCount: 3, maxMembersCount: 8, hostGamertag: 'NovaRunner' };
const cycle: JoinView[] = [
  { phase: 'activating', attempt: 0, canRetry: false, invite },
  { phase: 'writingSession', attempt: 1, canRetry: false, invite, session },
  {
    phase: 'retrying',
    attempt: 1,
    canRetry: true,
    invite,
    session,
    nextRetryAt: Date.now() + 60_000,
  },
  { phase: 'writingSession', attempt: 2, canRetry: false, invite, session },
  { phase: 'joining', attempt: 2, canRetry: false, invite, session },
  { phase: 'joined', attempt: 2, canRetry: false, invite, session },
  {
    phase: 'failed',
    attempt: 2,
    canRetry: true,
    invite,
    session,
    error: { code: 'directory-unavailable', message: '' },
  },
  { phase: 'idle', attempt: 0, canRetry: false },
];

const noop = async (): Promise<void> => undefined;
const bridge: RallypointBridge = {
  getState: async () => ({ view: cycle[0]!, recent: [], locale: 'en', devMode: true }),
  retry: noop,
  cancel: noop,
  dismiss: noop,
  switchAccount: noop,
  tryDemoInvite: noop,
  log: () => undefined,
  onJoinView: () => () => undefined,
  onRecent: () => () => undefined,
  signIn: noop,
  cancelSignIn: noop,
  switchTo: noop,
  signOut: noop,
  onAccountView: () => () => undefined,
  refreshInbox: noop,
  acceptInboxItem: noop,
  declineInvite: noop,
  onInbox: () => () => undefined,
  play: noop,
  onPlayView: () => () => undefined,
  onRoster: () => () => undefined,
  inviteFriends: async () => ({ ok: true, friends: [] }),
  sendInvites: async () => ({ ok: true, outcomes: [] }),
  copyInviteLink: noop,
  inviteDialogClosed: noop,
  onInviteDialogShow: () => () => undefined,
};

const root = document.getElementById('app') as HTMLElement;
const launcher = new LauncherWindow(root, bridge, createTranslator('en'), {
  view: cycle[0]!,
  recent: Array.from({ length: 8 }, (_, i) => ({
    handleId: `h${i}`,
    kind: 'invite' as const,
    from: `Friend${i}`,
    outcome: 'joined' as const,
    at: Date.now() - i * 60_000,
  })),
  locale: 'en',
  devMode: true,
});

/** Milliseconds for `n` view pushes, each followed by a forced layout. */
function windowUpdates(n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    launcher.setView(cycle[i % cycle.length]!);
    void document.body.offsetHeight;
  }
  return performance.now() - start;
}

/** The floor: the cheapest visible update, one text change, then the same forced layout. */
const floorTarget = document.createElement('p');
document.body.append(floorTarget);
function floorUpdates(n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    floorTarget.textContent = `update ${i}`;
    void document.body.offsetHeight;
  }
  return performance.now() - start;
}

Object.assign(window, {
  bench: {
    windowUpdates,
    floorUpdates,
    nodeCount: () => document.getElementsByTagName('*').length,
  },
});
