/**
 * MPSD session change notifications, emulated on the presence socket (`ws://<directory>/connect`).
 * Real MPSD sends RTA "shoulder taps" (`{ncid, shoulderTaps: [{resource, branch, changeNumber}]}`)
 * to the connection a member wrote into the session; the client then GETs the session. Here a
 * client subscribes to a session's own resource on the same socket, RTA style
 * (`[1, seq, "https://sessiondirectory.xboxlive.com/serviceconfigs/…/sessions/{name}"]`), and gets
 * the same tap shape as an RTA event (`[3, subscriptionId, {ncid, shoulderTaps}]`) each time the
 * session's change number moves, whichever directory process made the write: writes arrive
 * through the store's change feed (session-change-feed.ts: in-process for memory, LISTEN/NOTIFY on
 * PostgreSQL). Only a caller who may GET the session may subscribe, and each tap is re-checked the
 * same way, so a player who lost read access hears one last tap and then GETs a refusal.
 */
import { randomUUID } from 'node:crypto';
import { andThen, type Awaitable } from './awaitable';
import type { DirectoryAnswer } from './directory-answer';
import type { SessionRef } from './session-ref';
import type { CallerIdentity } from './dev-tokens';
import { matchRoute } from './http-routes';
import { sessionKey } from './session-record';
import type { SessionChangeFeed } from './store/session-change-feed';

/** The host an absolute session resource names (relative `/serviceconfigs/…` paths work too). */
const directoryResourceHost = 'sessiondirectory.xboxlive.com';

/** Why a subscribe to something that is neither the connections resource nor a session failed. */
export const unknownResourceMessage =
  'Unknown resource: expected the connections resource or a session URL.';

/** RTA status codes of a refused subscription (XSAPI `real_time_activity` error statuses). */
export const rtaStatus = {
  success: 0,
  unknownResource: 1,
  subscriptionLimitReached: 2,
  serviceUnavailable: 1002,
} as const;

/** What reads a session as a caller would with `GET`: the directory service. */
export interface SessionReader {
  getSession(caller: CallerIdentity, ref: SessionRef): Awaitable<DirectoryAnswer>;
}

export interface SessionSubscriptionsDeps {
  readonly sessions: SessionReader;
  readonly changes: SessionChangeFeed;
  /** Most session subscriptions one connection may hold (pending ones count). */
  readonly maxPerConnection: number;
  readonly reportError: (what: string, error: unknown) => void;
}

/** The answer to a subscribe: the RTA subscription id and the session's state now, or why not. */
export type SubscribeOutcome =
  | {
      readonly ok: true;
      readonly subscriptionId: number;
      readonly state: {
        readonly resource: string;
        readonly branch: string;
        readonly changeNumber: number;
      };
    }
  | { readonly ok: false; readonly status: number; readonly message: string };

interface Subscription {
  readonly id: number;
  /** The RTA subscription GUID shoulder taps name. */
  readonly guid: string;
  readonly key: string;
  readonly ref: SessionRef;
  readonly connection: Connection;
  /** `branch:changeNumber` of the last state told, or `gone`. */
  told: string;
  branch: string;
  changeNumber: number;
  reading: boolean;
  dirty: boolean;
  /** Stops the change feed's watch this subscription holds. */
  readonly unwatch: () => void;
}

interface Connection {
  readonly caller: CallerIdentity;
  readonly send: (message: unknown) => void;
  readonly byId: Map<number, Subscription>;
  /** Subscribes not yet answered, counted against the cap. */
  pending: number;
  nextId: number;
  open: boolean;
}

