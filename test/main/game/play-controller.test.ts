/**
 * Play's controller on its own: a scripted game (every message, join, start and end it reports is
 * played by the test, every line the launcher sends it is kept) against a real local directory on
 * 127.0.0.1:0, or a scripted one (test/main/join/directory-client-server.ts) where the directory
 * must fail or stay silent on cue. The members poll runs on fake `setTimeout`s moved by hand, so
 * nothing here waits for a clock; every wait is for the directory's answers to arrive.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunningDirectory } from '../../../src/directory/directory-options';
import {
  createPlayController,
  type InviteDialogResult,
  type PlayController,
  type PlayControllerDeps,
} from '../../../src/main/game/play-controller';
import type { GameMessage } from '../../../src/main/game/game-channel-protocol';
import {
  createDirectoryClient,
  type DirectoryCalls,
} from '../../../src/main/join/directory-client';
import type { GameEnded } from '../../../src/main/join/game-hand-off';
import { defaultGameTitle } from '../../../src/main/join/launcher-config';
import { createDevTokenProvider } from '../../../src/main/join/token-provider';
import { parseSessionDocument } from '../../../src/shared/mpsd/session-document';
import type { PlayView } from '../../../src/shared/play-view';
import { err, ok } from '../../../src/shared/result';
import { call } from '../../directory/directory-test-client';
import { recordingLogger, type RecordingLogger } from '../../fakes/recording-logger';
import {
  client,
  closeServers,
  sendJson,
  serve,
  session,
  sessionLocation,
} from '../join/directory-client-server';
import {
  authorization,
  createSession,
  player,
  testDirectory,
  type Identity,
} from '../join/join-service-fixture';
import { ScriptedGame } from './scripted-game';

const alice = player(1201);
const bob = player(1202);

let directory: RunningDirectory | undefined;
const controllers: PlayController[] = [];

beforeEach(() => {
  // Only the members poll's timers are faked; sockets, setImmediate and abort timeouts run for real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  for (const controller of controllers.splice(0)) await controller.stop();
  vi.useRealTimers();
  await closeServers();
  await directory?.close();
  directory = undefined;
});

/** Directory calls that keep every request made through them, so a test can wait for answers. */
interface WatchedCalls extends DirectoryCalls {
  readonly requests: { readonly method: string; readonly path: string; readonly body: unknown }[];
}

function watched(calls: DirectoryCalls): WatchedCalls & { pending: Set<Promise<unknown>> } {
  const requests: WatchedCalls['requests'] = [];
  const pending = new Set<Promise<unknown>>();
  return {
    requests,
    pending,
    call(method, path, body, options) {
      requests.push({ method, path, body });
      const answer = calls.call(method, path, body, options);
      pending.add(answer);
      void answer.finally(() => pending.delete(answer));
      return answer;
    },
  };
}

interface Launcher {
  readonly game: ScriptedGame;
  readonly calls: ReturnType<typeof watched>;
  readonly log: RecordingLogger;
  readonly controller: PlayController;
  readonly views: PlayView[];
  /** Waits until every directory request made so far (and any they led to) has its answer. */
  settle(): Promise<void>;
  /** Requests of one method. */
  made(method: string): { readonly path: string; readonly body: unknown }[];
}

function callsAs(who: Identity, follows: readonly string[] = []): DirectoryCalls {
  const url = directory?.url ?? '';
  return createDirectoryClient({
    baseUrl: url,
    tokens: createDevTokenProvider({ baseUrl: url, ...who, follows }),
  });
}

/** Play for Alice; her calls go to the real directory unless `calls` says otherwise. */
async function launcher(
  options: {
    readonly calls?: DirectoryCalls;
    readonly withoutLog?: boolean;
    readonly pollMs?: number | 'default';
    readonly openInviteDialog?: PlayControllerDeps['openInviteDialog'];
  } = {},
): Promise<Launcher> {
  if (options.calls === undefined) directory ??= await testDirectory();
  const calls = watched(options.calls ?? callsAs(alice, [bob.xuid]));
  const game = new ScriptedGame();
  const log = recordingLogger();
  const pollMs = options.pollMs ?? 100;
  const controller = createPlayController({
    game,
    calls,
    identity: alice,
    title: defaultGameTitle,
    ...(options.withoutLog ? {} : { log }),
    ...(pollMs === 'default' ? {} : { membersPollMs: pollMs }),
    ...(options.openInviteDialog ? { openInviteDialog: options.openInviteDialog } : {}),
  });
  controllers.push(controller);
  const views: PlayView[] = [];
  controller.subscribe((view) => views.push(view));
  const settle = async () => {
    for (;;) {
      await Promise.allSettled([...calls.pending]);
      // Let every continuation of those answers run (and start the requests they lead to).
      await new Promise((resolve) => setImmediate(resolve));
      if (calls.pending.size === 0) return;
    }
  };
  const made = (method: string) =>
    calls.requests
      .filter((request) => request.method === method)
      .map(({ path, body }) => ({ path, body }));
  return { game, calls, log, controller, views, settle, made };
}

/** Moves the members poll's clock on and waits for the reads it started. */
async function poll(played: Launcher, ms: number): Promise<void> {
  vi.advanceTimersByTime(ms);
  await played.settle();
}

