/**
 * The hand-off with real processes: the demo game (started once, then handed further joins over
 * stdin), games that crash, stay silent, refuse or cannot be found, and a probe that shows the
 * arguments arrive exactly as built, with no shell in between.
 */
import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createGameHandOff,
  type GameHandOff,
  type GameLaunchConfig,
} from '../../../src/main/join/game-hand-off';
import { parseSessionDocument } from '../../../src/shared/mpsd/session-document';
import { builtPrograms, removeBuiltPrograms } from './join-service-fixture';
import { gameJoinRequest as request } from './game-join-request';

afterAll(removeBuiltPrograms);

const handOffs: GameHandOff[] = [];
afterEach(async () => {
  await Promise.all(handOffs.splice(0).map((handOff) => handOff.close()));
});

function demoGame(
  extra: readonly string[] = [],
  overrides: Partial<GameLaunchConfig> = {},
  output: string[] = [],
  starts: (number | undefined)[] = [],
): GameHandOff {
  const handOff = createGameHandOff(
    {
      executable: process.execPath,
      args: [
        builtPrograms().demoGame,
        '--join',
        '{sessionRef}',
        '--connect',
        '{connection}',
        ...extra,
      ],
      ackTimeoutMs: 10_000,
      quitGraceMs: 500,
      ...overrides,
    },
    { onOutput: (_stream, line) => output.push(line), onStarted: (pid) => starts.push(pid) },
  );
  handOffs.push(handOff);
  return handOff;
}

const signal = () => new AbortController().signal;

describe('game hand-off', () => {
  it('starts the game with the template and counts the join once it confirms', async () => {
    const output: string[] = [];
    const game = demoGame([], {}, output);
    const joined = await game.join(request(), { signal: signal() });
    expect(joined).toMatchObject({
      ok: true,
      value: { connection: '127.0.0.1:30000', handedToRunningGame: false },
    });
    expect(game.isRunning()).toBe(true);
    expect(output).toContain('joining session /serviceconfigs/s/sessionTemplates/t/sessions/one');
  });

  it('hands a second join to the running copy over stdin instead of starting another', async () => {
    const output: string[] = [];
    const starts: (number | undefined)[] = [];
    const game = demoGame([], {}, output, starts);
    const first = await game.join(request('10.0.0.1:1', {}, 'one'), { signal: signal() });
    const second = await game.join(request('10.0.0.2:2', {}, 'two'), { signal: signal() });
    expect(first.ok && second.ok).toBe(true);
    expect(second).toMatchObject({ ok: true, value: { handedToRunningGame: true } });
    expect(first.ok && second.ok && first.value.pid === second.value.pid).toBe(true);
    expect(starts).toHaveLength(1);
    expect(output).toContain('the launcher handed over another join');
    expect(output).toContain('joining session /serviceconfigs/s/sessionTemplates/t/sessions/two');
    expect(output).toContain('connecting to 10.0.0.2:2');
  });

  it('starts a fresh copy once the previous one has quit', async () => {
    const starts: (number | undefined)[] = [];
    const game = demoGame([], {}, [], starts);
    await game.join(request(), { signal: signal() });
    await game.close();
    expect(game.isRunning()).toBe(false);
    const again = await game.join(request(), { signal: signal() });
    expect(again).toMatchObject({ ok: true, value: { handedToRunningGame: false } });
    expect(starts).toHaveLength(2);
  });

  it('a game that exits before confirming is game-failed with its exit code', async () => {
    const game = demoGame(['--mode', 'crash']);
    const result = await game.join(request(), { signal: signal() });
    expect(result).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game closed before joining (exit code 3).' },
    });
  });

  it('a silent game is game-failed after the acknowledgement deadline, and is stopped', async () => {
    const game = demoGame(['--mode', 'silent'], { ackTimeoutMs: 300 });
    const result = await game.join(request(), { signal: signal() });
    expect(result).toEqual({
      ok: false,
      error: { code: 'game-failed', message: 'The game did not confirm the join within 0.3 s.' },
    });
    await expect.poll(() => game.isRunning()).toBe(false);
  });

  it('a game that refuses the join passes its reason on', async () => {
    const game = demoGame(['--mode', 'refuse']);
    const result = await game.join(request(), { signal: signal() });
    expect(result.ok ? '' : result.error.message).toBe(
      'The game refused the join: the demo game refuses joins (--mode refuse)',
    );
  });

  it('a missing executable is game-failed in words a player understands', async () => {
    const game = createGameHandOff({
      executable: '/nonexistent/rallypoint-game',
      args: [],
      ackTimeoutMs: 5_000,
    });
    handOffs.push(game);
    const result = await game.join(request(), { signal: signal() });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'game-failed',
        message: 'The game could not be started: its program was not found.',
      },
    });
  });

  it('an aborted join stops waiting and ends the copy it started', async () => {
    const game = demoGame(['--mode', 'silent']);
    const controller = new AbortController();
    const pending = game.join(request(), { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'The join was cancelled.' },
    });
    await expect.poll(() => game.isRunning()).toBe(false);
  });

  it('passes session values as single arguments with no shell in between', async () => {
    const marker = `/tmp/rallypoint-shell-probe-${process.pid}`;
    const hostile = `x"; touch ${marker}; echo "$(touch ${marker}) \`touch ${marker}\` | & > ${marker}`;
    const probe = [
      'process.stderr.write(JSON.stringify(process.argv.slice(1)) + "\\n");',
      'process.stdout.write(JSON.stringify({ type: "joined" }) + "\\n");',
      'process.stdin.resume();',
    ].join('');
    const output: string[] = [];
    const game = createGameHandOff(
      {
        executable: process.execPath,
        args: ['-e', probe, '--', '--connect', '{connection}', '--ref={sessionRef}'],
        ackTimeoutMs: 10_000,
        quitGraceMs: 300,
      },
      { onOutput: (_stream, line) => output.push(line) },
    );
    handOffs.push(game);
    const result = await game.join(request(hostile), { signal: signal() });
    expect(result.ok).toBe(true);
    const argv = JSON.parse(output[0] ?? '[]') as string[];
    expect(argv).toEqual([
      '--connect',
      hostile,
      '--ref=/serviceconfigs/s/sessionTemplates/t/sessions/one',
    ]);
    expect(existsSync(marker)).toBe(false);
  });

  it('a session with nowhere to connect fails before anything is started', async () => {
    const starts: (number | undefined)[] = [];
    const game = demoGame([], {}, [], starts);
    const bare = parseSessionDocument({ membersInfo: { first: 0, next: 0 } });
    if (!bare.ok) throw new Error(bare.error.message);
    const result = await game.join({ ...request(), session: bare.value }, { signal: signal() });
    expect(result.ok ? '' : result.error.code).toBe('game-failed');
    expect(starts).toEqual([]);
  });
});