/** A session resource (absolute MPSD URL or `/serviceconfigs/…` path) → its ref; else undefined. */
export function sessionResourceRef(resource: string): SessionRef | undefined {
  let url: URL;
  try {
    url = new URL(resource, `https://${directoryResourceHost}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.host !== directoryResourceHost) return undefined;
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return undefined;
  }
  const match = matchRoute(url.pathname);
  return match.kind === 'route' && match.route.name === 'session' ? match.route.ref : undefined;
}

/** The shoulder-tap resource name MPSD uses: `scid~template~name`. */
const tapResource = (ref: SessionRef) => `${ref.scid}~${ref.templateName}~${ref.name}`;

/** Every session subscription of every presence connection of this process. */
export class SessionSubscriptions {
  readonly #deps: SessionSubscriptionsDeps;
  readonly #connections = new Map<string, Connection>();
  readonly #byKey = new Map<string, Set<Subscription>>();
  readonly #stopFeed: () => void;

  constructor(deps: SessionSubscriptionsDeps) {
    this.#deps = deps;
    this.#stopFeed = deps.changes.subscribe((change) => this.#changed(change.key));
  }

  /** A presence connection opened: `send` writes one RTA message to its socket. */
  opened(connectionId: string, caller: CallerIdentity, send: (message: unknown) => void): void {
    // Id 1 is the connections resource's subscription (presence-hub.ts).
    this.#connections.set(connectionId, {
      caller,
      send,
      byId: new Map(),
      pending: 0,
      nextId: 2,
      open: true,
    });
  }

  /** Subscribes the connection to a session it may read; a second subscribe answers the same id. */
  async subscribe(connectionId: string, resource: string): Promise<SubscribeOutcome> {
    const connection = this.#connections.get(connectionId);
    if (connection === undefined) {
      return { ok: false, status: rtaStatus.unknownResource, message: 'The connection is closed.' };
    }
    const ref = sessionResourceRef(resource);
    if (ref === undefined) {
      return {
        ok: false,
        status: rtaStatus.unknownResource,
        message: unknownResourceMessage,
      };
    }
    if (connection.byId.size + connection.pending >= this.#deps.maxPerConnection) {
      return {
        ok: false,
        status: rtaStatus.subscriptionLimitReached,
        message: `A connection may follow at most ${this.#deps.maxPerConnection} sessions.`,
      };
    }
    connection.pending += 1;
    let answer: DirectoryAnswer;
    // Watched before it is read: a write that commits after the read is heard (change feed).
    let unwatch: () => void = () => undefined;
    try {
      unwatch = await this.#deps.changes.watch(sessionKey(ref));
      answer = await this.#deps.sessions.getSession(connection.caller, ref);
    } catch (error) {
      unwatch();
      this.#deps.reportError('session subscription: following a session failed', error);
      return {
        ok: false,
        status: rtaStatus.serviceUnavailable,
        message: 'The directory cannot follow sessions right now; try again later.',
      };
    } finally {
      connection.pending -= 1;
    }
    const subscribed = this.#settle(connection, answer, unwatch);
    if (!subscribed.ok) unwatch();
    return subscribed;
  }

  /** The subscribe's outcome once the session was read; `unwatch` is kept by a new subscription. */
  #settle(connection: Connection, answer: DirectoryAnswer, unwatch: () => void): SubscribeOutcome {
    if (answer.kind !== 'session') {
      return {
        ok: false,
        status: rtaStatus.unknownResource,
        message:
          answer.kind === 'text'
            ? answer.message
            : answer.status === 204
              ? 'No such session.'
              : `The session cannot be read (status ${answer.status}).`,
      };
    }
    const { record } = answer;
    const key = sessionKey(record.ref);
    const state = {
      resource: tapResource(record.ref),
      branch: record.branch,
      changeNumber: record.changeNumber,
    };
    if (!connection.open) {
      return { ok: false, status: rtaStatus.unknownResource, message: 'The connection is closed.' };
    }
    for (const existing of connection.byId.values()) {
      if (existing.key === key) {
        unwatch();
        return { ok: true, subscriptionId: existing.id, state };
      }
    }
    const subscription: Subscription = {
      id: connection.nextId++,
      guid: randomUUID(),
      key,
      ref: record.ref,
      connection,
      told: `${record.branch}:${record.changeNumber}`,
      branch: record.branch,
      changeNumber: record.changeNumber,
      reading: false,
      dirty: false,
      unwatch,
    };
    connection.byId.set(subscription.id, subscription);
    let followers = this.#byKey.get(key);
    if (!followers) {
      followers = new Set();
      this.#byKey.set(key, followers);
    }
    followers.add(subscription);
    return { ok: true, subscriptionId: subscription.id, state };
  }

  /** Ends one session subscription; false when the connection holds no such id. */
  unsubscribe(connectionId: string, subscriptionId: number): boolean {
    const subscription = this.#connections.get(connectionId)?.byId.get(subscriptionId);
    if (subscription === undefined) return false;
    this.#forget(subscription);
    return true;
  }

  /** The presence connection closed: its subscriptions end. */
  closed(connectionId: string): void {
    const connection = this.#connections.get(connectionId);
    if (connection === undefined) return;
    connection.open = false;
    for (const subscription of [...connection.byId.values()]) this.#forget(subscription);
    this.#connections.delete(connectionId);
  }

  /** Stops following the change feed (the directory is stopping). */
  close(): void {
    this.#stopFeed();
    for (const id of [...this.#connections.keys()]) this.closed(id);
  }

  #forget(subscription: Subscription): void {
    subscription.unwatch();
    subscription.connection.byId.delete(subscription.id);
    const followers = this.#byKey.get(subscription.key);
    followers?.delete(subscription);
    if (followers?.size === 0) this.#byKey.delete(subscription.key);
  }

  #changed(key: string): void {
    const followers = this.#byKey.get(key);
    if (followers === undefined) return;
    for (const subscription of followers) this.#refresh(subscription);
  }

  /** Re-reads the session as its subscriber; taps when what the subscriber may see moved on. */
  #refresh(subscription: Subscription): void {
    if (subscription.reading) {
      // A burst of writes: one more read once this one is done, never one per write.
      subscription.dirty = true;
      return;
    }
    subscription.reading = true;
    subscription.dirty = false;
    let read: Awaitable<void>;
    try {
      read = andThen(
        this.#deps.sessions.getSession(subscription.connection.caller, subscription.ref),
        (answer) => this.#tell(subscription, answer),
      );
    } catch (error) {
      read = Promise.reject(error);
    }
    const done = () => {
      subscription.reading = false;
      if (subscription.dirty && subscription.connection.byId.has(subscription.id)) {
        this.#refresh(subscription);
      }
    };
    if (read === undefined) return done();
    Promise.resolve(read).then(done, (error: unknown) => {
      this.#deps.reportError('session subscription: reading a changed session failed', error);
      done();
    });
  }

  #tell(subscription: Subscription, answer: DirectoryAnswer): void {
    if (!subscription.connection.byId.has(subscription.id)) return;
    let told: string;
    if (answer.kind === 'session') {
      subscription.branch = answer.record.branch;
      subscription.changeNumber = answer.record.changeNumber;
      told = `${subscription.branch}:${subscription.changeNumber}`;
    } else {
      // Deleted, or no longer readable by this caller: one tap past the last number; the GET that
      // follows tells the client which.
      if (subscription.told === 'gone') return;
      subscription.changeNumber += 1;
      told = 'gone';
    }
    if (told === subscription.told) return;
    subscription.told = told;
    subscription.connection.send([
      3,
      subscription.id,
      {
        ncid: randomUUID(),
        shoulderTaps: [
          {
            timestamp: new Date().toISOString(),
            subscription: subscription.guid,
            resourceType: 'mpsd/session',
            resource: tapResource(subscription.ref),
            branch: subscription.branch,
            changeNumber: subscription.changeNumber,
          },
        ],
      },
    ]);
  }
}