/** The game asks for a session and the launcher hosts it on the real directory. */
async function hosted(played: Launcher, seats = 4): Promise<string> {
  played.game.says({
    type: 'host-session',
    id: 'h1',
    seats,
    joinRestriction: 'none',
    connection: '10.0.0.5:7777',
  });
  await played.settle();
  const answer = played.game.heard('session-hosted')[0];
  if (answer === undefined) throw new Error(JSON.stringify(played.game.sent));
  return answer.sessionRef;
}

/** The session as Alice reads it on the directory now; undefined when it is gone. */
async function directoryCopy(sessionRef: string) {
  const url = directory?.url ?? '';
  const answer = await call(url, 'GET', sessionRef, {
    headers: { authorization: await authorization(url, alice) },
  });
  // 204: nobody is left in it; 404: never there.
  if (answer.status === 204 || answer.status === 404) return undefined;
  const parsed = parseSessionDocument(answer.json());
  if (!parsed.ok) throw new Error(`${answer.status} ${answer.text}`);
  return parsed.value;
}

/** The handle of a join the test reports (the controller only passes it on). */
const aHandleId = '0f3c12ab-5d6e-4f70-8a9b-0c1d2e3f4a5b';

const aliceHosting = { xuid: alice.xuid, gamertag: alice.gamertag, host: true };

describe('Play: the game starts, runs and ends', () => {
  it('moves starting → playing → idle and says so in the log', async () => {
    const { game, controller, views, log } = await launcher();
    expect(controller.view()).toStrictEqual({ phase: 'idle' });
    expect(controller.play()).toStrictEqual(ok({ pid: 4242 }));
    game.runs(4242);
    game.ends({ exit: { code: 0, signal: null }, byLauncher: false });
    expect(views).toStrictEqual([
      { phase: 'starting', pid: 4242 },
      { phase: 'playing', pid: 4242 },
      { phase: 'idle' },
    ]);
    expect(controller.view()).toStrictEqual({ phase: 'idle' });
    expect(log.lines()).toStrictEqual([
      'play: starting the game',
      'play: the game is running (pid 4242)',
      'play: the game ended (exit code 0)',
    ]);
  });

  it('leaves out a pid the OS did not give', async () => {
    const { game, controller, views, log } = await launcher();
    game.playAnswer = ok({ pid: undefined });
    expect(controller.play()).toStrictEqual(ok({ pid: undefined }));
    game.runs(undefined);
    expect(views).toStrictEqual([{ phase: 'starting' }, { phase: 'playing' }]);
    expect(log.lines()).toContain('play: the game is running (pid ?)');
  });

  it('is refused while a copy runs, and the view stays where it was', async () => {
    const { game, controller, views, log } = await launcher();
    const refusal = { code: 'already-running', message: 'a copy of the game is running' } as const;
    game.playAnswer = err(refusal);
    expect(controller.play()).toStrictEqual(err(refusal));
    expect(views).toStrictEqual([]);
    expect(log.lines()).toStrictEqual(['play: refused: a copy of the game is running']);
  });

  const ends: [string, GameEnded, string, PlayView][] = [
    ...(
      [
        ['a program that is not there', 'ENOENT'],
        ['a path that runs through a file', 'ENOTDIR'],
      ] as const
    ).map(([name, startError]): [string, GameEnded, string, PlayView] => [
      name,
      { exit: { code: null, signal: null, startError }, byLauncher: false },
      'its program was not found, crashed',
      {
        phase: 'idle',
        lastExit: {
          crashed: true,
          description: 'its program was not found',
          reason: { kind: 'not-found' },
        },
      },
    ]),
    [
      'a program that may not run',
      { exit: { code: null, signal: null, startError: 'EACCES' }, byLauncher: false },
      'its program is not executable, crashed',
      {
        phase: 'idle',
        lastExit: {
          crashed: true,
          description: 'its program is not executable',
          reason: { kind: 'not-executable' },
        },
      },
    ],
    [
      'any other failed start',
      { exit: { code: null, signal: null, startError: 'EMFILE' }, byLauncher: true },
      'it could not be started (EMFILE), crashed',
      {
        phase: 'idle',
        lastExit: {
          crashed: true,
          description: 'it could not be started (EMFILE)',
          reason: { kind: 'start-failed' },
        },
      },
    ],
    [
      'a signal nobody asked for',
      { exit: { code: null, signal: 'SIGSEGV' }, byLauncher: false },
      'stopped by SIGSEGV, crashed',
      {
        phase: 'idle',
        lastExit: {
          crashed: true,
          description: 'stopped by SIGSEGV',
          reason: { kind: 'signal', signal: 'SIGSEGV' },
        },
      },
    ],
    [
      "the launcher's own signal",
      { exit: { code: null, signal: 'SIGTERM' }, byLauncher: true },
      'stopped by SIGTERM',
      { phase: 'idle' },
    ],
    [
      'a non-zero exit',
      { exit: { code: 3, signal: null }, byLauncher: false },
      'exit code 3, crashed',
      {
        phase: 'idle',
        lastExit: {
          crashed: true,
          description: 'exit code 3',
          reason: { kind: 'exit-code', code: 3 },
        },
      },
    ],
    [
      'a non-zero exit the launcher asked for',
      { exit: { code: 3, signal: null }, byLauncher: true },
      'exit code 3',
      { phase: 'idle' },
    ],
    [
      'an end with neither code nor signal',
      { exit: { code: null, signal: null }, byLauncher: false },
      'exit code ?, crashed',
      {
        phase: 'idle',
        lastExit: {
          crashed: true,
          description: 'exit code ?',
          reason: { kind: 'exit-code', code: null },
        },
      },
    ],
  ];
  it.each(ends)(
    '%s: logged and, if a crash, kept in the view',
    async (_case, ended, said, view) => {
      const { game, controller, views, log } = await launcher();
      controller.play();
      game.runs(7);
      game.ends(ended);
      expect(views.at(-1)).toStrictEqual(view);
      expect(log.lines().at(-1)).toBe(`play: the game ended (${said})`);
    },
  );

  it('tells every subscriber each view until it unsubscribes', async () => {
    const { game, controller } = await launcher();
    const first: PlayView[] = [];
    const second: PlayView[] = [];
    const unsubscribe = controller.subscribe((view) => first.push(view));
    controller.subscribe((view) => second.push(view));
    controller.play();
    unsubscribe();
    game.runs(9);
    expect(first).toStrictEqual([{ phase: 'starting', pid: 4242 }]);
    expect(second).toStrictEqual([
      { phase: 'starting', pid: 4242 },
      { phase: 'playing', pid: 9 },
    ]);
  });
});

