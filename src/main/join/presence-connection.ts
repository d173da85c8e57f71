/**
 * The launcher's side of presence. MPSD keeps a member active while its client holds a real-time
 * activity (RTA) connection; a launcher that is killed leaves a ghost member otherwise. While the
 * game runs the launcher holds one WebSocket to the directory's `/connect`, subscribes to the
 * connections resource for its `ConnectionId`, and writes that id into every session it joined
 * (`members.me.properties.system.connection`). When the game exits, or the launcher closes, the
 * socket is closed; if the launcher dies, the operating system closes it. Either way the directory
 * turns the member inactive and removes it after the session's `inactiveRemovalTimeout`.
 *
 * Presence is best effort: a directory without `/connect` (the real MPSD has RTA elsewhere) or a
 * failed write is logged and the join goes on as before.
 */
import type { Logger } from '../logging/logger';
import got from 'got';
import { err, ok, type Result } from '../../shared/result';
import { authorizationHeader, contractVersion, isSessionPath } from './directory-client';
import type { GameHandOff } from './game-hand-off';
import type { TokenProvider } from './token-provider';
import { rallypointUserAgent } from './user-agent';

/** The RTA resource whose subscription answers with the connection id. */
const connectionsResource = 'https://sessiondirectory.xboxlive.com/connections/';

