/**
 * The presence connection (presence-connection.ts) against a scripted directory on loopback: a
 * real WebSocket `/connect` and real session writes over HTTP, each answer chosen by the test, so
 * every way the connection opens, fails, follows a session and ends is pinned without a game or a
 * full directory. Waits on events, never on time (the few timeouts are the module's own); each wait
 * is bounded (`until`), so an event that never comes fails the test at once with what was awaited
 * instead of holding it to the suite's timeout (a mutation run plants exactly such bugs).
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { authorizationHeader, contractVersion } from '../../../src/main/join/directory-client';
import type { GameHandOff } from '../../../src/main/join/game-hand-off';
import {
  withPresence,
  type PresenceConnection,
  type PresenceOptions,
} from '../../../src/main/join/presence-connection';
import type { AccessToken, TokenProvider } from '../../../src/main/join/token-provider';
import { rallypointUserAgent } from '../../../src/main/join/user-agent';
import { err, ok } from '../../../src/shared/result';
import { FakeGame, MemoryLog, invite, playerXuid, sessionWithPlayer } from './join-machine-fakes';
import { Secret } from '../../../src/main/account/secret';

/**
 * Waits until `condition` holds, polling every 5 ms; after 3 s it fails with `what`. The bound is
 * no measure of speed (every event here is a loopback message, ready in milliseconds): it only
 * turns a wait for an event that never comes into a clear failure rather than a hang.
 */
async function until(what: string, condition: () => boolean): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`still waiting for ${what}`);
    },
    { timeout: 3_000, interval: 5 },
  );
}

const sessionPath = '/serviceconfigs/s/sessionTemplates/t/sessions/a';
const connectionsResource = 'https://sessiondirectory.xboxlive.com/connections/';

/** Tokens whose n-th answer is `token-n`; records each `forceRefresh`. */
class CountingTokens implements TokenProvider {
  readonly asked: boolean[] = [];
  failure: string | undefined;
  async getToken({ forceRefresh }: { forceRefresh: boolean }) {
    this.asked.push(forceRefresh);
    if (this.failure !== undefined) {
      return err({ code: 'unauthorized' as const, message: this.failure, retryable: false });
    }
    return ok<AccessToken>({
      xuid: playerXuid,
      userHash: 'uhs',
      token: new Secret(`token-${this.asked.length}`),
    });
  }
}

interface Put {
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A directory with a scripted `/connect` and session writes; every socket and write recorded. */
class ScriptedDirectory {
  readonly upgrades: IncomingHttpHeaders[] = [];
  readonly upgradePaths: (string | undefined)[] = [];
  readonly puts: Put[] = [];
  readonly sockets: WebSocket[] = [];
  readonly received: unknown[][] = [];
  readonly closes: { code: number; reason: string }[] = [];
  /** Status of each upgrade in turn (101: accept); the last one repeats. */
  upgradeStatuses = [101];
  /** Answers a message; default: the connection id for the connections subscription. */
  answer: (message: unknown[], socket: WebSocket) => void = (message, socket) => {
    if (message[0] === 1 && message[2] === connectionsResource) {
      socket.send(JSON.stringify([1, message[1], 0, 1, { ConnectionId: 'conn-1' }]));
    }
  };
  /** Status of each session write in turn; the last one repeats. */
  putStatuses = [200];
  /** Destroys the socket of each write instead of answering. */
  dropPuts = false;
  /** Leaves each write unanswered. */
  holdPuts = false;
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  #upgradeCount = 0;
  #putCount = 0;