describe('host-session: the launcher hosts a session for the game', () => {
  it('creates it with Alice as the only member and host, and tells the game who is in it', async () => {
    const played = await launcher();
    const { game, controller, views, log } = played;
    controller.play();
    game.runs(11);
    const sessionRef = await hosted(played, 3);
    expect(sessionRef).toMatch(
      new RegExp(`^/serviceconfigs/${defaultGameTitle.scid}/sessionTemplates/default/sessions/`),
    );
    expect(game.sent).toStrictEqual([
      { type: 'session-hosted', id: 'h1', sessionRef },
      { type: 'members', sessionRef, members: [aliceHosting] },
    ]);
    const copy = await directoryCopy(sessionRef);
    expect(copy?.constants?.system?.maxMembersCount).toBe(3);
    expect(copy?.properties?.system?.joinRestriction).toBe('none');
    const me = Object.values(copy?.members ?? {});
    expect(me.map((member) => member.constants.system.xuid)).toStrictEqual([alice.xuid]);
    expect(
      Buffer.from(me[0]?.properties?.system?.secureDeviceAddress ?? '', 'base64').toString(),
    ).toBe('10.0.0.5:7777');
    expect(views.at(-1)).toStrictEqual({
      phase: 'playing',
      pid: 11,
      session: { sessionRef, role: 'host', members: [aliceHosting] },
    });
    expect(log.lines()).toStrictEqual([
      'play: starting the game',
      'play: the game is running (pid 11)',
      'play: the game asks for a session with 3 seat(s)',
      'play: hosting a session for the game',
    ]);
  });

  it('answers without an id when the request had none', async () => {
    const { game, settle } = await launcher();
    game.says({ type: 'host-session', seats: 2, joinRestriction: 'followed', connection: 'x' });
    await settle();
    const [answer] = game.heard('session-hosted');
    expect(game.sent[0]).toStrictEqual({ type: 'session-hosted', sessionRef: answer?.sessionRef });
  });

  it('leaves the session it hosted before when the game asks for another', async () => {
    const played = await launcher();
    const first = await hosted(played);
    played.game.sent.length = 0;
    const second = await hosted(played, 2);
    expect(second).not.toBe(first);
    expect(await directoryCopy(first)).toBeUndefined();
    expect((await directoryCopy(second))?.constants?.system?.maxMembersCount).toBe(2);
    expect(played.made('PUT').at(-3)).toStrictEqual({
      path: first,
      body: { members: { me: null } },
    });
    expect(played.game.sent).toStrictEqual([
      { type: 'session-hosted', id: 'h1', sessionRef: second },
      { type: 'members', sessionRef: second, members: [aliceHosting] },
    ]);
    expect(played.log.lines('info')).toContain(
      'play: left the session the launcher hosted for the game',
    );
  });

  it('tells the game why hosting failed, in its codes', async () => {
    const down = await serve((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('down for maintenance');
    });
    const { game, controller, views, log, settle } = await launcher({ calls: client(down.url) });
    controller.play();
    game.says({
      type: 'host-session',
      id: 'h9',
      seats: 2,
      joinRestriction: 'followed',
      connection: 'x',
    });
    await settle();
    const message = 'directory answered 503: down for maintenance';
    expect(game.sent).toStrictEqual([
      { type: 'host-failed', id: 'h9', code: 'directory-unavailable', message },
    ]);
    expect(log.lines('warn')).toStrictEqual([
      `play: hosting failed: directory-unavailable (${message})`,
    ]);
    expect(views).toStrictEqual([{ phase: 'starting', pid: 4242 }]);
    // A 5xx may hide a committed write: the player is taken out of the session again.
    expect(down.requests.map((r) => JSON.parse(r.body) as unknown)[1]).toStrictEqual({
      members: { me: null },
    });
    expect(await controller.invite([bob.xuid])).toStrictEqual(
      err({ code: 'not-in-session', message: 'the game is in no session' }),
    );
  });
});

