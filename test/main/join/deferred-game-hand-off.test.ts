/**
 * The deferred hand-off over the real one and the real demo game: nothing is built before the
 * first join, the build happens once, and exit listeners registered before it hear the game's exit.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deferredGameHandOff } from '../../../src/main/join/deferred-game-hand-off';
import { createGameHandOff, type GameHandOff } from '../../../src/main/join/game-hand-off';
import { invite, playerXuid, sessionWithPlayer } from './join-machine-fakes';
import { builtPrograms, removeBuiltPrograms } from './join-service-fixture';

afterAll(removeBuiltPrograms);

const handOffs: GameHandOff[] = [];
afterEach(async () => {
  await Promise.all(handOffs.splice(0).map((handOff) => handOff.close()));
});

/** A deferred hand-off to the demo game that counts how often it was built. */
function deferredDemoGame(): { readonly game: GameHandOff; readonly loads: () => number } {
  let loads = 0;
  const game = deferredGameHandOff(async () => {
    loads += 1;
    return createGameHandOff({
      executable: process.execPath,
      args: [builtPrograms().demoGame, '--join', '{sessionRef}', '--connect', '{connection}'],
      ackTimeoutMs: 10_000,
      quitGraceMs: 500,
    });
  });
  handOffs.push(game);
  return { game, loads: () => loads };
}

const request = (name: string) => ({
  invite: invite(),
  xuid: playerXuid,
  sessionRef: `/serviceconfigs/s/sessionTemplates/t/sessions/${name}`,
  session: sessionWithPlayer(),
});

describe('deferred game hand-off', () => {
  it('builds nothing until the first join, and nothing to close before it', async () => {
    const { game, loads } = deferredDemoGame();
    const unsubscribe = game.onExit?.(() => undefined);
    expect(game.isRunning()).toBe(false);
    await game.close();
    unsubscribe?.();
    expect(loads()).toBe(0);
  });

  it('builds the hand-off once, on the first join, and forwards the game exit', async () => {
    const { game, loads } = deferredDemoGame();
    const exits: string[] = [];
    game.onExit?.((description) => exits.push(description));

    const first = await game.join(request('one'), { signal: new AbortController().signal });
    expect(first).toMatchObject({ ok: true, value: { handedToRunningGame: false } });
    expect(game.isRunning()).toBe(true);
    const second = await game.join(request('two'), { signal: new AbortController().signal });
    expect(second).toMatchObject({ ok: true, value: { handedToRunningGame: true } });
    expect(loads()).toBe(1);

    const pid = first.ok ? first.value.pid : undefined;
    expect(pid).toBeTypeOf('number');
    process.kill(pid ?? 0, 'SIGKILL');
    await expect.poll(() => exits.length, { timeout: 10_000 }).toBe(1);
    expect(game.isRunning()).toBe(false);
  });
});
