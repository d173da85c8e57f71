/**
 * Main's Play glue (`createLauncherPlay`): one Play controller per join stack, replaced on an
 * account switch, with one steady stream of views for the window. The game is scripted in memory
 * (each stack's `PlayableGame`: what Play started, what the game says, what it was told), the
 * directory is the real local one on 127.0.0.1:0, so a hosted session, the player it was hosted
 * for and leaving it again are read back from the directory itself. No test waits on the clock:
 * the members-poll interval is checked on faked timers against a directory answering in memory.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningDirectory } from '../../../src/directory/directory-options';
import {
  createLauncherPlay,
  type LauncherPlay,
  type LauncherPlayDeps,
  type PlayableStack,
  type PlayerIdentity,
} from '../../../src/main/game/launcher-play';
import {
  createDirectoryClient,
  type DirectoryCalls,
} from '../../../src/main/join/directory-client';
import type { GameTitle } from '../../../src/main/join/game-hand-off';
import { defaultGameTitle } from '../../../src/main/join/launcher-config';
import { createDevTokenProvider } from '../../../src/main/join/token-provider';
import type { PlayView } from '../../../src/shared/play-view';
import { err, ok } from '../../../src/shared/result';
import { call } from '../../directory/directory-test-client';
import { recordingLogger, type RecordingLogger } from '../../fakes/recording-logger';
import { authorization, player, testDirectory } from '../join/join-service-fixture';
import { ScriptedGame } from './scripted-game';

let directory: RunningDirectory | undefined;
beforeAll(async () => {
  directory = await testDirectory();
});
afterAll(() => directory?.close());

const opened: LauncherPlay[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const play of opened.splice(0)) await play.close();
});

const alice = player(911);
const nobody: PlayerIdentity = { xuid: '0', gamertag: 'nobody' };

function url(): string {
  if (directory === undefined) throw new Error('the directory is not started');
  return directory.url;
}

function callsAs(who: PlayerIdentity): DirectoryCalls {
  return createDirectoryClient({
    baseUrl: url(),
    tokens: createDevTokenProvider({ baseUrl: url(), ...who }),
  });
}

interface Harness {
  readonly play: LauncherPlay;
  readonly log: RecordingLogger;
  readonly views: PlayView[];
  /** Who `player()` answers; tests switch it like a sign-in would. */
  who: PlayerIdentity;
}

function launcherPlay(extra: Partial<LauncherPlayDeps> = {}): Harness {
  const log = recordingLogger();
  const views: PlayView[] = [];
  const harness: Harness = {
    log,
    views,
    who: alice,
    play: createLauncherPlay({ player: () => harness.who, log, ...extra }),
  };
  harness.play.subscribe((view) => views.push(view));
  opened.push(harness.play);
  return harness;
}

function stack(game: ScriptedGame | undefined, title?: GameTitle, calls = callsAs(alice)) {
  const built: PlayableStack = { calls, title, ...(game === undefined ? {} : { playable: game }) };
  return built;
}

const hostAsk = {
  type: 'host-session',
  id: 'h1',
  seats: 2,
  joinRestriction: 'none',
  connection: '10.0.0.9:7777',
} as const;

/** The session the launcher hosted for the game, or the failure the game heard instead. */
async function hostedFor(game: ScriptedGame): Promise<string> {
  const answer = await Promise.race([game.told('session-hosted'), game.told('host-failed')]);
  if (answer.type === 'host-failed') throw new Error(`host-failed: ${answer.message}`);
  return answer.sessionRef;
}

/** The session at `path` as the local directory answers a GET of it (204: there is none). */
async function directoryStatus(path: string): Promise<number> {
  const answer = await call(url(), 'GET', path, {
    headers: { authorization: await authorization(url(), alice) },
  });
  return answer.status;
}

async function memberXuids(path: string): Promise<string[]> {
  const answer = await call(url(), 'GET', path, {
    headers: { authorization: await authorization(url(), alice) },
  });
  const members = answer.json<{
    members: Record<string, { constants: { system: { xuid: string } } }>;
  }>().members;
  return Object.values(members).map((member) => member.constants.system.xuid);
}

