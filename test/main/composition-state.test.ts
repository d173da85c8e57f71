/**
 * The composition root's own state, each piece on its own: recent invites (and their file), the
 * window's view with refused links and the switchable join facade (the settings resolution has its
 * own tests in launcher-settings.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Invite } from '../../src/shared/invite';
import type { RecentInvite } from '../../src/shared/ipc-contract';
import { idleJoinView, type JoinView } from '../../src/shared/join-view';
import { ActiveJoin, type JoinServicePort, type JoinStack } from '../../src/main/active-join';
import { LauncherView } from '../../src/main/launcher-view';
import { RecentInvites } from '../../src/main/recent-invites';
import { RecentInvitesFile } from '../../src/main/recent-invites-file';

const handleA = '0f3c12ab-9d4e-4b7a-8c11-5e2f90a1b2c3';
const handleB = '1a2b3c4d-0000-4000-8000-000000000001';

const invite = (handleId: string, localXuid = '2533274800000002'): Invite => ({
  kind: 'invite',
  handleId,
  localXuid,
  remoteXuid: '2533274800000001',
});

const viewOf = (phase: JoinView['phase'], handleId: string, code?: string): JoinView => ({
  phase,
  attempt: 1,
  canRetry: false,
  invite: { kind: 'invite', handleId, from: 'RallyHost' },
  ...(code ? { error: { code: code as never, message: 'x' } } : {}),
});

/** A join service stand-in that publishes whatever the test says; records calls. */
class ScriptedService implements JoinServicePort {
  readonly calls: string[] = [];
  readonly #listeners = new Set<(view: JoinView) => void>();
  current: JoinView = idleJoinView;
  inFlight: string | undefined;
  submit(next: Invite) {
    this.calls.push(`submit ${next.handleId}`);
    this.inFlight = next.handleId;
  }
  cancel() {
    this.calls.push('cancel');
  }
  retry() {
    this.calls.push('retry');
  }
  dismiss() {
    this.calls.push('dismiss');
  }
  view() {
    return this.current;
  }
  inFlightHandleId() {
    return this.inFlight;
  }
  subscribe(listener: (view: JoinView) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  publish(view: JoinView) {
    this.current = view;
    for (const listener of this.#listeners) listener(view);
  }
  get listenerCount() {
    return this.#listeners.size;
  }
}

const stackOf = (service: ScriptedService, closed: string[], name: string): JoinStack => ({
  service,
  close: async () => {
    closed.push(name);
  },
});

describe('RecentInvites', () => {
  it('records one entry per outcome, newest first, capped at ten', () => {
    let now = 1_000;
    const recent = new RecentInvites({ now: () => now });
    expect(recent.observe(viewOf('writingSession', handleA))).toBe(false);
    expect(recent.observe(viewOf('joined', handleA))).toBe(true);
    expect(recent.observe(viewOf('joined', handleA))).toBe(false);
    now = 2_000;
    expect(recent.observe(viewOf('failed', handleB, 'session-full'))).toBe(true);
    expect(recent.list().map((entry) => [entry.handleId, entry.outcome, entry.at])).toEqual([
      [handleB, 'session-full', 2_000],
      [handleA, 'joined', 1_000],
    ]);
    for (let i = 0; i < 12; i += 1) {
      recent.observe(
        viewOf(
          'failed',
          `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
          'conflict',
        ),
      );
    }
    expect(recent.list()).toHaveLength(10);
  });

  it('replaces an older outcome of the same invite (a retry that worked)', () => {
    const recent = new RecentInvites();
    recent.observe(viewOf('failed', handleA, 'directory-unavailable'));
    recent.observe(viewOf('retrying', handleA));
    recent.observe(viewOf('joined', handleA));
    expect(recent.list().map((entry) => entry.outcome)).toEqual(['joined']);
  });

  it('records an unnamed sender without a name, and names the entry when the name arrives later', () => {
    const recent = new RecentInvites();
    const unnamed: JoinView = {
      phase: 'failed',
      attempt: 1,
      canRetry: false,
      invite: { kind: 'invite', handleId: handleA },
      error: { code: 'invite-expired', message: 'x' },
    };
    expect(recent.observe(unnamed)).toBe(true);
    expect(recent.list()[0]?.from).toBeUndefined();
    expect(
      recent.observe({
        ...unnamed,
        invite: { kind: 'invite', handleId: handleA, from: 'RallyHost' },
      }),
    ).toBe(true);
    expect(recent.list().map((item) => item.from)).toEqual(['RallyHost']);
  });

  it('records the same outcome again after the player went back to idle', () => {
    const recent = new RecentInvites();
    recent.observe(viewOf('failed', handleA, 'cancelled'));
    recent.observe(idleJoinView);
    expect(recent.observe(viewOf('failed', handleA, 'cancelled'))).toBe(true);
  });
});

describe('RecentInvitesFile', () => {
  const entry: RecentInvite = {
    handleId: handleA,
    kind: 'invite',
    from: 'RallyHost',
    outcome: 'joined',
    at: 5,
  };

  it('round-trips the list through an atomically written file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rallypoint-recent-')), 'nested', 'recent.json');
    const file = new RecentInvitesFile(path);
    expect(await file.load()).toEqual({ status: 'missing' });
    await Promise.all([file.save([]), file.save([entry])]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, recent: [entry] });
    expect(await file.load()).toEqual({ status: 'loaded', recent: [entry], dropped: 0 });
  });

  it('loads an entry without a sender, and forgets a XUID an older file kept as the sender', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rallypoint-recent-')), 'recent.json');
    const { from: _from, ...nameless } = entry;
    writeFileSync(
      path,
      JSON.stringify({ version: 1, recent: [nameless, { ...entry, from: '2533274811111111' }] }),
    );
    expect(await new RecentInvitesFile(path).load()).toEqual({
      status: 'loaded',
      recent: [nameless, nameless],
      dropped: 0,
    });
  });

  it('drops tampered entries and survives garbage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rallypoint-recent-'));
    const path = join(dir, 'recent.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        recent: [entry, { ...entry, handleId: '<script>' }, { ...entry, outcome: 'pwned' }, 42],
      }),
    );
    expect(await new RecentInvitesFile(path).load()).toEqual({
      status: 'loaded',
      recent: [entry],
      dropped: 3,
    });
    writeFileSync(path, '{not json');
    expect(await new RecentInvitesFile(path).load()).toMatchObject({ status: 'unreadable' });
    writeFileSync(path, JSON.stringify({ version: 2, recent: [] }));
    expect(await new RecentInvitesFile(path).load()).toMatchObject({ status: 'unreadable' });
  });
});

describe('LauncherView', () => {
  it('shows a refused link as invalid-link until dismissed, without bothering the join flow', () => {
    const service = new ScriptedService();
    const view = new LauncherView(service);
    const seen: JoinView[] = [];
    view.subscribe((current) => seen.push(current));
    view.showRejectedLink({ code: 'invalid-handle', message: 'handle is not a GUID' });
    expect(view.current()).toMatchObject({
      phase: 'failed',
      canRetry: false,
      error: { code: 'invalid-link' },
    });
    view.dismiss();
    expect(view.current()).toEqual(idleJoinView);
    expect(service.calls).toEqual([]);
    view.dismiss();
    expect(service.calls).toEqual(['dismiss']);
    expect(seen.map((current) => current.phase)).toEqual(['failed', 'idle']);
  });

  it('lets the join flow take over from a refused-link view', () => {
    const service = new ScriptedService();
    const view = new LauncherView(service);
    view.showRejectedLink({ code: 'not-a-link', message: 'x' });
    service.publish(viewOf('writingSession', handleA));
    expect(view.current().phase).toBe('writingSession');
  });

  it('keeps notifying other observers when one throws', () => {
    const service = new ScriptedService();
    const errors: unknown[] = [];
    const view = new LauncherView(service, (error) => errors.push(error));
    const seen: string[] = [];
    view.subscribe(() => {
      throw new Error('window gone');
    });
    view.subscribe((current) => seen.push(current.phase));
    service.publish(viewOf('joined', handleA));
    expect(seen).toEqual(['joined']);
    expect(errors).toHaveLength(1);
  });
});

describe('ActiveJoin', () => {
  it('forwards to the current stack and moves observers to a replacement', async () => {
    const first = new ScriptedService();
    const second = new ScriptedService();
    const closed: string[] = [];
    const join = new ActiveJoin(stackOf(first, closed, 'first'));
    const seen: string[] = [];
    join.subscribe((view) => seen.push(`${view.phase}`));
    join.submit(invite(handleA, '111'));
    expect(join.inFlightHandleId()).toBe(handleA);
    expect(join.lastInvite()?.localXuid).toBe('111');
    first.publish(viewOf('failed', handleA, 'wrong-account'));

    second.current = idleJoinView;
    await join.replace(stackOf(second, closed, 'second'));
    expect(closed).toEqual(['first']);
    expect(first.listenerCount).toBe(0);
    first.publish(viewOf('joined', handleA));
    second.publish(viewOf('joined', handleB));
    expect(seen).toEqual(['failed', 'idle', 'joined']);
    join.retry();
    expect(second.calls).toEqual(['retry']);

    await join.close();
    await join.close();
    expect(closed).toEqual(['first', 'second']);
    expect(join.view()).toEqual(idleJoinView);
    expect(() => join.submit(invite(handleA))).toThrow(/not running/);
  });
});
