/**
 * The join machine's real actors (join-actors.ts) run on their own, outside the machine: what each
 * asks of its dependency, and the typed answer it gives back, including the two "cannot happen"
 * inputs the machine never sends (a write without a seat, a hand-off without a membership).
 */
import { createActor, toPromise, type AnyActorLogic } from 'xstate';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../src/main/account/secret';
import { provideJoinActors, type JoinActorDeps } from '../../../src/main/join/join-actors';
import type { JoinClock } from '../../../src/main/join/leave-session';
import type { TokenProvider } from '../../../src/main/join/token-provider';
import { ok } from '../../../src/shared/result';
import {
  FakeDirectory,
  FakeGame,
  FakeTokens,
  invite,
  playerXuid,
  sessionWithPlayer,
} from './join-machine-fakes';

const clock: JoinClock = {
  now: () => 1_000_000,
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};

function actors(overrides: Partial<JoinActorDeps> = {}) {
  const deps: JoinActorDeps = {
    client: new FakeDirectory(),
    tokens: new FakeTokens(),
    game: new FakeGame(),
    retryPolicy: () => 500,
    clock,
    ...overrides,
  };
  const machine = provideJoinActors(deps);
  const logic = machine.implementations.actors as Record<string, AnyActorLogic>;
  const run = (name: string, input: unknown) => {
    const actor = createActor(logic[name] as AnyActorLogic, { input });
    const done = toPromise(actor);
    actor.start();
    return done;
  };
  return { run };
}

describe('join actors', () => {
  it('sign-in asks for a cached token (no forced refresh) and starts the budget on the clock', async () => {
    const asked: boolean[] = [];
    const fake = new FakeTokens();
    const tokens: TokenProvider = {
      getToken: (options) => {
        asked.push(options.forceRefresh);
        return fake.getToken(options);
      },
    };
    const { run } = actors({ tokens });

    const outcome = await run('identify', { attempt: 1, budgetMs: 20_000, deadlineAt: undefined });

    expect(asked).toEqual([false]);
    expect(outcome).toEqual({
      result: ok({ xuid: playerXuid, userHash: 'uhs', token: new Secret('secret-token-value') }),
      deadlineAt: 1_020_000,
    });
  });

  it('a write without a signed-in seat is refused as a bug, before any request', async () => {
    const client = new FakeDirectory();
    const { run } = actors({ client });

    await expect(
      run('writeSession', {
        seat: undefined,
        checkMembershipFirst: false,
        attempt: 1,
        budgetMs: 20_000,
        deadlineAt: undefined,
      }),
    ).rejects.toThrow('no signed-in player to write');
    expect(client.joins).toEqual([]);
  });

  it('a hand-off without a membership is refused as a bug, and the game is not asked', async () => {
    const game = new FakeGame();
    const { run } = actors({ game });

    await expect(run('handOff', { membership: undefined })).rejects.toThrow(
      'no session to hand to the game',
    );
    expect(game.joins).toEqual([]);
  });

  it('a write passes the seat, the extra member fields and the membership check', async () => {
    const client = new FakeDirectory();
    const { run } = actors({ client, member: { secureDeviceAddress: 'QUJD' } });

    const outcome = (await run('writeSession', {
      seat: { invite: invite(), xuid: playerXuid },
      checkMembershipFirst: true,
      attempt: 2,
      budgetMs: 20_000,
      deadlineAt: 1_005_000,
    })) as { deadlineAt: number };

    expect(client.joins[0]).toMatchObject({
      handleId: invite().handleId,
      member: { secureDeviceAddress: 'QUJD', xuid: playerXuid },
      checkMembershipFirst: true,
    });
    expect(outcome.deadlineAt).toBe(1_005_000);
  });

  it('the hand-off gives the game the membership and the signal that can call it off', async () => {
    const game = new FakeGame();
    const { run } = actors({ game });
    const membership = {
      seat: { invite: invite(), xuid: playerXuid },
      contentLocation: '/serviceconfigs/s/sessionTemplates/t/sessions/a',
      session: sessionWithPlayer(),
    };

    await run('handOff', { membership });

    expect(game.joins[0]?.request).toEqual({
      invite: invite(),
      xuid: playerXuid,
      sessionRef: membership.contentLocation,
      session: membership.session,
    });
    expect(game.joins[0]?.signal).toBeInstanceOf(AbortSignal);
  });
});
