/**
 * Resilience under a misbehaving directory: 200 players accept invites while 30% of the
 * directory's answers are faults (503, 429, connection resets before and after the write was
 * applied). Every player must end joined, each exactly once in their session, and after the
 * launchers shut down no one may be left behind. Backoff is shortened through configuration so the
 * run takes seconds, not minutes; the game is one real demo game process that all launchers hand
 * their joins to over stdin.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGameHandOff } from '../../../src/main/join/game-hand-off';
import { createLauncherJoin, type LauncherJoin } from '../../../src/main/join/join-service';
import type { JoinView } from '../../../src/shared/join-view';
import {
  builtPrograms,
  createSession,
  host,
  launcherConfig,
  player,
  removeBuiltPrograms,
  testDirectory,
  type TestSession,
} from './join-service-fixture';

afterAll(removeBuiltPrograms);

const players = 200;
const sessions = 4;
const concurrency = 20;

describe('fault injection', () => {
  it('200 activations with 30% faulted answers: all joined, each exactly once, no ghosts', async () => {
    const directory = await testDirectory({
      rateLimits: false,
      faults: {
        seed: 42,
        fraction503: 0.1,
        fraction429: 0.05,
        fractionResetBeforeApply: 0.075,
        fractionResetAfterApply: 0.075,
        retryAfterSeconds: 0,
      },
    });
    const game = createGameHandOff({
      executable: process.execPath,
      args: [builtPrograms().demoGame, '--join', '{sessionRef}', '--connect', '{connection}'],
      ackTimeoutMs: 10_000,
      quitGraceMs: 1_000,
    });
    const launchers: LauncherJoin[] = [];
    try {
      const rooms: TestSession[] = [];
      for (let index = 0; index < sessions; index += 1) {
        rooms.push(await createSession(directory.url, { maxMembersCount: 100 }));
      }
      const outcomes: JoinView[] = new Array<JoinView>(players);
      let next = 0;
      const worker = async () => {
        while (next < players) {
          const n = next;
          next += 1;
          const me = player(1000 + n);
          const room = rooms[n % sessions];
          if (!room) throw new Error('no session');
          const invite = await room.invite(me);
          const launcher = createLauncherJoin(
            launcherConfig(directory.url, me, {
              attemptTimeoutMs: 3_000,
              retry: { baseDelayMs: 20, maxDelayMs: 200, minDelayMs: 10 },
            }),
            { game },
          );
          launchers.push(launcher);
          launcher.service.submit(invite);
          outcomes[n] = await launcher.service.settled();
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));

      const failures = outcomes.filter((view) => view.phase !== 'joined');
      expect(failures).toEqual([]);
      expect(outcomes.filter((view) => view.phase === 'joined')).toHaveLength(players);

      for (const [index, room] of rooms.entries()) {
        const members = await room.memberXuids();
        const expected = Array.from({ length: players }, (_, n) => n)
          .filter((n) => n % sessions === index)
          .map((n) => player(1000 + n).xuid);
        // Exactly once each: sorting keeps duplicates visible.
        expect(members.filter((xuid) => xuid !== host.xuid).sort()).toEqual(expected.sort());
        expect(new Set(members).size).toBe(members.length);
      }

      // The faults really happened, every kind of them, at about the configured rate.
      const log = directory.faultLog;
      for (const kind of ['503', '429', 'reset-before-apply', 'reset-after-apply'] as const) {
        expect(log.count(kind)).toBeGreaterThan(5);
      }
      const retried = outcomes.filter((view) => view.attempt > 1).length;
      expect(retried).toBeGreaterThan(players * 0.15);

      // Shutting the launchers down leaves every session: no ghost member remains.
      await Promise.all(launchers.map((launcher) => launcher.close()));
      for (const room of rooms) {
        expect(await room.memberXuids()).toEqual([host.xuid]);
      }
    } finally {
      await Promise.all(launchers.map((launcher) => launcher.close()));
      await game.close();
      await directory.close();
    }
  }, 120_000);
});