describe('who is in the game session', () => {
  it('reads the session every poll and tells the game only when its members change', async () => {
    const played = await launcher();
    const { game, controller, log } = played;
    controller.play();
    game.runs(12);
    const sessionRef = await hosted(played);
    const reads = () => played.made('GET').length;
    expect(reads()).toBe(1);
    await poll(played, 99);
    expect(reads()).toBe(1);
    await poll(played, 1);
    expect(reads()).toBe(2);
    expect(game.heard('members')).toHaveLength(1);

    const bobs = await authorization(directory?.url ?? '', bob);
    const joined = await call(directory?.url ?? '', 'PUT', sessionRef, {
      headers: { authorization: bobs },
      body: {
        members: {
          me: {
            constants: { system: { xuid: bob.xuid, initialize: true } },
            properties: { system: { active: true } },
          },
        },
      },
    });
    expect(joined.status, joined.text).toBe(200);
    await poll(played, 100);
    const both = [aliceHosting, { xuid: bob.xuid, gamertag: bob.gamertag, host: false }];
    expect(game.heard('members')).toStrictEqual([
      { type: 'members', sessionRef, members: [aliceHosting] },
      { type: 'members', sessionRef, members: both },
    ]);
    expect(controller.view().session).toStrictEqual({ sessionRef, role: 'host', members: both });
    expect(log.lines()).toContain("play: 2 player(s) in the game's session");
    await poll(played, 100);
    expect(reads()).toBe(4);
    expect(game.heard('members')).toHaveLength(2);
  });

  it('reads every 2 seconds unless told otherwise', async () => {
    const played = await launcher({ pollMs: 'default' });
    await hosted(played);
    await poll(played, 1999);
    expect(played.made('GET')).toHaveLength(1);
    await poll(played, 1);
    expect(played.made('GET')).toHaveLength(2);
  });

  it('follows a session the game hosts itself, and never leaves it for the game', async () => {
    const played = await launcher();
    const { game, controller, log, settle } = played;
    const own = await directoryCopyOfOwnSession();
    controller.play();
    game.runs(13);
    game.says({ type: 'hosting', sessionRef: own });
    expect(controller.view().session).toStrictEqual({ sessionRef: own, role: 'host', members: [] });
    expect(game.sent).toStrictEqual([]);
    await settle();
    const hostOnly = [{ xuid: alice.xuid, gamertag: alice.gamertag, host: false }];
    expect(game.sent).toStrictEqual([{ type: 'members', sessionRef: own, members: hostOnly }]);
    expect(log.lines()).toContain("play: 1 player(s) in the game's session");
    expect(log.lines()).toContain('play: the game hosts its own session');

    game.says({ type: 'left', id: 'l1', sessionRef: own });
    await settle();
    expect(game.sent.at(-1)).toStrictEqual({ type: 'left-noted', id: 'l1', sessionRef: own });
    expect(played.made('PUT')).toStrictEqual([]);
    expect(controller.view()).toStrictEqual({ phase: 'playing', pid: 13 });
    const copy = await directoryCopy(own);
    expect(Object.values(copy?.members ?? {}).map((m) => m.constants.system.xuid)).toStrictEqual([
      alice.xuid,
    ]);
    await poll(played, 1000);
    expect(played.made('GET')).toHaveLength(1);
  });

  it('tells the game an empty session too, and keeps reading when a read fails', async () => {
    let reads = 0;
    const scripted = await serve((_request, response) => {
      reads += 1;
      if (reads === 2) {
        response.writeHead(500);
        response.end();
        return;
      }
      sendJson(response, 200, session([]));
    });
    const played = await launcher({ calls: client(scripted.url) });
    played.game.says({ type: 'hosting', sessionRef: sessionLocation });
    await played.settle();
    expect(played.game.sent).toStrictEqual([
      { type: 'members', sessionRef: sessionLocation, members: [] },
    ]);
    await poll(played, 100);
    expect(reads).toBe(2);
    expect(vi.getTimerCount()).toBe(1);
    await poll(played, 100);
    expect(reads).toBe(3);
    expect(played.game.heard('members')).toHaveLength(1);
  });

  it('drops a read that was on its way when the game left', async () => {
    let arrived: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (arrived = resolve));
    const silent = await serve(() => arrived());
    const played = await launcher({ calls: client(silent.url) });
    played.game.says({ type: 'hosting', sessionRef: sessionLocation });
    await reading;
    played.game.says({ type: 'left' });
    await played.settle();
    expect(played.game.sent).toStrictEqual([{ type: 'left-noted', sessionRef: sessionLocation }]);
    expect(vi.getTimerCount()).toBe(0);
    expect(silent.requests).toHaveLength(1);
  });

  it('clears the next read once the game leaves, and when the launcher stops', async () => {
    const scripted = await serve((_request, response) => sendJson(response, 200, session([])));
    const played = await launcher({ calls: client(scripted.url) });
    played.game.says({ type: 'hosting', sessionRef: sessionLocation });
    await played.settle();
    expect(vi.getTimerCount()).toBe(1);
    played.game.says({ type: 'left' });
    await played.settle();
    expect(vi.getTimerCount()).toBe(0);
    played.game.says({ type: 'hosting', sessionRef: sessionLocation });
    await played.settle();
    expect(vi.getTimerCount()).toBe(1);
    await played.controller.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(scripted.requests).toHaveLength(2);
  });

  it('does not show a session in the view before the game runs, then shows it', async () => {
    const played = await launcher();
    const own = await directoryCopyOfOwnSession();
    played.game.says({ type: 'hosting', sessionRef: own });
    await played.settle();
    expect(played.views).toStrictEqual([]);
    expect(played.controller.view()).toStrictEqual({ phase: 'idle' });
    played.game.runs(14);
    expect(played.views).toStrictEqual([
      {
        phase: 'playing',
        pid: 14,
        session: {
          sessionRef: own,
          role: 'host',
          members: [{ xuid: alice.xuid, gamertag: alice.gamertag, host: false }],
        },
      },
    ]);
  });

  it('follows a session the game joined through an invite, leaves the one it hosted, and leaves leaving the new one to the join', async () => {
    const played = await launcher();
    const { game, controller, log, settle } = played;
    controller.play();
    game.runs(15);
    const ours = await hosted(played);
    const theirs = await createSession(directory?.url ?? '');
    const invite = await theirs.invite(alice);
    const joined = await createDirectoryClient({
      baseUrl: directory?.url ?? '',
      tokens: createDevTokenProvider({ baseUrl: directory?.url ?? '', ...alice }),
    }).joinByHandle(invite.handleId, { xuid: alice.xuid }, { signal: AbortSignal.timeout(10_000) });
    if (!joined.ok) throw new Error(joined.error.message);
    game.sent.length = 0;
    game.joinedBy({
      invite,
      xuid: alice.xuid,
      sessionRef: joined.value.contentLocation,
      session: joined.value.session,
    });
    const members = [
      { xuid: '2533274811111111', gamertag: 'TestHost', host: false },
      { xuid: alice.xuid, gamertag: alice.gamertag, host: false },
    ];
    const sessionRef = joined.value.contentLocation;
    expect(game.sent).toStrictEqual([{ type: 'members', sessionRef, members }]);
    expect(controller.view().session).toStrictEqual({ sessionRef, role: 'member', members });
    expect(log.lines()).toContain('play: the game joined a session through an invite');
    await settle();
    // The session hosted for the game before is left: no ghost member stays in it.
    expect(await directoryCopy(ours)).toBeUndefined();
    expect(log.lines().at(-1)).toBe('play: left the session the launcher hosted for the game');
    const puts = played.made('PUT').length;
    await controller.stop();
    expect(played.made('PUT')).toHaveLength(puts);
    expect(await theirs.memberXuids()).toContain(alice.xuid);
  });

  it('keeps the player in a hosted session the game joins again through an invite', async () => {
    const played = await launcher();
    const { game, controller, settle } = played;
    controller.play();
    game.runs(17);
    const ours = await hosted(played);
    const copy = await directoryCopy(ours);
    if (copy === undefined) throw new Error('the hosted session is gone');
    game.joinedBy({
      invite: { kind: 'invite', handleId: aHandleId, localXuid: alice.xuid, remoteXuid: bob.xuid },
      xuid: alice.xuid,
      sessionRef: ours,
      session: copy,
    });
    await settle();
    await controller.stop();
    expect(Object.keys((await directoryCopy(ours))?.members ?? {})).toHaveLength(1);
  });

  it('waits in stop() for leaving the hosted session the game moved away from', async () => {
    const played = await launcher();
    const { game, controller, log } = played;
    controller.play();
    game.runs(16);
    const ours = await hosted(played);
    const own = await directoryCopyOfOwnSession();
    const ownCopy = await directoryCopy(own);
    if (ownCopy === undefined) throw new Error('no session of its own');
    game.joinedBy({
      invite: { kind: 'invite', handleId: aHandleId, localXuid: alice.xuid, remoteXuid: bob.xuid },
      xuid: alice.xuid,
      sessionRef: own,
      session: ownCopy,
    });
    await controller.stop();
    expect(log.lines()).toContain('play: left the session the launcher hosted for the game');
    expect(await directoryCopy(ours)).toBeUndefined();
  });
});

