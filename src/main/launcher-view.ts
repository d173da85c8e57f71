/**
 * The one JoinView the window shows. Mostly it is the join service's own view; the exception is a
 * link the intake refused (malformed, unknown scheme, bad handle…), which never reaches the join
 * flow, so main shows it as a failed view with the `invalid-link` code until the player dismisses
 * it or the join flow has something new to say.
 */
import type { InviteLinkError } from '../shared/invite-link';
import type { JoinView } from '../shared/join-view';

/** The join service calls this module relies on. */
export interface JoinViewSource {
  view(): JoinView;
  subscribe(listener: (view: JoinView) => void): () => void;
  dismiss(): void;
}

export class LauncherView {
  readonly #source: JoinViewSource;
  readonly #listeners = new Set<(view: JoinView) => void>();
  readonly #unsubscribe: () => void;
  readonly #onListenerError: ((error: unknown) => void) | undefined;
  #overlay: JoinView | undefined;

  constructor(source: JoinViewSource, onListenerError?: (error: unknown) => void) {
    this.#source = source;
    this.#onListenerError = onListenerError;
    this.#unsubscribe = source.subscribe((view) => {
      this.#overlay = undefined;
      this.#publish(view);
    });
  }

  /** What the window should show now. */
  current(): JoinView {
    return this.#overlay ?? this.#source.view();
  }

  /** Shows a refused link as a failed view; the developer-facing detail goes in `message`. */
  showRejectedLink(error: InviteLinkError): void {
    const overlay: JoinView = {
      phase: 'failed',
      attempt: 0,
      canRetry: false,
      error: { code: 'invalid-link', message: `${error.code}: ${error.message}` },
    };
    this.#overlay = overlay;
    this.#publish(overlay);
  }

  /** Dismisses the refused-link view if one shows, else passes the dismiss to the join service. */
  dismiss(): void {
    if (this.#overlay !== undefined) {
      this.#overlay = undefined;
      this.#publish(this.#source.view());
      return;
    }
    this.#source.dismiss();
  }

  subscribe(listener: (view: JoinView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #publish(view: JoinView): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(view);
      } catch (error) {
        // One failing observer (a window closing mid-push) must not starve the others.
        this.#onListenerError?.(error);
      }
    }
  }
}
