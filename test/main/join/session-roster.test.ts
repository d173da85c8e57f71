/**
 * The live roster (session-roster.ts) against the real local directory on loopback: a launcher
 * joins through an invite and follows its session on its presence connection; a second launcher
 * joins the same session and later leaves. The first launcher's roster gains and loses that
 * player, each time at the directory's own change number, with the host flagged, seats counted and
 * pictures from the profile service. Waits on the views, never on time.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../src/directory/directory-options';
import { createLauncherJoin, type LauncherJoin } from '../../../src/main/join/join-service';
import { createSessionRoster } from '../../../src/main/join/session-roster';
import type { PresenceConnection } from '../../../src/main/join/presence-connection';
import type { JoinView } from '../../../src/shared/join-view';
import type { RosterView } from '../../../src/shared/roster-view';
import { call } from '../../directory/directory-test-client';
import {
  authorization,
  createSession,
  host,
  launcherConfig,
  player,
  removeBuiltPrograms,
  testDirectory,
} from './join-service-fixture';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(removeBuiltPrograms);

type Live = RosterView & { state: 'live' };

/** Every roster view a launcher published, and a wait for the first one that passes `test`. */
function rosterFeed() {
  const views: RosterView[] = [];
  const waiters = new Set<{ test: (view: Live) => boolean; resolve: (view: Live) => void }>();
  return {
    views,
    publish(view: RosterView) {
      views.push(view);
      if (view.state !== 'live') return;
      for (const waiter of waiters) {
        if (waiter.test(view)) {
          waiters.delete(waiter);
          waiter.resolve(view);
        }
      }
    },
    until(test: (view: Live) => boolean): Promise<Live> {
      const seen = views.find((view): view is Live => view.state === 'live' && test(view));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ test, resolve }));
    },
  };
}

function waitForPhase(service: LauncherJoin['service'], phase: JoinView['phase']): Promise<void> {
  return new Promise((resolve) => {
    if (service.view().phase === phase) return resolve();
    const stop = service.subscribe((view) => {
      if (view.phase === phase) {
        stop();
        resolve();
      }
    });
  });
}

/** The host publishes a device address and names its own device token as the session's host. */
async function claimHost(url: string, path: string): Promise<void> {
  const auth = await authorization(url, host);
  const headers = { authorization: auth };
  const uploaded = await call(url, 'PUT', path, {
    headers,
    body: { members: { me: { properties: { system: { secureDeviceAddress: 'AAECAwQF' } } } } },
  });
  expect(uploaded.status, uploaded.text).toBe(200);
  const members = uploaded.json<{
    members: Record<string, { constants: { system: { xuid: string } }; deviceToken?: string }>;
  }>().members;
  const token = Object.values(members).find(
    (m) => m.constants.system.xuid === host.xuid,
  )?.deviceToken;
  expect(token).toBeTruthy();
  const claimed = await call(url, 'PUT', path, {
    headers,
    body: { properties: { system: { host: token } } },
  });
  expect(claimed.status, claimed.text).toBe(200);
}

describe('the live roster of the joined session', () => {
  it('gains a player who joins and loses them when they leave, at the directory change numbers', async () => {
    const requests: RequestLogEntry[] = [];
    const dir = await testDirectory({ onRequest: (entry) => requests.push(entry) });
    cleanups.push(() => dir.close());
    const session = await createSession(dir.url, { maxMembersCount: 4 });
    await claimHost(dir.url, session.path);
    const me = player(51);
    const friend = player(52);

    const roster = rosterFeed();
    const mine = createLauncherJoin(launcherConfig(dir.url, me), { onRoster: roster.publish });
    cleanups.push(() => mine.close());
    mine.service.submit(await session.invite(me));
    await waitForPhase(mine.service, 'joined');

    const two = await roster.until((view) => view.members.length === 2);
    expect(two.seatsUsed).toBe(2);
    expect(two.seatsMax).toBe(4);
    expect(two.changeNumber).toBe((await session.read()).changeNumber);
    expect(two.members.map((m) => [m.gamertag, m.isHost, m.isYou])).toEqual([
      [host.gamertag, true, false],
      [me.gamertag, false, true],
    ]);
    // Pictures come through the profile lookup, from the directory's own origin.
    const pictured = await roster.until((view) => view.members.every((m) => m.pictureUrl));
    expect(pictured.members[0]?.pictureUrl?.startsWith(dir.url)).toBe(true);

    const theirs = createLauncherJoin(launcherConfig(dir.url, friend));
    cleanups.push(() => theirs.close());
    theirs.service.submit(await session.invite(friend));
    const three = await roster.until((view) =>
      view.members.some((m) => m.gamertag === friend.gamertag),
    );
    expect(three.seatsUsed).toBe(3);
    expect(three.members.find((m) => m.gamertag === friend.gamertag)).toMatchObject({
      isHost: false,
      isYou: false,
      status: 'active',
    });

    // Leaving: the other launcher closes and takes its member out of the session.
    await theirs.close();
    const after = await roster.until(
      (view) =>
        view.changeNumber > three.changeNumber &&
        !view.members.some((m) => m.gamertag === friend.gamertag),
    );
    expect(after.seatsUsed).toBe(2);
    expect(after.changeNumber).toBe((await session.read()).changeNumber);
    // Change numbers only ever grow in what the window was shown.
    const shown = roster.views.flatMap((view) =>
      view.state === 'live' ? [view.changeNumber] : [],
    );
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // The roster's reads are GETs of the session, one per change at most, not a poll.
    const reads = requests.filter((entry) => entry.method === 'GET' && entry.path === session.path);
    expect(reads.length).toBeGreaterThan(0);

    // The game ends with the launcher: the roster is cleared.
    await mine.close();
    expect(roster.views.at(-1)).toEqual({ state: 'none' });
  });

  it('coalesces a burst of taps into few reads and shows only the newest change', async () => {
    const dir = await testDirectory();
    cleanups.push(() => dir.close());
    const session = await createSession(dir.url);
    const views: RosterView[] = [];
    let tap: (changeNumber: number) => void = () => undefined;
    let gets = 0;
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const hostAuth = await authorization(dir.url, host);
    const connection: PresenceConnection = {
      connectionId: 'test',
      isOpen: () => true,
      close: () => undefined,
      followSession: async (_path, onChange) => {
        tap = onChange;
        return { ok: true, value: { changeNumber: 1, stop: () => undefined } };
      },
    };
    const roster = createSessionRoster({
      selfXuid: host.xuid,
      publish: (view) => views.push(view),
      calls: {
        // Real reads of the real session; the first is held until the burst has been tapped.
        call: async (method, path) => {
          gets += 1;
          if (gets === 1) await firstHeld;
          const answer = await call(dir.url, method, path, {
            headers: { authorization: hostAuth },
          });
          return { ok: true, value: { status: answer.status, text: answer.text } };
        },
      },
    });
    cleanups.push(async () => roster.close());
    roster.joined(session.path, connection);
    // Five writes while the first read is held, each tapped.
    for (let n = 0; n < 5; n += 1) {
      const written = await call(dir.url, 'PUT', session.path, {
        headers: { authorization: hostAuth },
        body: { properties: { custom: { round: n } } },
      });
      tap(written.json<{ changeNumber: number }>().changeNumber);
    }
    const newest = (await session.read()).changeNumber;
    releaseFirst();
    await expect
      .poll(() => views.at(-1), { timeout: 10_000 })
      .toMatchObject({ state: 'live', changeNumber: newest });
    // The held read plus one for the whole burst.
    expect(gets).toBe(2);
  });
});