describe('invites from the game and from the window', () => {
  it('sends one invite handle per friend with the title and context, each answered', async () => {
    const played = await launcher();
    const { game, settle, log } = played;
    const sessionRef = await hosted(played);
    game.sent.length = 0;
    game.says({
      type: 'invite-players',
      id: 'i1',
      xuids: [bob.xuid, alice.xuid],
      context: 'map=harbor',
    });
    await settle();
    const handles = await call(directory?.url ?? '', 'POST', '/handles/query', {
      headers: { authorization: await authorization(directory?.url ?? '', bob) },
      body: { type: 'invite' },
    });
    const [handle] = handles.json<{
      results: { id: string; sessionRef: { name: string }; inviteAttributes: unknown }[];
    }>().results;
    expect(handle?.inviteAttributes).toStrictEqual({
      titleId: defaultGameTitle.titleId,
      context: 'map=harbor',
    });
    expect(sessionRef.endsWith(`/${handle?.sessionRef.name}`)).toBe(true);
    expect(game.sent).toStrictEqual([
      { type: 'invite-sent', id: 'i1', xuid: bob.xuid, handleId: handle?.id },
      {
        type: 'invite-failed',
        id: 'i1',
        xuid: alice.xuid,
        code: 'already-in-session',
        message: 'already a member of the session',
      },
    ]);
    expect(log.lines().at(-1)).toBe('invites: 1 of 2 sent (already-in-session)');
  });

  it('answers every friend with not-in-session while the game is in none', async () => {
    const { game, settle } = await launcher();
    game.says({ type: 'invite-players', xuids: [bob.xuid, alice.xuid] });
    await settle();
    const failure = { code: 'not-in-session', message: 'the game is in no session' };
    expect(game.sent).toStrictEqual([
      { type: 'invite-failed', xuid: bob.xuid, ...failure },
      { type: 'invite-failed', xuid: alice.xuid, ...failure },
    ]);
  });

  it("the window's invite goes into the game's session, without a context when none is given", async () => {
    const played = await launcher();
    await hosted(played);
    const sent = await played.controller.invite([bob.xuid]);
    expect(sent.ok && sent.value.map((outcome) => outcome.ok)).toStrictEqual([true]);
    expect(played.made('POST').at(-1)?.body).toMatchObject({
      type: 'invite',
      invitedXuid: bob.xuid,
      inviteAttributes: { titleId: defaultGameTitle.titleId },
    });
    expect(played.made('POST').at(-1)?.body).not.toHaveProperty('inviteAttributes.context');
  });
});

