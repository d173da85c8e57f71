/**
 * The launcher's inbox as main keeps it: the last list read for the signed-in player, refreshed on
 * request without hammering the directory (one query at a time, and at most one every
 * `minIntervalMs` unless forced by a sign-in or a decline), accepting through the very path a
 * clicked link takes, declining by deleting the invite, and on the first run after install the
 * newest pending invite offered as the join card. No Electron here: main wires it to the window.
 */
import type { InboxItem, InboxView } from '../../shared/inbox-view';
import type { Invite } from '../../shared/invite';
import { err, ok, type Result } from '../../shared/result';
import { inviteOfItem, type InboxFailure } from './inbox-query';

/** The signed-in player's inbox calls; undefined while nobody is signed in. */
export interface InboxPlayer {
  readonly xuid: string;
  readonly read: (signal: AbortSignal) => Promise<Result<readonly InboxItem[], InboxFailure>>;
  readonly decline: (handleId: string, signal: AbortSignal) => Promise<Result<void, InboxFailure>>;
}

export interface LauncherInboxDeps {
  readonly player: () => InboxPlayer | undefined;
  /** Hands an accepted item to the join flow, exactly as an invite link would be. */
  readonly submit: (invite: Invite) => void;
  /** True on the first run after install (see docs/launcher-window.md, "First run"). */
  readonly firstRun: boolean;
  /** Fewest milliseconds between two unforced queries. Default 15 000. */
  readonly minIntervalMs?: number;
  /** Budget of one refresh or decline. Default 10 000. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** Why an accept or a decline was refused. */
export type InboxActionError =
  | { readonly code: 'not-signed-in' }
  | { readonly code: 'unknown-item' }
  | { readonly code: 'decline-failed'; readonly failure: InboxFailure };

/** What a refresh did: queried, or skipped because one ran too recently or is running. */
export type RefreshOutcome = 'queried' | 'throttled' | 'coalesced' | 'signed-out';

/** Default fewest milliseconds between two unforced queries (focus, the window's timer). */
export const inboxMinIntervalMs = 15_000;

export class LauncherInbox {
  readonly #deps: LauncherInboxDeps;
  readonly #listeners = new Set<(view: InboxView) => void>();
  #view: InboxView = { state: 'loading', items: [] };
  #running: Promise<RefreshOutcome> | undefined;
  #lastQueryAt = Number.NEGATIVE_INFINITY;
  /** Handles accepted or declined in this run: never listed again, whatever a stale read says. */
  readonly #handled = new Set<string>();
  #offered = false;
  #playerXuid: string | undefined;

  constructor(deps: LauncherInboxDeps) {
    this.#deps = deps;
  }

  view(): InboxView {
    return this.#view;
  }

