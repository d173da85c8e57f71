/**
 * MPSD presence, emulated: a member stays active while its client holds a connection to the
 * directory. Real clients keep a real-time activity (RTA) WebSocket open and subscribe to
 * `https://sessiondirectory.xboxlive.com/connections/`; the answer carries a `ConnectionId` they
 * write into `members.me.properties.system.connection`. Here the same happens on
 * `ws://<directory>/connect`: when that socket closes (the client quit, crashed or was killed, or
 * stopped answering pings), every member the caller wrote with its connection id becomes
 * inactive, and the session's `inactiveRemovalTimeout` removes it. A connection id the directory
 * did not issue is stored as sent and not tracked, so clients without RTA keep working.
 * The same socket carries session change notifications (session-subscriptions.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isPending } from './awaitable';
import type { Clock } from './clock';
import type { CallerIdentity, DevTokenRegistry } from './dev-tokens';
import type { RequestGuard } from './request-guard';
import { dropStaleHost } from './session-host';
import { memberRecord, sessionRecord, type SessionRecord } from './session-record';
import type { SessionStore } from './session-store';
import {
  rtaStatus,
  SessionSubscriptions,
  type SessionReader,
  type SubscribeOutcome,
  unknownResourceMessage,
} from './session-subscriptions';
import { newEtag } from './session-timers';
import type { SessionChangeFeed } from './store/session-change-feed';

/** The RTA resource whose subscription hands out the connection id. */
export const connectionsResource = 'https://sessiondirectory.xboxlive.com/connections/';

/** RTA message types and status codes used here. */
const subscribe = 1;
const unsubscribe = 2;
const rtaSuccess = rtaStatus.success;
const rtaUnknownResource = rtaStatus.unknownResource;

/** Largest message a client may send: subscriptions are a few hundred bytes. */
const maxPresenceMessageBytes = 4096;

export interface PresenceOptions {
  /** Most presence connections at once. Default 1024. */
  readonly maxConnections?: number;
  /** Most presence connections of one player. Default 8. */
  readonly maxPerPlayer?: number;
  /** How often a connection is pinged; one that missed the last pong is closed. Default 15 s. */
  readonly pingIntervalMs?: number;
  /** Most sessions one connection may follow (session-subscriptions.ts). Default 16. */
  readonly maxSessionSubscriptions?: number;
}

export interface PresenceHubDeps {
  readonly store: SessionStore;
  readonly tokens: DevTokenRegistry;
  readonly guard: RequestGuard;
  readonly clock: Clock;
  readonly options?: PresenceOptions;
  /** Told about a failure the hub survived (a store that failed to mark a member inactive). */
  readonly reportError: (what: string, error: unknown) => void;
  /**
   * Session change notifications: the service that answers `GET` for a session and the store's
   * change feed. Without them only the connections resource can be subscribed to.
   */
  readonly sessions?: { readonly reader: SessionReader; readonly changes: SessionChangeFeed };
}

interface Presence {
  readonly xuid: string;
  readonly caller: CallerIdentity;
  readonly socket: WebSocket;
  /** Store keys of the sessions the player wrote this connection id into. */
  readonly sessions: Set<string>;
  alive: boolean;
}

/** A player's members that wrote `connectionId` and are active become inactive now. */
function markDisconnected(
  record: SessionRecord,
  connectionId: string,
  xuid: string,
  now: number,
): SessionRecord | undefined {
  let changed = false;
  const members = record.members.map((member) => {
    const system = member.propertiesSystem;
    if (member.xuid !== xuid || system.connection !== connectionId || system.active !== true) {
      return member;
    }
    changed = true;
    return memberRecord(member, {
      propertiesSystem: { ...system, active: false },
      statusSince: now,
    });
  });
  if (!changed) return undefined;
  return dropStaleHost(
    sessionRecord(record, { members, changeNumber: record.changeNumber + 1, etag: newEtag() }),
  );
}