describe('open-invite-dialog', () => {
  it('opens the window’s dialog on the game’s session and tells the game how it ended', async () => {
    const asked: string[] = [];
    const result: InviteDialogResult = { reason: 'sent', invited: [bob.xuid] };
    const played = await launcher({
      openInviteDialog: (sessionRef) => {
        asked.push(sessionRef);
        return Promise.resolve(result);
      },
    });
    const sessionRef = await hosted(played);
    played.game.sent.length = 0;
    played.game.says({ type: 'open-invite-dialog', id: 'd1' });
    played.game.says({ type: 'open-invite-dialog' });
    await played.settle();
    expect(asked).toStrictEqual([sessionRef, sessionRef]);
    expect(played.game.sent).toStrictEqual([
      { type: 'invite-dialog-closed', id: 'd1', reason: 'sent', invited: [bob.xuid] },
      { type: 'invite-dialog-closed', reason: 'sent', invited: [bob.xuid] },
    ]);
  });

  it('answers unavailable with no session, and with no window', async () => {
    const asked: string[] = [];
    const withWindow = await launcher({
      openInviteDialog: (sessionRef) => {
        asked.push(sessionRef);
        return Promise.resolve({ reason: 'closed', invited: [] });
      },
    });
    withWindow.game.says({ type: 'open-invite-dialog', id: 'd2' });
    await withWindow.settle();
    const unavailable = { type: 'invite-dialog-closed', reason: 'unavailable', invited: [] };
    expect(withWindow.game.sent).toStrictEqual([{ ...unavailable, id: 'd2' }]);
    expect(asked).toStrictEqual([]);
    expect(withWindow.log.lines()).toStrictEqual([
      'play: the game asked for the invite dialog; none is available',
    ]);

    const windowless = await launcher();
    await hosted(windowless);
    windowless.game.sent.length = 0;
    windowless.game.says({ type: 'open-invite-dialog' });
    await windowless.settle();
    expect(windowless.game.sent).toStrictEqual([unavailable]);
  });

  it('logs a dialog that failed, and the game hears nothing', async () => {
    const played = await launcher({
      openInviteDialog: () => Promise.reject(new Error('the window is gone')),
    });
    await hosted(played);
    played.game.sent.length = 0;
    played.game.says({ type: 'open-invite-dialog', id: 'd3' });
    await played.settle();
    expect(played.game.sent).toStrictEqual([]);
    expect(played.log.lines('warn')).toStrictEqual([
      'play: answering the game failed: Error: the window is gone',
    ]);
  });
});

