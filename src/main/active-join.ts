/**
 * The join flow of the signed-in player, behind one stable facade. The join stack is built for one
 * identity (its token provider is), so switching accounts means building a new stack; everything
 * else in main (IPC handlers, the intake's target, the window's view) talks to this facade and
 * keeps working across the switch. It also remembers the last invite submitted, the only place
 * the invite's local XUID survives for "switch account and retry".
 */
import type { Invite } from '../shared/invite';
import { idleJoinView, type JoinView } from '../shared/join-view';
import type { DirectoryCalls } from './join/directory-client';
import type { JoinedSession, JoinService } from './join/join-service';

/** The join service calls main uses: the service's own interface, less shutdown and settling. */
export type JoinServicePort = Pick<
  JoinService,
  'submit' | 'cancel' | 'retry' | 'dismiss' | 'view' | 'inFlightHandleId' | 'subscribe'
> &
  Partial<Pick<JoinService, 'joinedSession'>>;

/** One built join stack: the service and how to shut it down (leave the session, stop the game). */
export interface JoinStack {
  readonly service: JoinServicePort;
  /** Directory calls authorized as the stack's player (the invite dialog's), when it has them. */
  readonly calls?: DirectoryCalls;
  close(): Promise<void>;
}

export class ActiveJoin implements JoinServicePort {
  readonly #listeners = new Set<(view: JoinView) => void>();
  #stack: JoinStack | undefined;
  #unsubscribe: (() => void) | undefined;
  #lastInvite: Invite | undefined;

  constructor(stack?: JoinStack) {
    if (stack !== undefined) this.#attach(stack);
  }

  /** The invite most recently submitted (for switch-account), if any. */
  lastInvite(): Invite | undefined {
    return this.#lastInvite;
  }

  /** True once a stack is attached: before that, submits are refused by the caller's design. */
  isReady(): boolean {
    return this.#stack !== undefined;
  }

  /**
   * Puts a new stack in place and closes the old one (which leaves any session it wrote). The
   * window sees the new stack's view at once.
   */
  async replace(stack: JoinStack): Promise<void> {
    const previous = this.#stack;
    this.#unsubscribe?.();
    this.#attach(stack);
    this.#publish(stack.service.view());
    if (previous !== undefined) await previous.close();
  }

  submit(invite: Invite): void {
    this.#lastInvite = invite;
    this.#require().submit(invite);
  }
  cancel(): void {
    this.#stack?.service.cancel();
  }
  retry(): void {
    this.#stack?.service.retry();
  }
  dismiss(): void {
    this.#stack?.service.dismiss();
  }
  view(): JoinView {
    return this.#stack?.service.view() ?? idleJoinView;
  }
  inFlightHandleId(): string | undefined {
    return this.#stack?.service.inFlightHandleId();
  }
  /** The joined session and the current stack's directory calls, while the player plays in it. */
  joinedSession(): (JoinedSession & { readonly calls: DirectoryCalls }) | undefined {
    const calls = this.#stack?.calls;
    const joined = this.#stack?.service.joinedSession?.();
    return calls === undefined || joined === undefined ? undefined : { ...joined, calls };
  }
  subscribe(listener: (view: JoinView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Shuts the current stack down; safe to call twice. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    const stack = this.#stack;
    this.#stack = undefined;
    this.#listeners.clear();
    if (stack !== undefined) await stack.close();
  }

  #attach(stack: JoinStack): void {
    this.#stack = stack;
    this.#unsubscribe = stack.service.subscribe((view) => this.#publish(view));
  }

  #require(): JoinServicePort {
    if (this.#stack === undefined) throw new Error('the join flow is not running');
    return this.#stack.service;
  }

  #publish(view: JoinView): void {
    for (const listener of [...this.#listeners]) listener(view);
  }
}