/** Lets the promise callbacks queued so far run (a rejected stop's warning, for one). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('before any join stack', () => {
  it('is idle, refuses Play as no-game, offers no session and closes', async () => {
    const { play, log, views } = launcherPlay();
    expect(play.view()).toStrictEqual({ phase: 'idle' });
    expect(play.play()).toStrictEqual({ started: false, reason: 'no-game' });
    expect(log.lines('warn')).toEqual(['play: refused, no game is configured yet']);
    expect(play.session()).toBeUndefined();
    await play.close();
    expect(views).toEqual([]);
  });
});

describe('Play on a stack with a game', () => {
  it('hands the stack back, starts its game and passes every view on', () => {
    const { play, log, views } = launcherPlay();
    const game = new ScriptedGame();
    const built = stack(game);
    expect(play.track(built)).toBe(built);
    expect(views).toEqual([]);

    expect(play.play()).toStrictEqual({ started: true, pid: 4242 });
    game.runs(4242);
    expect(views).toStrictEqual([
      { phase: 'starting', pid: 4242 },
      { phase: 'playing', pid: 4242 },
    ]);
    expect(play.view()).toStrictEqual({ phase: 'playing', pid: 4242 });
    // Playing, but in no session yet: nothing to invite into.
    expect(play.session()).toBeUndefined();
    expect(log.lines('info')).toEqual([
      'play: starting the game',
      'play: the game is running (pid 4242)',
    ]);
  });

  it('reports a start without a process id, and a game already running', () => {
    const { play } = launcherPlay();
    const game = new ScriptedGame();
    play.track(stack(game));
    game.playAnswer = ok({ pid: undefined });
    expect(play.play()).toStrictEqual({ started: true, pid: undefined });
    game.playAnswer = err({ code: 'already-running', message: 'the game is already running' });
    expect(play.play()).toStrictEqual({ started: false, reason: 'already-running' });
  });

  it('sends each view to every listener until it unsubscribes', () => {
    const { play, views } = launcherPlay();
    const game = new ScriptedGame();
    play.track(stack(game));
    const mine: PlayView[] = [];
    const unsubscribe = play.subscribe((view) => mine.push(view));
    play.play();
    unsubscribe();
    game.runs(1);
    expect(mine).toStrictEqual([{ phase: 'starting', pid: 4242 }]);
    expect(views).toStrictEqual([
      { phase: 'starting', pid: 4242 },
      { phase: 'playing', pid: 1 },
    ]);
  });
});

describe('hosting for the game', () => {
  it('hosts under the demo title for the player signed in at that moment, and offers the session to invite into once playing', async () => {
    const h = launcherPlay();
    h.who = nobody;
    const game = new ScriptedGame();
    const calls = callsAs(alice);
    h.play.track(stack(game, undefined, calls));
    h.play.play();
    // Signed in after the stack was built: the session is hosted for whoever is signed in now.
    h.who = alice;
    game.says(hostAsk);
    const sessionRef = await hostedFor(game);
    const prefix = `/serviceconfigs/${defaultGameTitle.scid}/sessionTemplates/default/sessions/`;
    expect(sessionRef.startsWith(prefix)).toBe(true);
    expect(await memberXuids(sessionRef)).toEqual([alice.xuid]);
    expect(h.play.view().phase).toBe('starting');
    expect(h.play.view().session?.sessionRef).toBe(sessionRef);
    // Still starting: the window offers no invites yet.
    expect(h.play.session()).toBeUndefined();

    game.runs(77);
    const offered = h.play.session();
    expect(offered).toStrictEqual({ sessionRef, playerXuid: alice.xuid, calls });
    expect(offered?.calls).toBe(calls);
    // The XUID is read when asked: another sign-in shows at once.
    h.who = { xuid: '2533274900000999', gamertag: 'Other' };
    expect(h.play.session()?.playerXuid).toBe('2533274900000999');
  });

  it("hosts under the stack's own title when it has one", async () => {
    const { play } = launcherPlay();
    const game = new ScriptedGame();
    // A template the local directory does not declare is made from its default one.
    const title = { ...defaultGameTitle, sessionTemplate: 'launcher-play' };
    play.track(stack(game, title));
    play.play();
    game.says(hostAsk);
    expect(await hostedFor(game)).toMatch(
      new RegExp(
        `^/serviceconfigs/${defaultGameTitle.scid}/sessionTemplates/launcher-play/sessions/`,
      ),
    );
  });

  it('leaves the hosted session on close, and the window hears nothing after', async () => {
    const h = launcherPlay();
    const game = new ScriptedGame();
    h.play.track(stack(game));
    h.play.play();
    game.runs(5);
    game.says(hostAsk);
    const sessionRef = await hostedFor(game);
    expect(await memberXuids(sessionRef)).toEqual([alice.xuid]);
    const seen = h.views.length;

    await h.play.close();
    expect(await directoryStatus(sessionRef)).toBe(204);
    expect(game.listeners()).toBe(0);
    expect(h.play.session()).toBeUndefined();
    // A stack built after close resets the view, but no listener is left to hear it.
    h.play.track(stack(new ScriptedGame()));
    expect(h.views.length).toBe(seen);
  });
});

describe('the invite dialog', () => {
  const sessionRef = `/serviceconfigs/${defaultGameTitle.scid}/sessionTemplates/default/sessions/own`;

  it("opens the window's dialog with the game's session, the player and the stack's calls", async () => {
    const asked: unknown[] = [];
    const { play } = launcherPlay({
      openInviteDialog: (session) => {
        asked.push(session);
        return Promise.resolve({ reason: 'sent', invited: ['2533274900000912'] });
      },
    });
    const game = new ScriptedGame();
    const calls = callsAs(alice);
    play.track(stack(game, undefined, calls));
    play.play();
    game.says({ type: 'hosting', id: 'g1', sessionRef });
    game.says({ type: 'open-invite-dialog', id: 'd1' });
    expect(await game.told('invite-dialog-closed')).toStrictEqual({
      type: 'invite-dialog-closed',
      id: 'd1',
      reason: 'sent',
      invited: ['2533274900000912'],
    });
    expect(asked).toStrictEqual([{ sessionRef, playerXuid: alice.xuid, calls }]);
  });

  it('tells the game none is available when the window has none', async () => {
    const { play } = launcherPlay();
    const game = new ScriptedGame();
    play.track(stack(game));
    play.play();
    game.says({ type: 'hosting', id: 'g1', sessionRef });
    game.says({ type: 'open-invite-dialog', id: 'd1' });
    expect(await game.told('invite-dialog-closed')).toStrictEqual({
      type: 'invite-dialog-closed',
      id: 'd1',
      reason: 'unavailable',
      invited: [],
    });
  });
});

describe('replacing the join stack', () => {
  it('stops the old controller, lets go of its game and starts the new stack idle', () => {
    const h = launcherPlay();
    const first = new ScriptedGame();
    h.play.track(stack(first));
    h.play.play();
    first.runs(1);
    expect(first.listeners()).toBe(4);

    const second = new ScriptedGame();
    h.play.track(stack(second));
    expect(first.listeners()).toBe(0);
    expect(h.views.at(-1)).toStrictEqual({ phase: 'idle' });
    expect(h.play.view()).toStrictEqual({ phase: 'idle' });
    const seen = h.views.length;
    first.runs(1);
    expect(h.views.length).toBe(seen);

    expect(h.play.play()).toStrictEqual({ started: true, pid: 4242 });
    expect(h.views.at(-1)).toStrictEqual({ phase: 'starting', pid: 4242 });
  });

  it('publishes nothing when the view was idle already', () => {
    const h = launcherPlay();
    h.play.track(stack(new ScriptedGame()));
    h.play.track(stack(new ScriptedGame()));
    h.play.track(stack(undefined));
    expect(h.views).toEqual([]);
  });

  it('logs a stop of the old controller that failed', async () => {
    const h = launcherPlay();
    const first = new ScriptedGame();
    h.play.track(stack(first));
    first.failUnsubscribe = true;
    h.play.track(stack(new ScriptedGame()));
    await settle();
    expect(h.log.lines('warn')).toEqual(['play: stopping failed: Error: listener removal failed']);
  });

  it('without a game of its own: Play is unavailable and a playing view goes back to idle', () => {
    const h = launcherPlay();
    const first = new ScriptedGame();
    h.play.track(stack(first));
    h.play.play();
    first.runs(3);
    const seen = h.views.length;

    const bare = stack(undefined);
    expect(h.play.track(bare)).toBe(bare);
    expect(h.views.slice(seen)).toStrictEqual([{ phase: 'idle' }]);
    expect(first.listeners()).toBe(0);
    expect(h.log.lines('info')).toContain(
      'play: this join stack has no game of its own; Play is unavailable',
    );
    expect(h.play.play()).toStrictEqual({ started: false, reason: 'no-game' });
    expect(h.play.session()).toBeUndefined();
  });
});

describe('the members poll', () => {
  /** A directory answering in memory that records each call as it is made. */
  function recordedCalls(): DirectoryCalls & { readonly made: string[] } {
    const made: string[] = [];
    return {
      made,
      call: (method, path) => {
        made.push(`${method} ${path}`);
        return Promise.resolve(ok({ status: 204, text: '' }));
      },
    };
  }

  it('reads the game’s session again after the given interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { play } = launcherPlay({ membersPollMs: 250 });
    const game = new ScriptedGame();
    const calls = recordedCalls();
    play.track(stack(game, undefined, calls));
    play.play();
    game.says({ type: 'hosting', id: 'g1', sessionRef: '/s/1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.made).toEqual(['GET /s/1']);
    await vi.advanceTimersByTimeAsync(249);
    expect(calls.made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.made).toEqual(['GET /s/1', 'GET /s/1']);
  });
});