  constructor() {
    this.#server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => {
        this.puts.push({ url: request.url, headers: request.headers, body: JSON.parse(text) });
        if (this.dropPuts) return request.socket.destroy();
        if (this.holdPuts) return;
        const status =
          this.putStatuses[Math.min(this.#putCount++, this.putStatuses.length - 1)] ?? 500;
        // A redirect names a place a client that follows it would write to.
        const moved = status >= 300 && status < 400 ? { location: `${request.url}-moved` } : {};
        response.writeHead(status, { 'content-type': 'application/json', ...moved });
        response.end('{}');
      });
    });
    this.#server.on('upgrade', (request, socket, head) => {
      this.upgrades.push(request.headers);
      this.upgradePaths.push(request.url);
      const i = Math.min(this.#upgradeCount++, this.upgradeStatuses.length - 1);
      const status = this.upgradeStatuses[i] ?? 101;
      if (status !== 101) {
        socket.end(`HTTP/1.1 ${status} No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(request, socket, head, (ws) => {
        this.sockets.push(ws);
        ws.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString('utf8')) as unknown[];
          this.received.push(message);
          this.answer(message, ws);
        });
        ws.on('close', (code, reason) => this.closes.push({ code, reason: reason.toString() }));
      });
    });
  }

  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Resolves once `count` sockets have closed. */
  async closed(count = 1): Promise<void> {
    await until(`${count} socket(s) closed`, () => this.closes.length >= count);
  }
}

/** Records what the watcher was told. */
class RecordingWatcher {
  readonly joins: { path: string; connection: PresenceConnection }[] = [];
  ended = 0;
  joined(path: string, connection: PresenceConnection): void {
    this.joins.push({ path, connection });
  }
  ended_(): void {
    this.ended += 1;
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  options: Partial<PresenceOptions> & { closesGame?: boolean; baseUrl?: string } = {},
) {
  const directory = new ScriptedDirectory();
  const url = await directory.start();
  cleanups.push(() => directory.stop());
  const tokens = new CountingTokens();
  const game = new FakeGame();
  const log = new MemoryLog();
  const watcher = new RecordingWatcher();
  const presence = withPresence(game, {
    baseUrl: url,
    tokens,
    log,
    closesGame: true,
    watcher: { joined: (p, c) => watcher.joined(p, c), ended: () => watcher.ended_() },
    ...options,
  });
  cleanups.push(() => presence.close());
  return { directory, url, tokens, game, log, watcher, presence };
}

const request = (sessionRef = sessionPath) => ({
  invite: invite(),
  xuid: playerXuid,
  sessionRef,
  session: sessionWithPlayer(),
});

const join = (presence: GameHandOff, sessionRef = sessionPath, signal?: AbortSignal) =>
  presence.join(request(sessionRef), { signal: signal ?? new AbortController().signal });

describe('withPresence: the connection while the game runs', () => {
  it('opens one connection, writes its id into the session, and closes it when the game exits', async () => {
    const { directory, tokens, game, log, watcher, presence } = await setUp();

    const joined = await join(presence);

    expect(joined).toEqual(ok({ connection: 'SG9zdEFkZHJlc3M=', handedToRunningGame: false }));
    expect(game.joins).toHaveLength(1);
    expect(directory.upgradePaths).toEqual(['/connect']);
    const token: AccessToken = { xuid: playerXuid, userHash: 'uhs', token: new Secret('token-1') };
    expect(directory.upgrades[0]).toMatchObject({
      authorization: authorizationHeader(token),
      'x-xbl-contract-version': contractVersion,
      'user-agent': rallypointUserAgent(),
    });
    expect(directory.received[0]).toEqual([1, 1, connectionsResource]);
    // No compression is offered: messages stay small and a compressed flood cannot grow in memory.
    expect(directory.upgrades[0]?.['sec-websocket-extensions']).toBeUndefined();
    expect(directory.puts).toHaveLength(1);
    expect(directory.puts[0]).toMatchObject({
      url: sessionPath,
      headers: {
        authorization: 'XBL3.0 x=uhs;token-2',
        'x-xbl-contract-version': contractVersion,
        'content-type': 'application/json; charset=utf-8',
        'user-agent': rallypointUserAgent(),
      },
      body: { members: { me: { properties: { system: { active: true, connection: 'conn-1' } } } } },
    });
    expect(tokens.asked).toEqual([false, false]);
    expect(watcher.joins.map((j) => j.path)).toEqual([sessionPath]);
    expect(watcher.joins[0]?.connection.connectionId).toBe('conn-1');
    expect(watcher.joins[0]?.connection.isOpen()).toBe(true);
    expect(log.lines).toEqual([
      'info presence connection open',
      'info presence: connection id written into the session',
    ]);

    // A second join while the game runs reuses the open connection.
    await join(presence);
    expect(directory.upgrades).toHaveLength(1);
    expect(directory.puts).toHaveLength(2);

    game.exit();
    await directory.closed();
    expect(directory.closes).toEqual([{ code: 1000, reason: 'game ended' }]);
    expect(watcher.ended).toBe(1);
    expect(log.lines.at(-1)).toBe('info presence connection closed: the game exited');
    expect(watcher.joins[0]?.connection.isOpen()).toBe(false);

    // The next game gets a new connection.
    await join(presence);
    expect(directory.upgrades).toHaveLength(2);
  });

  it('a connection the directory closed is opened again for the next join', async () => {
    const { directory, watcher, presence } = await setUp();
    await join(presence);
    directory.sockets[0]?.close(1001, 'going away');
    await directory.closed();
    const first = watcher.joins[0]?.connection;
    await until('the connection to see its socket closed', () => first?.isOpen() === false);

    await join(presence);

    expect(directory.upgrades).toHaveLength(2);
    expect(watcher.joins[1]?.connection.isOpen()).toBe(true);
  });

  it('the trailing slashes of the directory URL are not doubled', async () => {
    const directory = new ScriptedDirectory();
    const url = await directory.start();
    cleanups.push(() => directory.stop());
    const presence = withPresence(new FakeGame(), {
      baseUrl: `${url}//`,
      tokens: new CountingTokens(),
      closesGame: true,
    });
    cleanups.push(() => presence.close());

    await join(presence);

    expect(directory.upgradePaths).toEqual(['/connect']);
    expect(directory.puts.map((put) => put.url)).toEqual([sessionPath]);
  });

  it('close() ends the presence and the game it owns', async () => {
    const { directory, game, log, watcher, presence } = await setUp();
    await join(presence);

    await presence.close();
    await directory.closed();

    expect(game.closed).toBe(1);
    expect(watcher.ended).toBe(1);
    expect(log.lines.at(-1)).toBe('info presence connection closed: the launcher closed');
  });

  it('a shared game (`closesGame: false`) keeps running when this player closes', async () => {
    const { directory, game, presence } = await setUp({ closesGame: false });
    await join(presence);

    await presence.close();
    await directory.closed();

    expect(game.closed).toBe(0);
    expect(presence.isRunning()).toBe(true);
  });

  it('a game that did not join and is not running ends the presence', async () => {
    const directory = new ScriptedDirectory();
    const url = await directory.start();
    cleanups.push(() => directory.stop());
    const watcher = new RecordingWatcher();
    const game = new FakeGame();
    game.answer = err({ code: 'game-failed', message: 'crashed' } as never);
    const presence = withPresence(
      {
        join: (r, o) => game.join(r, o),
        isRunning: () => false,
        close: () => game.close(),
      },
      {
        baseUrl: url,
        tokens: new CountingTokens(),
        closesGame: true,
        watcher: { joined: (p, c) => watcher.joined(p, c), ended: () => watcher.ended_() },
      },
    );

    const joined = await join(presence);
    await directory.closed();

    expect(joined.ok).toBe(false);
    expect(watcher.joins).toEqual([]);
    expect(watcher.ended).toBe(1);
    expect(directory.closes).toEqual([{ code: 1000, reason: 'game ended' }]);
  });

  it('a game that did not join but still runs keeps the presence', async () => {
    const { directory, game, watcher, presence } = await setUp();
    await join(presence);
    game.answer = err({ code: 'game-failed', message: 'refused' } as never);

    const joined = await join(presence);

    expect(joined.ok).toBe(false);
    expect(watcher.ended).toBe(0);
    expect(watcher.joins).toHaveLength(1);
    expect(directory.closes).toEqual([]);
  });

  it('a join cancelled while the game joins tells no watcher', async () => {
    const { directory, game, watcher, presence } = await setUp();
    const controller = new AbortController();
    game.answer = async () => {
      await until('the connection id written', () => directory.puts.length === 1);
      controller.abort();
      return ok({ connection: 'SG9zdEFkZHJlc3M=', handedToRunningGame: false });
    };

    const joined = await join(presence, sessionPath, controller.signal);

    expect(joined.ok).toBe(true);
    expect(directory.upgrades).toHaveLength(1);
    expect(watcher.joins).toEqual([]);
  });

  it('a game exit and a close before any join end nothing but tell the watcher', async () => {
    const { directory, game, log, watcher, presence } = await setUp();

    game.exit();
    await presence.close();
    await new Promise((resolve) => setImmediate(resolve));

    expect(watcher.ended).toBe(2);
    expect(directory.upgrades).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('a connection the directory already closed is not closed again when the game exits', async () => {
    const { directory, game, log, watcher, presence } = await setUp();
    await join(presence);
    directory.sockets[0]?.close(1001, 'going away');
    const first = watcher.joins[0]?.connection;
    await until('the connection to see its socket closed', () => first?.isOpen() === false);

    game.exit();
    await new Promise((resolve) => setImmediate(resolve));

    expect(watcher.ended).toBe(1);
    expect(log.lines).toEqual([
      'info presence connection open',
      'info presence: connection id written into the session',
    ]);
  });

  it('a failed opening is tried again at the next join', async () => {
    const { directory, log, watcher, presence } = await setUp();
    directory.upgradeStatuses = [403, 101];

    await join(presence);
    await join(presence);

    expect(directory.upgrades).toHaveLength(2);
    expect(watcher.joins).toHaveLength(1);
    expect(log.lines).toEqual([
      'warn no presence connection (the member will not turn inactive if the launcher dies): upgrade refused (403)',
      'info presence connection open',
      'info presence: connection id written into the session',
    ]);
  });

  it("the game's exit is offered on, and only where the game has one", async () => {
    const { game, presence } = await setUp();
    const heard: string[] = [];

    presence.onExit?.((description) => heard.push(description));
    game.exit('exit code 3');

    expect(heard).toEqual(['exit code 3']);
    const bare = withPresence(
      { join: (r, o) => game.join(r, o), isRunning: () => true, close: () => game.close() },
      { baseUrl: 'http://127.0.0.1:1', tokens: new CountingTokens(), closesGame: false },
    );
    expect('onExit' in bare).toBe(false);
  });

  it('a join cancelled before the connection opened writes nothing and tells no watcher', async () => {
    const { directory, watcher, presence } = await setUp();
    const controller = new AbortController();
    controller.abort();

    await join(presence, sessionPath, controller.signal);

    expect(directory.upgrades).toHaveLength(1);
    expect(directory.puts).toEqual([]);
    expect(watcher.joins).toEqual([]);
  });
});

