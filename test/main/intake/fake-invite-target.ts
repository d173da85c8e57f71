import type { Invite } from '../../../src/shared/invite';
import type { InviteLinkError } from '../../../src/shared/invite-link';
import type { InviteTarget } from '../../../src/main/intake/invite-target';

/**
 * Behaves like the join flow and the window together: `submit` makes the handle the one in flight
 * (synchronously, as the contract requires) and `finish` ends it.
 */
export class FakeInviteTarget implements InviteTarget {
  readonly events: (
    | { type: 'submit'; invite: Invite }
    | { type: 'reject'; error: InviteLinkError }
    | { type: 'reveal' }
  )[] = [];
  #inFlight: string | undefined;

  submit(invite: Invite): void {
    this.events.push({ type: 'submit', invite });
    this.#inFlight = invite.handleId;
  }
  inFlightHandleId(): string | undefined {
    return this.#inFlight;
  }
  rejectLink(error: InviteLinkError): void {
    this.events.push({ type: 'reject', error });
  }
  revealWindow(): void {
    this.events.push({ type: 'reveal' });
  }
  finish(): void {
    this.#inFlight = undefined;
  }
  /** Submitted handles and rejected codes in order, reveals left out. */
  get deliveries(): string[] {
    return this.events.flatMap((event) =>
      event.type === 'submit'
        ? [`${event.invite.kind}:${event.invite.handleId}`]
        : event.type === 'reject'
          ? [`reject:${event.error.code}`]
          : [],
    );
  }
}
