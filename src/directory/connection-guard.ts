/**
 * A cap on the directory's open connections that slow clients cannot use to shut players out.
 * Node's own `maxConnections` refuses the newest connection when the server is full, so a few
 * hundred sockets that dribble a byte now and then (until the header or request timeout ends each)
 * would keep every real player out. Here a new connection that finds the server full evicts the
 * connection that has waited longest without a request being served (a slow sender, or an idle
 * keep-alive socket a client reopens at no cost); only when every connection is busy being served
 * is the newcomer refused. Upgraded connections (presence) are counted by the presence hub, not here.
 */
import type { Socket } from 'node:net';

interface Tracked {
  /** A request of this connection is being served (between `busy` and `idle`). */
  busy: boolean;
  /**
   * When its current wait began (the connection, or the end of its last answer), as a tick of a
   * counter: only the order matters, and a counter costs less than reading a clock per request.
   */
  since: number;
}

export class ConnectionGuard {
  readonly #max: number;
  readonly #open = new Map<Socket, Tracked>();
  #evicted = 0;
  #refused = 0;
  #tick = 0;

  constructor(maxConnections: number) {
    this.#max = maxConnections;
  }

  /** Call on the server's `connection` event. */
  admit(socket: Socket): void {
    if (this.#open.size >= this.#max) {
      const victim = this.#longestWaiting();
      if (victim === undefined) {
        this.#refused += 1;
        socket.destroy();
        return;
      }
      this.#evicted += 1;
      this.#open.delete(victim);
      victim.destroy();
    }
    this.#open.set(socket, { busy: false, since: ++this.#tick });
    socket.once('close', () => this.#open.delete(socket));
  }

  /** A request of this connection is now being served: it is not evicted until `idle`. */
  busy(socket: Socket): void {
    const tracked = this.#open.get(socket);
    if (tracked !== undefined) tracked.busy = true;
  }

  /** Its answer was sent; the connection waits for its next request. */
  idle(socket: Socket): void {
    const tracked = this.#open.get(socket);
    if (tracked !== undefined) {
      tracked.busy = false;
      tracked.since = ++this.#tick;
    }
  }

  /** An upgraded connection leaves the HTTP count (the presence hub caps those). */
  release(socket: Socket): void {
    this.#open.delete(socket);
  }

  /** Open connections, and how many were evicted or refused, for `/statsz`. */
  get stats(): { readonly open: number; readonly evicted: number; readonly refused: number } {
    return { open: this.#open.size, evicted: this.#evicted, refused: this.#refused };
  }

  #longestWaiting(): Socket | undefined {
    let oldest: Socket | undefined;
    let oldestSince = Infinity;
    for (const [socket, tracked] of this.#open) {
      // Stryker disable next-line EqualityOperator: every connection gets its own tick, so no two are ever equal
      if (!tracked.busy && tracked.since < oldestSince) {
        oldest = socket;
        oldestSince = tracked.since;
      }
    }
    return oldest;
  }
}