describe('withPresence: best effort when the directory will not', () => {
  it('a refused upgrade (401) gets one token refresh', async () => {
    const { directory, tokens, log, presence } = await setUp();
    directory.upgradeStatuses = [401, 101];

    await join(presence);

    expect(directory.upgrades.map((headers) => headers.authorization)).toEqual([
      'XBL3.0 x=uhs;token-1',
      'XBL3.0 x=uhs;token-2',
    ]);
    expect(tokens.asked.slice(0, 2)).toEqual([false, true]);
    expect(log.lines[0]).toBe('info presence connection open');
  });

  it('a second 401 gives up: the join goes on without presence', async () => {
    const { directory, log, watcher, presence } = await setUp();
    directory.upgradeStatuses = [401];

    const joined = await join(presence);

    expect(joined.ok).toBe(true);
    expect(directory.upgrades).toHaveLength(2);
    expect(directory.puts).toEqual([]);
    expect(watcher.joins).toEqual([]);
    expect(log.lines).toEqual([
      'warn no presence connection (the member will not turn inactive if the launcher dies): upgrade refused (401)',
    ]);
  });

  it('any other refusal is not retried', async () => {
    const { directory, tokens, log, presence } = await setUp();
    directory.upgradeStatuses = [403];

    await join(presence);

    expect(directory.upgrades).toHaveLength(1);
    expect(tokens.asked).toEqual([false]);
    expect(log.lines).toEqual([
      'warn no presence connection (the member will not turn inactive if the launcher dies): upgrade refused (403)',
    ]);
  });

  it('no token: no socket', async () => {
    const { directory, tokens, log, presence } = await setUp();
    tokens.failure = 'signed out';

    await join(presence);

    expect(directory.upgrades).toEqual([]);
    expect(log.lines).toEqual([
      'warn no presence connection (the member will not turn inactive if the launcher dies): no token: signed out',
    ]);
  });

  it.each(['ftp://127.0.0.1:1', 'not a url'])(
    'a directory URL that is not http(s): %s',
    async (baseUrl) => {
      const log = new MemoryLog();
      const presence = withPresence(new FakeGame(), {
        baseUrl,
        tokens: new CountingTokens(),
        log,
        closesGame: true,
      });

      await join(presence);

      expect(log.lines).toEqual([
        'warn no presence connection (the member will not turn inactive if the launcher dies): the directory URL is not http(s)',
      ]);
    },
  );

  it('an https directory is reached over wss, never plain ws', async () => {
    const directory = new ScriptedDirectory();
    const url = await directory.start();
    cleanups.push(() => directory.stop());
    const log = new MemoryLog();
    const presence = withPresence(new FakeGame(), {
      baseUrl: url.replace('http:', 'https:'),
      tokens: new CountingTokens(),
      log,
      closesGame: true,
    });

    await join(presence);

    // The plain server cannot speak TLS: the socket never opens, and the warning says why.
    expect(directory.sockets).toEqual([]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^warn no presence connection/);
    expect(log.lines[0]).not.toMatch(/not http\(s\)|in time|: undefined$/);
  });

  it.each([
    ['no connection id', [1, 1, 0, 1, {}]],
    ['no state', [1, 1, 0, 1]],
    ['a refused subscription', [1, 1, 5, 1, { ConnectionId: 'conn-1' }]],
    ['not a list', { ConnectionId: 'conn-1' }],
    ['an id that is not text', [1, 1, 0, 1, { ConnectionId: 7 }]],
  ])('an answer with %s gives no connection', async (_what, reply) => {
    const { directory, log, presence } = await setUp();
    directory.answer = (_message, socket) => socket.send(JSON.stringify(reply));

    await join(presence);
    await directory.closed();

    expect(directory.puts).toEqual([]);
    expect(log.lines).toEqual([
      'warn no presence connection (the member will not turn inactive if the launcher dies): the subscription gave no connection id',
    ]);
  });

  it('an answer that is not JSON gives no connection', async () => {
    const { directory, log, presence } = await setUp();
    directory.answer = (_message, socket) => socket.send('{not json');

    await join(presence);

    expect(log.lines).toEqual([
      'warn no presence connection (the member will not turn inactive if the launcher dies): the subscription gave no connection id',
    ]);
  });

  it('no answer in time: the socket is dropped', async () => {
    const { directory, log, presence } = await setUp({ timeoutMs: 200 });
    directory.answer = () => undefined;

    await join(presence);
    await directory.closed();

    expect(directory.puts).toEqual([]);
    expect(directory.closes[0]?.code).toBe(1006);
    expect(log.lines).toEqual([
      'warn no presence connection (the member will not turn inactive if the launcher dies): no connection id in time',
    ]);
  });
});

