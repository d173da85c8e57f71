/**
 * The JoinView contract between main and the window: the idle view is what the machine itself
 * publishes before any invite, every code the launcher can show has its sentences and nothing
 * else does, and a view survives the trip over IPC unchanged.
 */
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { toJoinView } from '../../src/main/join/join-view-mapper';
import { LauncherView } from '../../src/main/launcher-view';
import { en } from '../../src/renderer/i18n/en';
import { ja } from '../../src/renderer/i18n/ja';
import { idleJoinView, joinErrorCodes, type JoinView } from '../../src/shared/join-view';

describe('join view', () => {
  it('idleJoinView is exactly what the join machine publishes before any invite', async () => {
    // Loaded here, not at the top: a chart that does not build then fails this test, where a
    // file that cannot load runs no test at all (which StrykerJS scores as a surviving mutant).
    const { joinMachine } = await import('../../src/main/join/join-machine');
    const actor = createActor(joinMachine, { input: { deadlineMs: 1_000, leaveTimeoutMs: 1_000 } });
    actor.start();
    expect(toJoinView(actor.getSnapshot())).toEqual(idleJoinView);
    actor.stop();
  });

  it('lists exactly the codes the catalogues explain, in both languages', () => {
    const explained = (catalogue: object) =>
      Object.keys(catalogue)
        .map((key) => /^error\.(.+)\.title$/.exec(key)?.[1])
        .filter((code): code is string => code !== undefined && code !== 'unknown')
        .sort();
    expect(explained(en)).toEqual([...joinErrorCodes].sort());
    expect(explained(ja)).toEqual([...joinErrorCodes].sort());
    expect(new Set(joinErrorCodes).size).toBe(joinErrorCodes.length);
  });

  it('a refused link is shown as invalid-link with no Try again, and dismissing it goes idle', () => {
    const listeners = new Set<(view: JoinView) => void>();
    const view = new LauncherView({
      view: () => idleJoinView,
      subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
      dismiss: () => undefined,
    });
    view.showRejectedLink({ code: 'invalid-handle', message: 'not a GUID' });
    const shown = view.current();
    expect(JSON.parse(JSON.stringify(shown))).toEqual(shown);
    expect(shown).toMatchObject({
      phase: 'failed',
      canRetry: false,
      error: { code: 'invalid-link' },
    });
    view.dismiss();
    expect(view.current()).toEqual(idleJoinView);
    view.close();
  });
});
