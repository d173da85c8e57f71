/**
 * One log line per decision of the join flow, derived from the views it publishes: phase changes,
 * new attempts, the countdown before a retry, and the error code of a failure. Lines name the
 * invite by the first characters of its handle only, like the intake does, so a support engineer
 * can follow one invite from link to game without the log holding XUIDs.
 */
import type { JoinView } from '../../shared/join-view';
import type { Logger } from './logger';
import { handleLogLabel } from './log-labels';

export interface JoinViewFeed {
  subscribe(listener: (view: JoinView) => void): () => void;
}

/** `handle=0f3c12ab…`, or `no invite`. */
function handleLabel(view: JoinView): string {
  return view.invite === undefined ? 'no invite' : handleLogLabel(view.invite.handleId);
}

/** The log line for a view, or undefined when nothing a reader cares about changed. */
export function describeJoinChange(
  previous: JoinView | undefined,
  view: JoinView,
  now: number,
): { level: 'info' | 'warn'; text: string } | undefined {
  const samePhase = previous?.phase === view.phase;
  const sameInvite = previous?.invite?.handleId === view.invite?.handleId;
  const sameAttempt = previous?.attempt === view.attempt;
  if (samePhase && sameInvite && sameAttempt) return undefined;
  const label = handleLabel(view);
  switch (view.phase) {
    case 'failed': {
      const error = view.error;
      const detail =
        error === undefined
          ? 'no error detail'
          : `${error.code}${view.canRetry ? ', retryable' : ''}: ${error.message}`;
      return {
        level: 'warn',
        text: `join: failed ${label} after ${view.attempt} attempt(s) (${detail})`,
      };
    }
    case 'retrying': {
      const waitMs =
        view.nextRetryAt === undefined ? undefined : Math.max(0, view.nextRetryAt - now);
      const wait = waitMs === undefined ? '' : ` in ${(waitMs / 1000).toFixed(1)} s`;
      const cause = view.error === undefined ? '' : ` after ${view.error.code}`;
      return {
        level: 'info',
        text: `join: retrying ${label}${wait}${cause} (attempt ${view.attempt})`,
      };
    }
    case 'writingSession':
      return { level: 'info', text: `join: writing session ${label} (attempt ${view.attempt})` };
    default:
      return { level: 'info', text: `join: ${view.phase} ${label}` };
  }
}

/** Subscribes and logs every decision; returns the unsubscribe function. */
export function logJoinPhases(
  feed: JoinViewFeed,
  log: Logger,
  now: () => number = Date.now,
): () => void {
  let previous: JoinView | undefined;
  return feed.subscribe((view) => {
    const line = describeJoinChange(previous, view, now());
    previous = view;
    if (line !== undefined) log[line.level](line.text);
  });
}