describe('withPresence: writing the connection id', () => {
  it.each([
    ['201', [201]],
    ['401 then 200', [401, 200]],
  ])('statuses %s are written', async (_what, statuses) => {
    const { directory, tokens, log, presence } = await setUp();
    directory.putStatuses = statuses;

    await join(presence);

    expect(directory.puts).toHaveLength(statuses.length);
    expect(tokens.asked.slice(1)).toEqual(statuses.map((_s, i) => i > 0));
    expect(log.lines.at(-1)).toBe('info presence: connection id written into the session');
  });

  it.each([
    ['status 500', [500], 1],
    ['status 401 twice', [401], 2],
  ])('%s is a warning', async (_what, statuses, puts) => {
    const message = `status ${statuses[0]}`;
    const { directory, log, watcher, presence } = await setUp();
    directory.putStatuses = statuses;

    const joined = await join(presence);

    expect(joined.ok).toBe(true);
    expect(directory.puts).toHaveLength(puts);
    expect(log.lines.at(-1)).toBe(`warn presence: could not write the connection id: ${message}`);
    // The connection still holds the player active: the watcher follows the session on it.
    expect(watcher.joins).toHaveLength(1);
  });

  it('a redirect is not followed: it is a warning', async () => {
    const { directory, log, presence } = await setUp();
    directory.putStatuses = [307];

    await join(presence);

    expect(directory.puts.map((put) => put.url)).toEqual([sessionPath]);
    expect(log.lines.at(-1)).toBe('warn presence: could not write the connection id: status 307');
  });

  it('a write left unanswered gives up after the timeout given', async () => {
    const { directory, log, presence } = await setUp({ timeoutMs: 1_000 });
    directory.holdPuts = true;
    let done = false;

    const joining = join(presence).then(() => (done = true));
    await until('the unanswered write to give up', () => done);
    await joining;

    expect(directory.puts).toHaveLength(1);
    expect(log.lines.at(-1)).toBe(
      "warn presence: could not write the connection id: Timeout awaiting 'request' for 1000ms",
    );
  });

  it('a write that loses its connection is a warning with the reason', async () => {
    const { directory, log, presence } = await setUp();
    directory.dropPuts = true;

    await join(presence);

    expect(log.lines.at(-1)).toMatch(/^warn presence: could not write the connection id: \S/);
  });

  it('a session reference that is not a session path is never written to', async () => {
    const { directory, log, presence } = await setUp();

    await join(presence, '/handles/../admin');

    expect(directory.puts).toEqual([]);
    expect(log.lines.at(-1)).toBe(
      'warn presence: could not write the connection id: not a session path',
    );
  });

  it('a token that cannot be had for the write is a warning', async () => {
    const { directory, tokens, log, presence } = await setUp();
    let calls = 0;
    const getToken = tokens.getToken.bind(tokens);
    tokens.getToken = async (options) => {
      calls += 1;
      if (calls === 2) tokens.failure = 'expired';
      return getToken(options);
    };

    await join(presence);

    expect(directory.puts).toEqual([]);
    expect(log.lines.at(-1)).toBe(
      'warn presence: could not write the connection id: no token: expired',
    );
  });
});

