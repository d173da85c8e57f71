/**
 * The home view's "recent invites": the last outcomes the player saw, newest first. It is fed the
 * join service's views and records one entry each time an activation reaches an outcome (joined, or
 * failed with a code), so the list matches what the window showed, including cancellations.
 */
import type { RecentInvite } from '../shared/ipc-contract';
import type { JoinView } from '../shared/join-view';

/** How many outcomes the home view keeps. */
export const RECENT_INVITES_LIMIT = 10;

export interface RecentInvitesOptions {
  readonly limit?: number;
  readonly now?: () => number;
  /** Entries loaded from disk at start-up. */
  readonly initial?: readonly RecentInvite[];
}

export class RecentInvites {
  readonly #limit: number;
  readonly #now: () => number;
  #entries: readonly RecentInvite[];
  /** `handleId|phase|code` of the last outcome recorded, so repeated identical views add nothing. */
  #lastOutcomeKey: string | undefined;

  constructor(options: RecentInvitesOptions = {}) {
    this.#limit = options.limit ?? RECENT_INVITES_LIMIT;
    this.#now = options.now ?? Date.now;
    this.#entries = (options.initial ?? []).slice(0, this.#limit);
  }

  /** The list, newest first. */
  list(): readonly RecentInvite[] {
    return this.#entries;
  }

  /**
   * Records the view's outcome if it just reached one; returns true when the list changed. A
   * newer outcome for the same invite (a retry that worked) replaces the older entry.
   */
  observe(view: JoinView): boolean {
    const outcome = outcomeOf(view);
    if (outcome === undefined || view.invite === undefined) {
      if (view.phase !== 'joined' && view.phase !== 'failed') this.#lastOutcomeKey = undefined;
      return false;
    }
    // The sender's name may arrive after the outcome: the entry is then redrawn with it.
    const key = `${view.invite.handleId}|${outcome}|${view.invite.from ?? ''}`;
    if (key === this.#lastOutcomeKey) return false;
    this.#lastOutcomeKey = key;
    const entry: RecentInvite = {
      handleId: view.invite.handleId,
      kind: view.invite.kind,
      ...(view.invite.from === undefined ? {} : { from: view.invite.from }),
      outcome,
      at: this.#now(),
    };
    this.#entries = [
      entry,
      ...this.#entries.filter((existing) => existing.handleId !== entry.handleId),
    ].slice(0, this.#limit);
    return true;
  }
}

function outcomeOf(view: JoinView): RecentInvite['outcome'] | undefined {
  if (view.phase === 'joined') return 'joined';
  if (view.phase === 'failed') return view.error?.code;
  return undefined;
}