describe('left, and the end of the game', () => {
  it('leaves the session the launcher hosted when the game leaves it', async () => {
    const played = await launcher();
    const { game, controller, log, settle } = played;
    controller.play();
    game.runs(16);
    const sessionRef = await hosted(played);
    game.sent.length = 0;
    game.says({ type: 'left', id: 'l2', sessionRef });
    await settle();
    expect(game.sent).toStrictEqual([{ type: 'left-noted', id: 'l2', sessionRef }]);
    expect(played.made('PUT').at(-1)).toStrictEqual({
      path: sessionRef,
      body: { members: { me: null } },
    });
    expect(await directoryCopy(sessionRef)).toBeUndefined();
    expect(controller.view()).toStrictEqual({ phase: 'playing', pid: 16 });
    expect(log.lines().slice(-2)).toStrictEqual([
      'play: the game left its session',
      'play: left the session the launcher hosted for the game',
    ]);
    await poll(played, 1000);
    expect(played.made('GET')).toHaveLength(1);
  });

  it('notes a left outside any session, and ignores what the join hand-off waits for', async () => {
    const { game, settle, views, log, calls } = await launcher();
    game.says({ type: 'joined', joinId: 'j1' });
    game.says({ type: 'join-failed', joinId: 'j1', reason: 'no' });
    game.says({ type: 'left' });
    await settle();
    expect(game.sent).toStrictEqual([{ type: 'left-noted' }]);
    expect(views).toStrictEqual([]);
    expect(log.lines()).toStrictEqual(['play: the game left its session']);
    expect(calls.requests).toStrictEqual([]);
  });

  it('counts a session already gone as left', async () => {
    const played = await launcher();
    const sessionRef = await hosted(played);
    const gone = await call(directory?.url ?? '', 'PUT', sessionRef, {
      headers: { authorization: await authorization(directory?.url ?? '', alice) },
      body: { members: { me: null } },
    });
    expect(gone.status).toBe(204);
    played.game.says({ type: 'left' });
    await played.settle();
    expect(played.log.lines().at(-1)).toBe(
      'play: left the session the launcher hosted for the game',
    );
    expect(played.log.lines('warn')).toStrictEqual([]);
  });

  it('warns when leaving fails: the status, or the error code', async () => {
    let leaving = 0;
    const scripted = await serve((request, response) => {
      if (request.method === 'PUT' && request.body.includes('"me":null')) {
        leaving += 1;
        if (leaving === 1) {
          response.writeHead(500);
          response.end();
        } else response.socket?.destroy();
        return;
      }
      sendJson(response, request.method === 'PUT' ? 201 : 200, hostedByAlice());
    });
    const played = await launcher({ calls: client(scripted.url) });
    for (const expected of ['500', 'directory-unavailable']) {
      await hosted(played);
      played.game.says({ type: 'left' });
      await played.settle();
      expect(played.log.lines('warn').at(-1)).toBe(
        `play: could not leave the hosted session (${expected})`,
      );
    }
  });

  it('leaves the hosted session when the game ends, and goes idle', async () => {
    const played = await launcher();
    const { game, controller, views } = played;
    controller.play();
    game.runs(17);
    const sessionRef = await hosted(played);
    views.length = 0;
    game.ends({ exit: { code: 0, signal: null }, byLauncher: false });
    expect(views).toStrictEqual([{ phase: 'idle' }]);
    await played.settle();
    expect(await directoryCopy(sessionRef)).toBeUndefined();
  });
});

describe('stop', () => {
  it('leaves the hosted session, stops answering the game, and is safe to call twice', async () => {
    const played = await launcher();
    const { game, controller, views } = played;
    controller.play();
    game.runs(18);
    const sessionRef = await hosted(played);
    views.length = 0;
    game.sent.length = 0;
    await controller.stop();
    expect(await directoryCopy(sessionRef)).toBeUndefined();
    expect(views).toStrictEqual([{ phase: 'playing', pid: 18 }]);
    const requests = played.calls.requests.length;
    await controller.stop();
    expect(views).toHaveLength(1);
    game.says({ type: 'left', id: 'late' });
    game.runs(19);
    await played.settle();
    await poll(played, 1000);
    expect(game.sent).toStrictEqual([]);
    expect(views).toHaveLength(1);
    expect(played.calls.requests).toHaveLength(requests);
  });

  it('called again while leaving, resolves only once the session is left', async () => {
    let held: ServerResponse | undefined;
    let leaving: () => void = () => undefined;
    const leaveArrived = new Promise<void>((resolve) => (leaving = resolve));
    const scripted = await serve((request, response) => {
      if (request.method === 'PUT' && request.body.includes('"me":null')) {
        held = response;
        leaving();
        return;
      }
      sendJson(response, request.method === 'PUT' ? 201 : 200, hostedByAlice());
    });
    const played = await launcher({ calls: client(scripted.url) });
    await hosted(played);
    const done: string[] = [];
    const first = played.controller.stop().then(() => done.push('first'));
    await leaveArrived;
    const second = played.controller.stop().then(() => done.push('second'));
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(done).toStrictEqual([]);
    held?.writeHead(204);
    held?.end();
    await Promise.all([first, second]);
    expect(done).toStrictEqual(['first', 'second']);
    expect(played.log.lines().at(-1)).toBe(
      'play: left the session the launcher hosted for the game',
    );
  });

  it('with nothing to leave, sends nothing', async () => {
    const { controller, calls, views } = await launcher();
    await controller.stop();
    expect(calls.requests).toStrictEqual([]);
    expect(views).toStrictEqual([]);
  });

  it('cancels a hosting write on its way, takes back what it may have written, and waits for that', async () => {
    let arrived: () => void = () => undefined;
    const writing = new Promise<void>((resolve) => (arrived = resolve));
    const scripted = await serve((_request, response) => {
      // Silent on the first write (the directory has it); the leave that follows is answered.
      if (scripted.requests.length === 1) return arrived();
      response.writeHead(204);
      response.end();
    });
    const played = await launcher({ calls: client(scripted.url) });
    played.game.says({
      type: 'host-session',
      id: 'h3',
      seats: 2,
      joinRestriction: 'none',
      connection: 'x',
    });
    await writing;
    await played.controller.stop();
    expect(played.game.sent).toStrictEqual([
      expect.objectContaining({ type: 'host-failed', id: 'h3', code: 'directory-unavailable' }),
    ]);
    const [write, leave] = scripted.requests;
    expect(scripted.requests).toHaveLength(2);
    expect(leave?.url).toBe(write?.url);
    expect(JSON.parse(leave?.body ?? '')).toStrictEqual({ members: { me: null } });
  });

  it('leaves a session whose hosting finished after stop() began, and tells the game nothing', async () => {
    let held: ServerResponse | undefined;
    let secondWrite: () => void = () => undefined;
    const hostWriteArrived = new Promise<void>((resolve) => (secondWrite = resolve));
    const scripted = await serve((request, response) => {
      const seen = scripted.requests.length;
      if (seen === 1) return sendJson(response, 201, hostedByAlice());
      if (seen === 2) {
        held = response;
        return secondWrite();
      }
      response.writeHead(204);
      response.end();
    });
    // The host write's answer was already on its way when Play stopped: it arrives regardless.
    const real = client(scripted.url);
    const answeredRegardless: DirectoryCalls = {
      call: (method, path, body, options) =>
        real.call(method, path, body, {
          ...options,
          signal: JSON.stringify(body).includes('"host"')
            ? new AbortController().signal
            : options.signal,
        }),
    };
    const played = await launcher({ calls: answeredRegardless });
    played.game.says({
      type: 'host-session',
      id: 'h4',
      seats: 2,
      joinRestriction: 'none',
      connection: 'x',
    });
    await hostWriteArrived;
    let stopped = false;
    const stopping = played.controller.stop().then(() => (stopped = true));
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    sendJson(held as ServerResponse, 200, hostedByAlice());
    await stopping;
    expect(played.game.sent).toStrictEqual([]);
    expect(played.views).toStrictEqual([]);
    const leave = scripted.requests[2];
    expect(scripted.requests).toHaveLength(3);
    expect(leave?.url).toBe(scripted.requests[0]?.url);
    expect(JSON.parse(leave?.body ?? '')).toStrictEqual({ members: { me: null } });
    expect(played.log.lines().at(-1)).toBe(
      'play: left the session the launcher hosted for the game',
    );
  });
});