/** Bytes a client may leave unread before it is dropped (taps then answers pile up). */
const maxBufferedBytes = 1024 * 1024;

/** Sends one RTA message if the socket is still open; a client that stopped reading is dropped. */
function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > maxBufferedBytes) {
    socket.terminate();
    return;
  }
  socket.send(JSON.stringify(message));
}

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`,
  );
}

export class PresenceHub {
  readonly #deps: PresenceHubDeps;
  readonly #max: number;
  readonly #maxPerPlayer: number;
  readonly #server = new WebSocketServer({
    noServer: true,
    maxPayload: maxPresenceMessageBytes,
    perMessageDeflate: false,
  });
  readonly #byId = new Map<string, Presence>();
  readonly #countByXuid = new Map<string, number>();
  readonly #pinger: NodeJS.Timeout;
  readonly #subscriptions: SessionSubscriptions | undefined;

  constructor(deps: PresenceHubDeps) {
    this.#deps = deps;
    this.#subscriptions =
      deps.sessions &&
      new SessionSubscriptions({
        sessions: deps.sessions.reader,
        changes: deps.sessions.changes,
        maxPerConnection: deps.options?.maxSessionSubscriptions ?? 16,
        reportError: deps.reportError,
      });
    this.#max = deps.options?.maxConnections ?? 1024;
    this.#maxPerPlayer = deps.options?.maxPerPlayer ?? 8;
    this.#pinger = setInterval(() => this.#ping(), deps.options?.pingIntervalMs ?? 15_000);
    this.#pinger.unref();
  }

  /** Open presence connections (`/statsz`'s `presenceConnections`). */
  get size(): number {
    return this.#byId.size;
  }

  /**
   * Takes an HTTP upgrade: `GET /connect` with the same Host, Origin and Authorization rules as
   * every other request. Returns whether the socket became a presence connection.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '').split('?')[0]?.toLowerCase();
    if (path !== '/connect' && path !== '/connect/') {
      refuse(socket, 404, 'Not Found', 'Only /connect takes a WebSocket.');
      return false;
    }
    const refused = this.#deps.guard.check(request);
    if (refused?.kind === 'text') {
      refuse(socket, refused.status, 'Refused', refused.message);
      return false;
    }
    const auth = this.#deps.tokens.verify(request.headers.authorization);
    if (!auth.ok) {
      refuse(socket, 401, 'Unauthorized', `The Authorization token is ${auth.reason}.`);
      return false;
    }
    const caller = auth.identity;
    const { xuid } = caller;
    if (this.#byId.size >= this.#max) {
      refuse(
        socket,
        503,
        'Service Unavailable',
        'The directory holds its maximum of presence connections.',
      );
      return false;
    }
    if ((this.#countByXuid.get(xuid) ?? 0) >= this.#maxPerPlayer) {
      refuse(
        socket,
        429,
        'Too Many Requests',
        `A player may hold at most ${this.#maxPerPlayer} presence connections.`,
      );
      return false;
    }
    // Counted once the handshake succeeded: a failed one (ws answers it) never opens.
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#opened(ws, caller));
    return true;
  }

  /** Whether the player holds at least one presence connection (the presence service's "Online"). */
  isOnline(xuid: string): boolean {
    return this.#countByXuid.has(xuid);
  }

  /** Whether `connectionId` is an open presence connection of `xuid`. */
  isOpenFor(connectionId: string, xuid: string): boolean {
    return this.#byId.get(connectionId)?.xuid === xuid;
  }

  /** The player wrote `connectionId` into the session stored under `key`. */
  bind(connectionId: string, xuid: string, key: string): void {
    const presence = this.#byId.get(connectionId);
    if (presence?.xuid === xuid) presence.sessions.add(key);
  }

  /** Closes every presence connection (the directory is stopping). */
  close(): void {
    clearInterval(this.#pinger);
    this.#subscriptions?.close();
    for (const presence of this.#byId.values()) presence.socket.terminate();
    this.#server.close();
  }

  #opened(socket: WebSocket, caller: CallerIdentity): void {
    const id = randomUUID();
    const { xuid } = caller;
    this.#countByXuid.set(xuid, (this.#countByXuid.get(xuid) ?? 0) + 1);
    const presence: Presence = { xuid, caller, socket, sessions: new Set(), alive: true };
    this.#byId.set(id, presence);
    this.#subscriptions?.opened(id, caller, (message) => send(socket, message));
    socket.on('pong', () => (presence.alive = true));
    socket.on('message', (data, isBinary) => this.#message(socket, id, data, isBinary));
    socket.on('error', () => socket.terminate());
    socket.once('close', () => this.#closed(id, presence));
  }

  #message(socket: WebSocket, id: string, data: unknown, isBinary: boolean): void {
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      message = undefined;
    }
    if (!Array.isArray(message) || !Number.isSafeInteger(message[1])) {
      socket.close(1003, 'RTA messages are JSON arrays [type, sequence, ...]');
      return;
    }
    const [type, sequence, argument] = message as [unknown, number, unknown];
    if (type === subscribe) {
      const resource = typeof argument === 'string' ? argument.toLowerCase() : '';
      if (resource === connectionsResource || resource === '/connections/') {
        socket.send(JSON.stringify([subscribe, sequence, rtaSuccess, 1, { ConnectionId: id }]));
      } else if (this.#subscriptions && typeof argument === 'string') {
        this.#subscriptions
          .subscribe(id, argument)
          .catch((error: unknown): SubscribeOutcome => {
            this.#deps.reportError('presence: a session subscription failed', error);
            return {
              ok: false,
              status: rtaUnknownResource,
              message: 'The session could not be read.',
            };
          })
          .then((outcome) =>
            send(
              socket,
              outcome.ok
                ? [subscribe, sequence, rtaSuccess, outcome.subscriptionId, outcome.state]
                : [subscribe, sequence, outcome.status, outcome.message],
            ),
          );
      } else {
        socket.send(
          JSON.stringify([subscribe, sequence, rtaUnknownResource, unknownResourceMessage]),
        );
      }
      return;
    }
    if (type === unsubscribe) {
      // Id 1 (the connections resource) always succeeds, as before: presence ends with the socket.
      const known =
        argument === 1 ||
        (typeof argument === 'number' && this.#subscriptions?.unsubscribe(id, argument) === true);
      socket.send(
        JSON.stringify(
          known
            ? [unsubscribe, sequence, rtaSuccess]
            : [unsubscribe, sequence, rtaUnknownResource, 'No such subscription.'],
        ),
      );
      return;
    }
    socket.close(1003, 'Only subscribe (1) and unsubscribe (2) are understood');
  }

  #closed(id: string, presence: Presence): void {
    this.#byId.delete(id);
    this.#subscriptions?.closed(id);
    const left = (this.#countByXuid.get(presence.xuid) ?? 1) - 1;
    if (left > 0) this.#countByXuid.set(presence.xuid, left);
    else this.#countByXuid.delete(presence.xuid);
    const now = this.#deps.clock.now();
    for (const key of presence.sessions) {
      try {
        const done = this.#deps.store.update(key, (current) => {
          const next = current && markDisconnected(current, id, presence.xuid, now);
          return next
            ? { action: 'store', record: next, result: undefined }
            : { action: 'keep', result: undefined };
        });
        if (isPending(done)) {
          Promise.resolve(done).catch((error: unknown) =>
            this.#deps.reportError('presence: marking a member inactive failed', error),
          );
        }
      } catch (error) {
        this.#deps.reportError('presence: marking a member inactive failed', error);
      }
    }
  }

  #ping(): void {
    for (const presence of this.#byId.values()) {
      if (!presence.alive) {
        presence.socket.terminate();
        continue;
      }
      presence.alive = false;
      presence.socket.ping();
    }
  }
}
