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
import {
  authorizationHeader,
  contractVersion,
  isSessionPath,
  rallypointUserAgent,
} from './directory-client';
import type { GameHandOff } from './game-hand-off';
import type { TokenProvider } from './token-provider';

/** The RTA resource whose subscription answers with the connection id. */
const connectionsResource = 'https://sessiondirectory.xboxlive.com/connections/';

export interface PresenceOptions {
  readonly baseUrl: string;
  readonly tokens: TokenProvider;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  /** Time to open the socket, get the connection id, or write it. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** One open presence connection. */
export interface PresenceConnection {
  readonly connectionId: string;
  /** True until the socket closes, from either side. */
  isOpen(): boolean;
  close(): void;
}

/** `ws(s)://…/connect` for an `http(s)://…` directory root; undefined for anything else. */
function presenceUrl(baseUrl: string): string | undefined {
  try {
    const url = new URL(`${baseUrl.replace(/\/+$/, '')}/connect`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  } catch {
    return undefined;
  }
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
      let open = true;
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
      socket.once('close', () => (open = false));
      socket.once('open', () => socket.send(JSON.stringify([1, 1, connectionsResource])));
      socket.once('message', (data) => {
        let answer: unknown;
        try {
          answer = JSON.parse(String(data));
        } catch {
          answer = undefined;
        }
        const id =
          Array.isArray(answer) && answer[2] === 0
            ? (answer[4] as { ConnectionId?: unknown })?.ConnectionId
            : undefined;
        if (typeof id !== 'string')
          return finish(err({ message: 'the subscription gave no connection id' }));
        finish(
          ok({
            connectionId: id,
            isOpen: () => open && socket.readyState === WebSocket.OPEN,
            close: () => socket.close(1000, 'game ended'),
          }),
        );
      });
    });
    if (opened.ok) return opened;
    if (opened.error.status !== 401 || forceRefresh) return err(opened.error.message);
  }
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
  return err('unreachable');
}

/**
 * Wraps a game hand-off so the player holds a presence connection while the game runs: opened
 * when a join is handed to the game (alongside the game's start), written into each session
 * joined, closed when the game exits or the hand-off is closed. `closesGame: false` for a game
 * shared between several launchers: closing then ends only this player's presence.
 */
export function withPresence(
  game: GameHandOff,
  options: PresenceOptions & { readonly closesGame: boolean },
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
        if (connection === undefined || joinOptions.signal.aborted) return;
        const result = await writeConnection(
          options,
          request.sessionRef,
          connection.connectionId,
          joinOptions.signal,
        );
        if (result.ok) log?.info('presence: connection id written into the session');
        else log?.warn(`presence: could not write the connection id: ${result.error}`);
      });
      const joined = await game.join(request, joinOptions);
      await written;
      if (!joined.ok && !game.isRunning()) end('the game did not join');
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