describe('without a log', () => {
  it('does every step all the same, failures included', async () => {
    const opened: string[] = [];
    const played = await launcher({
      withoutLog: true,
      openInviteDialog: (sessionRef) => {
        opened.push(sessionRef);
        return Promise.reject(new Error('no window'));
      },
    });
    const { game, controller, settle } = played;
    const refusal = { code: 'already-running', message: 'a copy runs' } as const;
    game.playAnswer = err(refusal);
    expect(controller.play()).toStrictEqual(err(refusal));
    game.playAnswer = ok({ pid: 21 });
    expect(controller.play()).toStrictEqual(ok({ pid: 21 }));
    game.runs(21);
    const steps: GameMessage[] = [
      { type: 'invite-players', xuids: [bob.xuid] },
      { type: 'open-invite-dialog' },
      { type: 'left' },
      { type: 'open-invite-dialog' },
      { type: 'hosting', sessionRef: await directoryCopyOfOwnSession() },
    ];
    const sessionRef = await hosted(played);
    for (const step of steps) {
      game.says(step);
      await settle();
    }
    const own = steps[4]?.type === 'hosting' ? steps[4].sessionRef : '';
    const ownCopy = await directoryCopy(own);
    if (ownCopy === undefined) throw new Error('no session of its own');
    game.joinedBy({
      invite: { kind: 'invite', handleId: aHandleId, localXuid: alice.xuid, remoteXuid: bob.xuid },
      xuid: alice.xuid,
      sessionRef: own,
      session: ownCopy,
    });
    await hosted(played);
    await directory?.close();
    directory = undefined;
    game.says({ type: 'host-session', seats: 2, joinRestriction: 'none', connection: 'x' });
    await settle();
    game.ends({ exit: { code: 1, signal: null }, byLauncher: false });
    await settle();
    expect(game.sent.map((message) => message.type)).toStrictEqual([
      'session-hosted',
      'members',
      'invite-sent',
      'left-noted',
      'invite-dialog-closed',
      'members',
      'members',
      'session-hosted',
      'members',
      'host-failed',
    ]);
    expect(opened).toStrictEqual([sessionRef]);
    expect(controller.view()).toStrictEqual({
      phase: 'idle',
      lastExit: {
        crashed: true,
        description: 'exit code 1',
        reason: { kind: 'exit-code', code: 1 },
      },
    });
  });
});

/** A scripted directory's copy of a session Alice hosts alone. */
function hostedByAlice(): Record<string, unknown> {
  const members = session([alice.xuid]) as { members: Record<string, object> };
  return {
    ...members,
    members: { '0': { ...members.members['0'], deviceToken: 'dt-alice' } },
    properties: { system: { host: 'dt-alice' } },
  };
}

/** A session Alice made herself (as a game with session code of its own does), on the directory. */
async function directoryCopyOfOwnSession(): Promise<string> {
  const url = directory?.url ?? '';
  const path = `/serviceconfigs/${defaultGameTitle.scid}/sessionTemplates/default/sessions/own-${Date.now()}`;
  const made = await call(url, 'PUT', path, {
    headers: { authorization: await authorization(url, alice) },
    body: {
      constants: { system: { maxMembersCount: 4, visibility: 'open' } },
      members: {
        me: {
          constants: { system: { xuid: alice.xuid, initialize: true } },
          properties: { system: { active: true } },
        },
      },
    },
  });
  if (made.status !== 201) throw new Error(`${made.status} ${made.text}`);
  return path;
}
