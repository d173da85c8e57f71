import {
  checkInviteLinkConfig,
  findInviteLinkInArgv,
  parseInviteLink,
  type InviteLinkConfig,
} from '../../shared/invite-link';
import type { Logger } from '../logging/logger';

/** What the intake writes its decisions to. */
type IntakeLog = Pick<Logger, 'info' | 'warn' | 'error'>;
import type { InviteTarget } from './invite-target';
import { LinkArrivalQueue, type LinkArrival } from './link-arrival-queue';
import { handleLogLabel, inviteLogLabel } from '../logging/log-labels';

export interface LinkIntakeOptions {
  readonly config: InviteLinkConfig;
  readonly logger: IntakeLog;
  /**
   * Called when a link or a second launch arrives after the target was detached (macOS keeps the
   * app running with every window closed), so the composition root can open a window; the link
   * waits in the queue until the new window attaches.
   */
  readonly onArrivalWhileDetached?: () => void;
  /** Bound on buffered links; the default is far above anything a player can produce. */
  readonly maxPending?: number;
}

/**
 * Receives invite links from the operating system, in every way they can come, and hands each one
 * once, in order, to the join flow.
 *
 * Why it works this way, per OS:
 * - Windows and Linux start a new process for every link. The first one holds the single-instance
 *   lock and finds its link in `process.argv` (cold start). Later ones fail the lock, Electron
 *   forwards their argv to the first as `second-instance`, and they quit (warm start).
 * - macOS never puts the link in argv: it sends `open-url` to the running app, possibly before
 *   `ready` on a cold start, which is why the listener is attached synchronously at start-up.
 *
 * Links are parsed the moment they arrive and kept parsed, so an invalid link becomes a typed
 * error at once and the raw string never travels further. Until the window and the join flow are
 * ready (`attach`), arrivals wait in a FIFO; nothing is dropped. On delivery the same handle
 * already joining is ignored (players double-click), and a different handle supersedes the join in
 * flight (the last invite a player clicked is the one they want).
 */
export class LinkIntake {
  readonly config: InviteLinkConfig;
  readonly #logger: IntakeLog;
  readonly #queue: LinkArrivalQueue;
  readonly #onArrivalWhileDetached: (() => void) | undefined;
  #target: InviteTarget | undefined;
  #everAttached = false;
  #flushing = false;

  constructor(options: LinkIntakeOptions) {
    const problems = checkInviteLinkConfig(options.config);
    if (problems.length > 0) throw new TypeError(`invite link config: ${problems.join('; ')}`);
    this.config = options.config;
    this.#logger = options.logger;
    this.#queue = new LinkArrivalQueue(options.maxPending ?? 100);
    this.#onArrivalWhileDetached = options.onArrivalWhileDetached;
  }

  /** Links waiting for a target. */
  get pendingCount(): number {
    return this.#queue.size;
  }

  /**
   * A command line: this process's own (`cold-start`) or one forwarded by a second launch. Only a
   * link-shaped argument of one of our schemes is looked at; the rest of argv is never trusted.
   */
  receiveArgv(argv: readonly string[], origin: 'cold-start' | 'second-instance'): void {
    const found = findInviteLinkInArgv(argv, this.config);
    if (origin === 'second-instance') this.#reveal('a second launch');
    switch (found.kind) {
      case 'none':
        this.#logger.info(`intake: ${origin} command line holds no invite link`);
        return;
      case 'rejected':
        this.#arrive({ kind: 'rejected', error: found.error, origin });
        return;
      case 'invite':
        this.#arrive({
          kind: 'invite',
          invite: found.invite,
          origin,
          label: inviteLogLabel(found.invite, found.scheme, found.action),
        });
        return;
    }
  }

  /** A single link handed over by the OS (macOS `open-url`). */
  receiveUrl(url: string, origin: 'open-url'): void {
    this.#reveal('an opened link');
    const parsed = parseInviteLink(url, this.config);
    this.#arrive(
      parsed.ok
        ? {
            kind: 'invite',
            invite: parsed.invite,
            origin,
            label: inviteLogLabel(parsed.invite, parsed.scheme, parsed.action),
          }
        : { kind: 'rejected', error: parsed.error, origin },
    );
  }

  /**
   * Connects the window and the join flow once both are ready, and delivers everything buffered
   * in arrival order. Returns `detach`, to call when the window closes while the app keeps running.
   */
  attach(target: InviteTarget): () => void {
    if (this.#target !== undefined) {
      this.#logger.warn('intake: a second target attached; it replaces the first');
    }
    this.#target = target;
    this.#everAttached = true;
    this.#logger.info(`intake: target attached, delivering ${this.#queue.size} waiting link(s)`);
    this.#flush();
    return () => {
      if (this.#target !== target) return;
      this.#target = undefined;
      this.#logger.info('intake: target detached; links will wait for the next one');
    };
  }

  #arrive(arrival: LinkArrival): void {
    if (arrival.kind === 'rejected') {
      this.#logger.warn(
        `intake: ${arrival.origin} link rejected (${arrival.error.code}): ${arrival.error.message}`,
      );
    } else {
      this.#logger.info(`intake: ${arrival.origin} link accepted: ${arrival.label}`);
    }
    const pushedOut = this.#queue.push(arrival);
    if (pushedOut !== undefined) {
      this.#logger.warn(
        `intake: more than ${this.#queue.capacity} links waiting; the oldest (${pushedOut.kind}) gives way`,
      );
    }
    if (this.#target === undefined) {
      this.#logger.info(`intake: no target yet, ${this.#queue.size} link(s) waiting`);
      return;
    }
    this.#flush();
  }

  /** Delivers in order; re-entrant arrivals (a target that reacts synchronously) queue behind. */
  #flush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      for (let target = this.#target; target !== undefined; target = this.#target) {
        const arrival = this.#queue.shift();
        if (arrival === undefined) break;
        this.#deliver(arrival, target);
      }
    } finally {
      this.#flushing = false;
    }
  }

  #deliver(arrival: LinkArrival, target: InviteTarget): void {
    try {
      if (arrival.kind === 'rejected') {
        target.rejectLink(arrival.error);
        return;
      }
      const inFlight = target.inFlightHandleId();
      if (inFlight === arrival.invite.handleId) {
        this.#logger.info(`intake: ${arrival.label} is already joining; duplicate ignored`);
        return;
      }
      if (inFlight !== undefined) {
        this.#logger.info(`intake: ${arrival.label} supersedes ${handleLogLabel(inFlight)}`);
      } else {
        this.#logger.info(`intake: ${arrival.label} submitted`);
      }
      target.submit(arrival.invite);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
      this.#logger.error(`intake: the target failed to take a ${arrival.kind} link (${reason})`);
    }
  }

  #reveal(why: string): void {
    const target = this.#target;
    if (target === undefined) {
      // Before the first attach the window is already on its way; after a detach nobody is.
      if (this.#everAttached) {
        this.#logger.info(`intake: no window for ${why}; asking for one`);
        try {
          this.#onArrivalWhileDetached?.();
        } catch (error) {
          const reason = error instanceof Error ? error.message : 'unknown error';
          this.#logger.error(`intake: opening a window failed (${reason})`);
        }
      }
      return;
    }
    this.#logger.info(`intake: revealing the window for ${why}`);
    try {
      target.revealWindow();
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown error';
      this.#logger.error(`intake: revealing the window failed (${reason})`);
    }
  }
}