export interface PresenceOptions {
  readonly baseUrl: string;
  readonly tokens: TokenProvider;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /** Time to open the socket, get the connection id, or write it. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** One session followed on the presence connection; `stop` unsubscribes. */
export interface SessionFollow {
  /** The session's change number when the subscription was answered. */
  readonly changeNumber: number;
  stop(): void;
}

/** One open presence connection. */
export interface PresenceConnection {
  readonly connectionId: string;
  /** True until the socket closes, from either side. */
  isOpen(): boolean;
  /**
   * Subscribes to the session at `sessionPath` on this same socket (the directory's session change
   * notifications, docs/directory.md); `onChange` hears each shoulder tap's change number.
   */
  followSession(
    sessionPath: string,
    onChange: (changeNumber: number) => void,
  ): Promise<Result<SessionFollow, string>>;
  close(): void;
}

/** Most session subscriptions answered at once; a directory that never answers cannot pile them up. */
const maxPendingFollows = 8;

/** Where session resources live for RTA: a session path on this host (session-subscriptions.ts). */
const sessionResourceOrigin = 'https://sessiondirectory.xboxlive.com';

/** The highest change number in an RTA event's shoulder taps; undefined for anything else. */
function tapChangeNumber(payload: unknown): number | undefined {
  const taps = (payload as { shoulderTaps?: unknown } | null)?.shoulderTaps;
  if (!Array.isArray(taps)) return undefined;
  let highest: number | undefined;
  for (const tap of taps.slice(0, 64)) {
    const changeNumber = (tap as { changeNumber?: unknown } | null)?.changeNumber;
    if (
      // Stryker disable next-line ConditionalExpression: Number.isSafeInteger is false for anything but a number
      typeof changeNumber === 'number' &&
      Number.isSafeInteger(changeNumber) &&
      changeNumber >= 0
    ) {
      highest = Math.max(highest ?? 0, changeNumber);
    }
  }
  return highest;
}

/**
 * The RTA messages after the connection id: subscribe answers by sequence number and events by
 * subscription id. Anything malformed from the directory is ignored, never thrown.
 */
function sessionFollower(
  socket: import('ws').WebSocket,
  timeoutMs: number,
): {
  receive(message: unknown): void;
  follow: PresenceConnection['followSession'];
} {
  const answers = new Map<number, (answer: readonly unknown[] | undefined) => void>();
  const listeners = new Map<number, (changeNumber: number) => void>();
  let sequence = 1;
  socket.once('close', () => {
    for (const answer of answers.values()) answer(undefined);
    answers.clear();
    listeners.clear();
  });
  return {
    receive(message) {
      if (!Array.isArray(message)) return;
      const [type, first] = message as unknown[];
      if (
        type === 1 &&
        // Stryker disable next-line ConditionalExpression: answers are keyed by number; any other key finds none
        typeof first === 'number'
      ) {
        answers.get(first)?.(message);
        answers.delete(first);
      } else if (
        type === 3 &&
        // Stryker disable next-line ConditionalExpression: listeners are keyed by number; any other key finds none
        typeof first === 'number'
      ) {
        const changeNumber = tapChangeNumber(message[2]);
        if (changeNumber !== undefined) listeners.get(first)?.(changeNumber);
      }
    },
    async follow(sessionPath, onChange) {
      if (!isSessionPath(sessionPath)) return err('not a session path');
      if (socket.readyState !== socket.OPEN) return err('the presence connection is closed');
      if (answers.size >= maxPendingFollows) return err('too many subscriptions waiting');
      sequence += 1;
      const mine = sequence;
      const answer = await new Promise<readonly unknown[] | undefined>((resolve) => {
        const timer = setTimeout(() => {
          answers.delete(mine);
          resolve(undefined);
        }, timeoutMs);
        answers.set(mine, (value) => {
          clearTimeout(timer);
          resolve(value);
        });
        socket.send(JSON.stringify([1, mine, `${sessionResourceOrigin}${sessionPath}`]));
      });
      if (answer === undefined) return err('the subscription was not answered');
      const [, , status, id, state] = answer;
      if (status !== 0 || typeof id !== 'number') {
        return err(`subscription refused (${String(status)}: ${String(answer[3]).slice(0, 200)})`);
      }
      const changeNumber = (state as { changeNumber?: unknown } | null)?.changeNumber;
      listeners.set(id, onChange);
      return ok({
        changeNumber: typeof changeNumber === 'number' ? changeNumber : 0,
        stop: () => {
          if (!listeners.delete(id)) return;
          // Stryker disable next-line ConditionalExpression: ws drops a send on a socket that is closing or closed
          if (socket.readyState !== socket.OPEN) return;
          sequence += 1;
          socket.send(JSON.stringify([2, sequence, id]));
        },
      });
    },
  };
}

/**
 * `http(s)://…/connect` for an `http(s)://…` directory root; undefined for anything else. `ws`
 * opens an `https:` URL over `wss:` and an `http:` one over `ws:`.
 */
function presenceUrl(baseUrl: string): string | undefined {
  const text = `${baseUrl.replace(/\/+$/, '')}/connect`;
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

/** Opens the socket and subscribes for the connection id; a 401 gets one token refresh. */
async function openPresenceConnection(
  options: PresenceOptions,
): Promise<Result<PresenceConnection, string>> {
  const url = presenceUrl(options.baseUrl);
  if (url === undefined) return err('the directory URL is not http(s)');
  const timeoutMs = options.timeoutMs ?? 5000;
  // Loaded here, once a game is being joined: the session write before it never needs ws.
  const { default: WebSocket } = await import('ws');
  for (const forceRefresh of [false, true]) {
    const token = await options.tokens.getToken({ forceRefresh });
    if (!token.ok) return err(`no token: ${token.error.message}`);
    const opened = await new Promise<
      Result<PresenceConnection, { status?: number; message: string }>
    >((resolve) => {
      const socket = new WebSocket(url, {
        headers: {
          authorization: authorizationHeader(token.value),
          'x-xbl-contract-version': contractVersion,
          'user-agent': rallypointUserAgent(),
        },
        handshakeTimeout: timeoutMs,
        maxPayload: 64 * 1024,
        perMessageDeflate: false,
      });
      const timer = setTimeout(
        () => finish(err({ message: 'no connection id in time' })),
        timeoutMs,
      );
      const finish = (result: Result<PresenceConnection, { status?: number; message: string }>) => {
        clearTimeout(timer);
        if (!result.ok) socket.terminate();
        resolve(result);
      };
      socket.once('unexpected-response', (_request, response) =>
        finish(
          err({ status: response.statusCode, message: `upgrade refused (${response.statusCode})` }),
        ),
      );
      socket.once('error', (error) => finish(err({ message: error.message })));
      socket.once('open', () => socket.send(JSON.stringify([1, 1, connectionsResource])));
      const follower = sessionFollower(socket, timeoutMs);
      let connectionId: string | undefined;
      socket.on('message', (data) => {
        let answer: unknown;
        // Stryker disable BlockStatement: an emptied catch leaves the answer undefined as well
        try {
          answer = JSON.parse(String(data));
        } catch {
          answer = undefined;
        }
        // Stryker restore BlockStatement
        if (connectionId !== undefined) return follower.receive(answer);
        const id =
          Array.isArray(answer) && answer[2] === 0
            ? (answer[4] as { ConnectionId?: unknown })?.ConnectionId
            : undefined;
        if (typeof id !== 'string')
          return finish(err({ message: 'the subscription gave no connection id' }));
        connectionId = id;
        finish(
          ok({
            connectionId: id,
            isOpen: () => socket.readyState === WebSocket.OPEN,
            followSession: (path, onChange) => follower.follow(path, onChange),
            close: () => socket.close(1000, 'game ended'),
          }),
        );
      });
    });
    if (opened.ok) return opened;
    if (opened.error.status !== 401 || forceRefresh) return err(opened.error.message);
  }
  // Stryker disable next-line StringLiteral: the loop's second pass always returns
  return err('unreachable');
}

/** Writes the connection id into the caller's member of the session at `sessionPath`. */
async function writeConnection(
  options: PresenceOptions,
  sessionPath: string,
  connectionId: string,
  signal: AbortSignal,
): Promise<Result<void, string>> {
  if (!isSessionPath(sessionPath)) return err('not a session path');
  const body = JSON.stringify({
    members: { me: { properties: { system: { active: true, connection: connectionId } } } },
  });
  for (const forceRefresh of [false, true]) {
    const token = await options.tokens.getToken({ forceRefresh });
    if (!token.ok) return err(`no token: ${token.error.message}`);
    try {
      const response = await got.put(`${options.baseUrl.replace(/\/+$/, '')}${sessionPath}`, {
        body,
        headers: {
          authorization: authorizationHeader(token.value),
          'x-xbl-contract-version': contractVersion,
          'content-type': 'application/json; charset=utf-8',
          'user-agent': rallypointUserAgent(),
        },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        timeout: { request: options.timeoutMs ?? 5000 },
        // A join cancelled meanwhile (the machine then leaves) must not be followed by this write.
        signal,
      });
      if (response.statusCode === 200 || response.statusCode === 201) return ok(undefined);
      if (response.statusCode !== 401 || forceRefresh) return err(`status ${response.statusCode}`);
    } catch (error) {
      return err((error as Error).message);
    }
  }
  // Stryker disable next-line StringLiteral: the loop's second pass always returns
  return err('unreachable');
}

/**
 * Wraps a game hand-off so the player holds a presence connection while the game runs: opened
 * when a join is handed to the game (alongside the game's start), written into each session
 * joined, closed when the game exits or the hand-off is closed. `closesGame: false` for a game
 * shared between several launchers: closing then ends only this player's presence.
 */
/**
 * Told which session the player is in, with the presence connection that keeps them active, so
 * it can follow the session's changes on that same socket (session-roster.ts).
 */
export interface SessionWatcher {
  joined(sessionPath: string, connection: PresenceConnection): void;
  /** The presence connection ended (the game exited or the launcher closed). */
  ended(): void;
}

export function withPresence(
  game: GameHandOff,
  options: PresenceOptions & { readonly closesGame: boolean; readonly watcher?: SessionWatcher },
): GameHandOff {
  const log = options.log;
  let current: Promise<PresenceConnection | undefined> | undefined;

  const ensure = (): Promise<PresenceConnection | undefined> => {
    const reuse = current;
    if (reuse !== undefined) {
      return reuse.then((connection) => (connection?.isOpen() ? connection : reopen()));
    }
    return reopen();
  };
  const reopen = (): Promise<PresenceConnection | undefined> => {
    current = openPresenceConnection(options).then((opened) => {
      if (opened.ok) {
        log?.info('presence connection open');
        return opened.value;
      }
      log?.warn(
        `no presence connection (the member will not turn inactive if the launcher dies): ${opened.error}`,
      );
      return undefined;
    });
    return current;
  };
  const end = (why: string) => {
    const ending = current;
    current = undefined;
    options.watcher?.ended();
    void ending?.then((connection) => {
      if (connection?.isOpen()) {
        log?.info(`presence connection closed: ${why}`);
        connection.close();
      }
    });
  };
  const onExit = game.onExit?.bind(game);
  onExit?.(() => end('the game exited'));

  return {
    async join(request, joinOptions) {
      // Opened and written while the game starts, so the member is covered as early as possible.
      const written = ensure().then(async (connection) => {
        if (connection === undefined || joinOptions.signal.aborted) return undefined;
        const result = await writeConnection(
          options,
          request.sessionRef,
          connection.connectionId,
          joinOptions.signal,
        );
        if (result.ok) log?.info('presence: connection id written into the session');
        else log?.warn(`presence: could not write the connection id: ${result.error}`);
        return connection;
      });
      const joined = await game.join(request, joinOptions);
      const connection = await written;
      if (!joined.ok && !game.isRunning()) end('the game did not join');
      if (joined.ok && connection?.isOpen() && !joinOptions.signal.aborted) {
        options.watcher?.joined(request.sessionRef, connection);
      }
      return joined;
    },
    isRunning: () => game.isRunning(),
    ...(onExit ? { onExit } : {}),
    async close() {
      end('the launcher closed');
      if (options.closesGame) await game.close();
    },
  };
}