  subscribe(listener: (view: InboxView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reads the inbox again unless a read is running (it is joined) or the last one started less
   * than `minIntervalMs` ago; `force` (sign-in, after a decline) skips the interval.
   */
  refresh(reason: string, force = false): Promise<RefreshOutcome> {
    if (this.#running !== undefined) return this.#running.then(() => 'coalesced');
    const player = this.#deps.player();
    if (player === undefined) {
      this.#playerXuid = undefined;
      this.#publish({ state: 'signed-out', items: [] });
      return Promise.resolve('signed-out');
    }
    const now = this.#now();
    const minInterval = this.#deps.minIntervalMs ?? inboxMinIntervalMs;
    const samePlayer = player.xuid === this.#playerXuid;
    if (!force && samePlayer && now - this.#lastQueryAt < minInterval) {
      return Promise.resolve('throttled');
    }
    if (!samePlayer) {
      // Another account: nothing of the previous one's inbox may show, not even for a moment.
      this.#playerXuid = player.xuid;
      this.#publish({ state: 'loading', items: [] });
    }
    this.#lastQueryAt = now;
    this.#log(`inbox: refreshing (${reason})`);
    this.#running = this.#read(player).finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Accepts an item: the join flow gets the same Invite a clicked link would carry. */
  accept(handleId: string): Result<void, InboxActionError> {
    const player = this.#deps.player();
    if (player === undefined) return err({ code: 'not-signed-in' });
    const item = this.#find(handleId);
    if (item === undefined) return err({ code: 'unknown-item' });
    this.#log(`inbox: accepting ${item.kind} ${item.handleId.slice(0, 8)}…`);
    this.#handled.add(item.handleId);
    this.#publish(this.#without(item.handleId));
    this.#deps.submit(inviteOfItem(item, player.xuid));
    return ok(undefined);
  }

  /** Declines an invite: its handle is deleted, and it leaves the list once the directory agreed. */
  async decline(handleId: string): Promise<Result<void, InboxActionError>> {
    const player = this.#deps.player();
    if (player === undefined) return err({ code: 'not-signed-in' });
    const item = this.#find(handleId);
    if (item?.kind !== 'invite') return err({ code: 'unknown-item' });
    const done = await player.decline(item.handleId, AbortSignal.timeout(this.#timeoutMs()));
    if (!done.ok) {
      this.#log(`inbox: decline failed (${done.error.code}: ${done.error.message})`);
      return err({ code: 'decline-failed', failure: done.error });
    }
    this.#log(`inbox: declined invite ${item.handleId.slice(0, 8)}…`);
    this.#handled.add(item.handleId);
    this.#publish(this.#without(item.handleId));
    return ok(undefined);
  }

  #find(handleId: string): InboxItem | undefined {
    const id = handleId.toLowerCase();
    return (
      this.#view.items.find((item) => item.handleId === id) ??
      (this.#view.firstRunOffer?.handleId === id ? this.#view.firstRunOffer : undefined)
    );
  }

  #without(handleId: string): InboxView {
    const { firstRunOffer, ...rest } = this.#view;
    return {
      ...rest,
      items: this.#view.items.filter((item) => item.handleId !== handleId),
      ...(firstRunOffer === undefined || firstRunOffer.handleId === handleId
        ? {}
        : { firstRunOffer }),
    };
  }

  async #read(player: InboxPlayer): Promise<RefreshOutcome> {
    const read = await player.read(AbortSignal.timeout(this.#timeoutMs()));
    // The account changed while the query ran: its answer belongs to nobody on screen.
    if (this.#deps.player()?.xuid !== player.xuid) return 'queried';
    if (!read.ok) {
      this.#log(`inbox: read failed (${read.error.code}: ${read.error.message})`);
      this.#publish({ ...this.#view, state: 'failed', error: read.error.code });
      return 'queried';
    }
    const now = this.#now();
    const items = read.value.filter(
      (item) => !this.#handled.has(item.handleId) && item.expiresAt > now,
    );
    const offer = this.#firstRunOffer(items, now);
    this.#publish({
      state: 'ready',
      items,
      ...(offer === undefined ? {} : { firstRunOffer: offer }),
    });
    return 'queried';
  }

  /**
   * The join card of the first run: once per run, the newest invite (not activity) still younger
   * than its expiry; kept while it is still pending, gone once handled.
   */
  #firstRunOffer(items: readonly InboxItem[], now: number): InboxItem | undefined {
    const current = this.#view.firstRunOffer;
    if (current !== undefined) {
      return items.find((item) => item.handleId === current.handleId && item.expiresAt > now);
    }
    if (!this.#deps.firstRun || this.#offered) return undefined;
    const newest = items.find((item) => item.kind === 'invite');
    if (newest === undefined) return undefined;
    this.#offered = true;
    this.#log(`inbox: first run, offering invite ${newest.handleId.slice(0, 8)}… as the join card`);
    return newest;
  }

  #publish(view: InboxView): void {
    this.#view = view;
    for (const listener of [...this.#listeners]) listener(view);
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }

  #timeoutMs(): number {
    return this.#deps.timeoutMs ?? 10_000;
  }

  #log(line: string): void {
    this.#deps.log?.(line);
  }
}