describe('followSession: session changes on the presence socket', () => {
  async function connected(timeoutMs?: number) {
    const set = await setUp(timeoutMs === undefined ? {} : { timeoutMs });
    await join(set.presence);
    const connection = set.watcher.joins[0]?.connection;
    if (!connection) throw new Error('no connection');
    return { ...set, connection };
  }

  /** Answers each session subscription with `reply(sequence)`. */
  function answerSubscriptions(
    directory: ScriptedDirectory,
    reply: (sequence: number) => unknown[] | undefined,
  ) {
    const base = directory.answer;
    directory.answer = (message, socket) => {
      if (message[0] === 1 && message[2] !== connectionsResource) {
        const answer = reply(message[1] as number);
        if (answer) socket.send(JSON.stringify(answer));
      } else base(message, socket);
    };
  }

  it('subscribes with the session resource, hears the highest change of each tap, and stops once', async () => {
    const { directory, connection } = await connected();
    answerSubscriptions(directory, (sequence) => [1, sequence, 0, 7, { changeNumber: 5 }]);
    const heard: number[] = [];

    const followed = await connection.followSession(sessionPath, (n) => heard.push(n));

    if (!followed.ok) throw new Error(followed.error);
    expect(followed.value.changeNumber).toBe(5);
    expect(directory.received[1]).toEqual([
      1,
      2,
      `https://sessiondirectory.xboxlive.com${sessionPath}`,
    ]);
    const socket = directory.sockets[0];
    const taps = (list: unknown) => socket?.send(JSON.stringify([3, 7, { shoulderTaps: list }]));
    taps([{ changeNumber: 6 }, { changeNumber: 9 }, { changeNumber: 8 }]);
    taps([{ changeNumber: -1 }, { changeNumber: 1.5 }, { changeNumber: '12' }, null]);
    taps('not a list');
    socket?.send(JSON.stringify([3, 8, { shoulderTaps: [{ changeNumber: 20 }] }]));
    socket?.send(JSON.stringify([3, 7, null]));
    taps([...Array.from({ length: 64 }, () => ({ changeNumber: 0 })), { changeNumber: 99 }]);
    taps([{ changeNumber: Number.MAX_SAFE_INTEGER + 2 }, { changeNumber: 11 }]);
    await until('three change numbers heard', () => heard.length >= 3);
    expect(heard).toEqual([9, 0, 11]);

    followed.value.stop();
    await until('the unsubscribe message', () => directory.received.length >= 3);
    expect(directory.received[2]).toEqual([2, 3, 7]);
    // Stopped: a tap is no longer heard, and a second stop sends nothing. The next subscription's
    // answer comes after both on the same socket.
    taps([{ changeNumber: 50 }]);
    followed.value.stop();
    await connection.followSession(sessionPath, () => undefined);
    expect(directory.received.slice(3)).toEqual([
      [1, 4, `https://sessiondirectory.xboxlive.com${sessionPath}`],
    ]);
    expect(heard).toEqual([9, 0, 11]);
  });

  it('messages that are no list, or of another type, are ignored', async () => {
    const { directory, connection } = await connected();
    answerSubscriptions(directory, (sequence) => [1, sequence, 0, 7, { changeNumber: 1 }]);
    const heard: number[] = [];
    await connection.followSession(sessionPath, (n) => heard.push(n));
    const socket = directory.sockets[0];
    const tap = (changeNumber: number) => ({ shoulderTaps: [{ changeNumber }] });

    socket?.send('{not json');
    socket?.send(JSON.stringify({ 0: 3, 1: 7, 2: tap(20) }));
    socket?.send(JSON.stringify([2, 7, tap(30)]));
    socket?.send(JSON.stringify([3, 7, tap(4)]));
    await until('the change heard', () => heard.length >= 1);

    expect(heard).toEqual([4]);
    expect(connection.isOpen()).toBe(true);
  });

  it('answered subscriptions do not count as waiting', async () => {
    const { directory, connection } = await connected();
    answerSubscriptions(directory, (sequence) => [1, sequence, 0, sequence]);

    for (let i = 0; i < 9; i += 1) {
      expect((await connection.followSession(sessionPath, () => undefined)).ok).toBe(true);
    }
  });

  it('subscriptions that timed out do not count as waiting', async () => {
    const { directory, connection } = await connected(300);
    let answering = false;
    answerSubscriptions(directory, (sequence) => (answering ? [1, sequence, 0, 7] : undefined));

    const unanswered = await Promise.all(
      Array.from({ length: 8 }, () => connection.followSession(sessionPath, () => undefined)),
    );
    expect(unanswered).toEqual(
      Array.from({ length: 8 }, () => err('the subscription was not answered')),
    );
    answering = true;

    expect((await connection.followSession(sessionPath, () => undefined)).ok).toBe(true);
  });

  it('a message over 64 KiB from the directory ends the connection', async () => {
    const { directory, connection } = await connected();

    directory.sockets[0]?.send(JSON.stringify([3, 7, 'x'.repeat(64 * 1024)]));
    await directory.closed();

    expect(directory.closes[0]?.code).toBe(1009);
    expect(connection.isOpen()).toBe(false);
  });

  it('a subscription answered without a change number starts at 0', async () => {
    const { directory, connection } = await connected();
    answerSubscriptions(directory, (sequence) => [1, sequence, 0, 7]);

    const followed = await connection.followSession(sessionPath, () => undefined);

    expect(followed.ok && followed.value.changeNumber).toBe(0);
  });

  it.each([
    ['status 3', [1, 0, 3, 'no such session'], 'subscription refused (3: no such session)'],
    ['an id that is no number', [1, 0, 0, 'seven'], 'subscription refused (0: seven)'],
    ['status 5 and an id', [1, 0, 5, 7], 'subscription refused (5: 7)'],
    [
      'a reason of 300 characters, cut to 200',
      [1, 0, 4, 'x'.repeat(300)],
      `subscription refused (4: ${'x'.repeat(200)})`,
    ],
  ])('a refusal with %s is an error', async (_what, reply, message) => {
    const { directory, connection } = await connected();
    answerSubscriptions(directory, (sequence) => [reply[0], sequence, ...reply.slice(2)]);

    expect(await connection.followSession(sessionPath, () => undefined)).toEqual(err(message));
  });

  it('an answer to another sequence number is not this one', async () => {
    const { directory, connection } = await connected(300);
    answerSubscriptions(directory, (sequence) => [1, sequence + 40, 0, 7]);

    expect(await connection.followSession(sessionPath, () => undefined)).toEqual(
      err('the subscription was not answered'),
    );
  });

  it('refuses what is not a session path, a closed socket, and more than 8 waiting', async () => {
    // Subscriptions wait up to a minute here: only the close can answer them in the test's time.
    const { directory, connection } = await connected(60_000);
    answerSubscriptions(directory, () => undefined);

    expect(await connection.followSession('/handles/x', () => undefined)).toEqual(
      err('not a session path'),
    );
    let settled = 0;
    const waiting = Array.from({ length: 8 }, () =>
      connection.followSession(sessionPath, () => undefined).finally(() => (settled += 1)),
    );
    expect(await connection.followSession(sessionPath, () => undefined)).toEqual(
      err('too many subscriptions waiting'),
    );
    // Closing the socket answers every waiting subscription at once.
    connection.close();
    await until('the close to answer the 8 waiting subscriptions', () => settled === 8);
    expect(await Promise.all(waiting)).toEqual(
      Array.from({ length: 8 }, () => err('the subscription was not answered')),
    );
    expect(await connection.followSession(sessionPath, () => undefined)).toEqual(
      err('the presence connection is closed'),
    );
  });

  it('a stop after the socket closed sends nothing', async () => {
    const { directory, connection } = await connected();
    answerSubscriptions(directory, (sequence) => [1, sequence, 0, 7, { changeNumber: 1 }]);
    const followed = await connection.followSession(sessionPath, () => undefined);
    connection.close();
    await directory.closed();

    expect(() => followed.ok && followed.value.stop()).not.toThrow();
    expect(directory.received).toHaveLength(2);
  });
});

