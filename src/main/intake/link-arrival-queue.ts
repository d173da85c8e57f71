import type { Invite } from '../../shared/invite';
import type { InviteLinkError } from '../../shared/invite-link';

/** Where a link came from: argv at launch, argv forwarded by a second launch, or macOS `open-url`. */
export type LinkOrigin = 'cold-start' | 'second-instance' | 'open-url';

/** A link after parsing: only this travels past intake, never the raw string. */
export type LinkArrival =
  | {
      readonly kind: 'invite';
      readonly invite: Invite;
      readonly origin: LinkOrigin;
      /** Redacted description for logs (scheme, action, handle prefix). */
      readonly label: string;
    }
  | { readonly kind: 'rejected'; readonly error: InviteLinkError; readonly origin: LinkOrigin };

/**
 * First-in, first-out buffer for links that arrive before anyone can act on them (the window and
 * the join flow start after Electron's `ready`, but a cold-start link is known before it). It is
 * bounded only as a guard against a flood: every real link is a separate OS launch, so reaching
 * the bound means something is spamming the launcher, and the oldest arrivals give way.
 */
export class LinkArrivalQueue {
  readonly #items: LinkArrival[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#items.length;
  }

  /** Adds an arrival; returns the one pushed out when the queue was full. */
  push(arrival: LinkArrival): LinkArrival | undefined {
    this.#items.push(arrival);
    return this.#items.length > this.capacity ? this.#items.shift() : undefined;
  }

  shift(): LinkArrival | undefined {
    return this.#items.shift();
  }
}
