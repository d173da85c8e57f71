/**
 * The inbox against a real local directory over loopback: invites sent to the player and followed
 * players' activities appear (others' do not), newest first and named; accepting hands the join
 * flow the same Invite a link would, and the real join stack joins with it; declining deletes the
 * handle; refreshes are throttled; the first run offers the newest invite as the join card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invite } from '../../../src/shared/invite';
import { LauncherInbox } from '../../../src/main/inbox/launcher-inbox';
import { createLauncherJoin } from '../../../src/main/join/join-service';
import type { JoinView } from '../../../src/shared/join-view';
import { call } from '../../directory/directory-test-client';
import { launcherConfig, removeBuiltPrograms } from '../join/join-service-fixture';
import { startInboxScenario, type InboxScenario } from './inbox-scenario';

let scenario: InboxScenario;

beforeAll(async () => {
  scenario = await startInboxScenario();
});
afterAll(async () => {
  await scenario?.close();
  removeBuiltPrograms();
});

function inbox(options: { firstRun?: boolean; submitted?: Invite[]; minIntervalMs?: number } = {}) {
  const player = scenario.inboxPlayer();
  return new LauncherInbox({
    player: () => player,
    submit: (invite) => options.submitted?.push(invite),
    firstRun: options.firstRun ?? false,
    ...(options.minIntervalMs === undefined ? {} : { minIntervalMs: options.minIntervalMs }),
  });
}

describe('the inbox', () => {
  it('lists invites sent to the player and followed players’ activities, newest first, named', async () => {
    const older = await scenario.invite('Capture the flag');
    const newer = await scenario.invite('Ranked \u202Eevil\u200B duel');
    const box = inbox();
    expect(await box.refresh('test')).toBe('queried');
    const view = box.view();
    expect(view.state).toBe('ready');
    const ids = view.items.map((item) => item.handleId);
    expect(ids).toContain(older.handleId);
    expect(ids).toContain(newer.handleId);
    expect(ids).toContain(scenario.friendActivity);
    expect(ids).not.toContain(scenario.strangerActivity);
    expect(ids.indexOf(newer.handleId)).toBeLessThan(ids.indexOf(older.handleId));
    const postedAt = view.items.map((item) => item.postedAt);
    expect(postedAt).toEqual([...postedAt].sort((a, b) => b - a));

    const invite = view.items.find((item) => item.handleId === newer.handleId);
    expect(invite).toMatchObject({
      kind: 'invite',
      from: 'TestHost',
      fromXuid: '2533274811111111',
      context: 'Ranked evil duel',
      membersCount: 1,
      maxMembersCount: 16,
    });
    const activity = view.items.find((item) => item.handleId === scenario.friendActivity);
    expect(activity).toMatchObject({
      kind: 'join',
      from: 'FollowedFriend',
      fromXuid: scenario.friend.xuid,
      membersCount: 1,
      maxMembersCount: 8,
    });
    expect(activity?.pictureUrl ?? '').toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('accepting hands the join flow the invite a link would carry, and the real join stack joins', async () => {
    const { session, handleId } = await scenario.invite('Accept me');
    const submitted: Invite[] = [];
    const box = inbox({ submitted });
    await box.refresh('test');
    expect(box.accept(handleId)).toEqual({ ok: true, value: undefined });
    expect(submitted).toEqual([
      {
        kind: 'invite',
        handleId,
        localXuid: scenario.me.xuid,
        remoteXuid: '2533274811111111',
        context: 'Accept me',
      },
    ]);
    expect(box.view().items.map((item) => item.handleId)).not.toContain(handleId);
    expect(box.accept(handleId)).toEqual({ ok: false, error: { code: 'unknown-item' } });

    const join = createLauncherJoin(launcherConfig(scenario.url, scenario.me), {
      tokens: scenario.tokens,
      presence: false,
    });
    try {
      const joined = new Promise<JoinView>((resolve) =>
        join.service.subscribe((view) => {
          if (view.phase === 'joined' || view.phase === 'failed') resolve(view);
        }),
      );
      join.service.submit(submitted[0]!);
      expect((await joined).phase).toBe('joined');
      expect(await session.memberXuids()).toContain(scenario.me.xuid);
    } finally {
      await join.close();
    }
  });

  it('declining deletes the invite handle; it is gone from the list and from the directory', async () => {
    const { handleId } = await scenario.invite('Decline me');
    const box = inbox();
    await box.refresh('test');
    expect(box.view().items.map((item) => item.handleId)).toContain(handleId);
    expect(await box.decline(handleId)).toEqual({ ok: true, value: undefined });
    expect(box.view().items.map((item) => item.handleId)).not.toContain(handleId);
    const fresh = inbox();
    await fresh.refresh('test');
    expect(fresh.view().items.map((item) => item.handleId)).not.toContain(handleId);
    const gone = await call(scenario.url, 'GET', `/handles/${handleId}`, { as: scenario.friend });
    expect(gone.status).toBe(404);
    expect(await box.decline(scenario.friendActivity)).toEqual({
      ok: false,
      error: { code: 'unknown-item' },
    });
  });

  it('refreshes at most once per interval unless forced; a running read is joined', async () => {
    const box = inbox({ minIntervalMs: 60_000 });
    const first = box.refresh('window focus');
    expect(await box.refresh('window focus')).toBe('coalesced');
    expect(await first).toBe('queried');
    expect(await box.refresh('timer')).toBe('throttled');
    const { handleId } = await scenario.invite('After sign-in');
    expect(await box.refresh('sign-in', true)).toBe('queried');
    expect(box.view().items.map((item) => item.handleId)).toContain(handleId);
  });

  it('signed out: no query, the view says so', async () => {
    const box = new LauncherInbox({
      player: () => undefined,
      submit: () => undefined,
      firstRun: true,
    });
    expect(await box.refresh('test')).toBe('signed-out');
    expect(box.view()).toEqual({ state: 'signed-out', items: [] });
    expect(box.accept('4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c')).toEqual({
      ok: false,
      error: { code: 'not-signed-in' },
    });
  });

  it('the first run offers the newest pending invite as the join card, once; other runs do not', async () => {
    const { handleId } = await scenario.invite('Newest');
    const submitted: Invite[] = [];
    const first = inbox({ firstRun: true, submitted });
    await first.refresh('sign-in', true);
    expect(first.view().firstRunOffer?.handleId).toBe(handleId);
    const later = inbox({ firstRun: false });
    await later.refresh('sign-in', true);
    expect(later.view().firstRunOffer).toBeUndefined();
    expect(first.accept(handleId).ok).toBe(true);
    expect(first.view().firstRunOffer).toBeUndefined();
    expect(submitted.map((invite) => invite.handleId)).toEqual([handleId]);
    await first.refresh('focus', true);
    expect(first.view().firstRunOffer).toBeUndefined();
  });
});