describe('withPresence: without a log, and the reasons it logs', () => {
  it('a failed opening and a failed write without a log leave the joins as they were', async () => {
    const directory = new ScriptedDirectory();
    const url = await directory.start();
    cleanups.push(() => directory.stop());
    directory.upgradeStatuses = [403, 101];
    directory.putStatuses = [500];
    const presence = withPresence(new FakeGame(), {
      baseUrl: url,
      tokens: new CountingTokens(),
      closesGame: true,
    });
    cleanups.push(() => presence.close());

    expect((await join(presence)).ok).toBe(true);
    expect((await join(presence)).ok).toBe(true);

    expect(directory.upgrades).toHaveLength(2);
    expect(directory.puts).toHaveLength(1);
  });

  it('a game that did not join and is not running logs why the presence closed', async () => {
    const directory = new ScriptedDirectory();
    const url = await directory.start();
    cleanups.push(() => directory.stop());
    const game = new FakeGame();
    game.answer = err({ code: 'game-failed', message: 'crashed' } as never);
    const log = new MemoryLog();
    const presence = withPresence(
      { join: (r, o) => game.join(r, o), isRunning: () => false, close: () => game.close() },
      { baseUrl: url, tokens: new CountingTokens(), log, closesGame: true },
    );

    await join(presence);
    await directory.closed();

    expect(log.lines.at(-1)).toBe('info presence connection closed: the game did not join');
  });
});
