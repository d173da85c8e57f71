/**
 * A game hand-off that is built the first time a join reaches it. Starting a game needs Node's
 * child_process, readline and crypto, and the presence connection needs ws; none of that is used
 * before the session write, so `rallypoint activate` would pay for it before its first PUT for
 * nothing (docs/benchmarks.md, "Cold start"). Until then no game can be running, so there is
 * nothing to close and no exit to report.
 */
import type { GameHandOff } from './game-hand-off';

/** A GameHandOff over `load`, which runs once, when the first join is handed to the game. */
export function deferredGameHandOff(load: () => Promise<GameHandOff>): GameHandOff {
  let loading: Promise<GameHandOff> | undefined;
  let loaded: GameHandOff | undefined;
  const exitListeners = new Set<(description: string) => void>();
  const forwardExit = (description: string) => {
    for (const listener of [...exitListeners]) listener(description);
  };
  const ensure = (): Promise<GameHandOff> => {
    loading ??= load().then((game) => {
      loaded = game;
      game.onExit?.(forwardExit);
      return game;
    });
    return loading;
  };
  return {
    async join(request, options) {
      return (await ensure()).join(request, options);
    },
    isRunning: () => loaded?.isRunning() ?? false,
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    async close() {
      // A load still under way is waited for, so a game it is about to start cannot outlive us.
      // A load that failed left nothing to close.
      const game = await loading?.catch(() => undefined);
      await game?.close();
    },
  };
}
