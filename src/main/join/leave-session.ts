/**
 * Leaving a session the player was, or may have been, written into: the join machine's `leaving`
 * state runs this whatever the way out (cancel, newer invite, game failure, shutdown, deadline),
 * so no ghost member stays behind. A failed leave is logged; it never changes the outcome shown.
 */
import {
  findMemberByXuid,
  memberEntries,
  type SessionDocument,
} from '../../shared/mpsd/session-document';
import type { Invite } from '../../shared/invite';
import type { Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import { handleLogLabel } from '../logging/log-labels';
import type { DirectoryClient } from './directory-client';
import type { DirectoryError } from './directory-error';
import type { RetryPolicy } from './retry-delay';

/** The invite being joined and the player joining it: everything a session write needs. */
export interface Seat {
  readonly invite: Invite;
  readonly xuid: string;
}

/** A session the player was written into and must eventually leave. */
export interface Membership {
  readonly seat: Seat;
  readonly contentLocation: string;
  /** The session as the write answered it (the game is handed this). */
  readonly session: SessionDocument;
}

/** What may need leaving: a confirmed membership, and a write whose answer was lost. */
export interface LeaveInput {
  readonly membership?: Membership;
  readonly unsure?: Seat;
  /** Budget of the whole leaving step; retries of a failed leave stay inside it. */
  readonly timeoutMs: number;
}

/** A clock the join runs on (`now`) and schedules with (xstate's `Clock`). */
export interface JoinClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface LeaveDeps {
  readonly client: Pick<DirectoryClient, 'joinByHandle' | 'readByHandle' | 'leave'>;
  readonly retryPolicy: RetryPolicy;
  readonly clock: JoinClock;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
}

/** Waits on the join's clock; resolves early (false) when the signal aborts. */
function pause(clock: JoinClock, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: the only caller (persistently) returns on an aborted signal before it waits
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so `once` changes nothing
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs a directory step until it succeeds or the policy gives up inside the leave budget. Leaving
 * is idempotent (`"me": null`), so a transient failure is worth another request: a ghost member is
 * worse than a second request.
 */
async function persistently<T>(
  deps: LeaveDeps,
  deadline: number,
  step: () => Promise<Result<T, DirectoryError>>,
  signal: AbortSignal,
): Promise<Result<T, DirectoryError>> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await step();
    if (result.ok || signal.aborted) return result;
    const delay = deps.retryPolicy({
      attempt,
      error: result.error,
      now: deps.clock.now(),
      deadline,
    });
    if (delay === undefined || !(await pause(deps.clock, delay, signal))) return result;
  }
}

/** True when the session lists the player (by XUID, or as the caller's own `me` entry). */
function isMember(session: SessionDocument | undefined, xuid: string): boolean {
  return (
    session !== undefined &&
    (findMemberByXuid(session, xuid) !== undefined ||
      memberEntries(session).some((entry) => entry.key === 'me'))
  );
}

/**
 * Leaves the confirmed membership, then checks whether an unanswered write landed and leaves that
 * session too when the player is really there.
 */
export async function leaveSession(
  deps: LeaveDeps,
  input: LeaveInput,
  signal: AbortSignal,
): Promise<void> {
  const { client, log } = deps;
  const deadline = deps.clock.now() + input.timeoutMs;
  const membership = input.membership;
  if (membership) {
    const label = handleLogLabel(membership.seat.invite.handleId);
    const location = membership.contentLocation;
    const left = await persistently(
      deps,
      deadline,
      () => client.leave(location, { signal }),
      signal,
    );
    if (left.ok) log?.info(`left the session of ${label}`);
    else log?.warn(`could not leave the session of ${label}: ${left.error.code}`);
  }
  const unsure = input.unsure;
  if (!unsure || unsure.invite.handleId === membership?.seat.invite.handleId) return;
  const handleId = unsure.invite.handleId;
  const label = handleLogLabel(handleId);
  // An unanswered write may have landed: look, and leave only if the player is really there.
  const read = await persistently(
    deps,
    deadline,
    () => client.readByHandle(handleId, { signal }),
    signal,
  );
  if (!read.ok) {
    log?.warn(`could not check membership for ${label}: ${read.error.code}`);
    return;
  }
  if (!isMember(read.value, unsure.xuid)) return;
  // Membership-first finds the session's location without writing again.
  const found = await persistently(
    deps,
    deadline,
    () =>
      client.joinByHandle(handleId, { xuid: unsure.xuid }, { signal, checkMembershipFirst: true }),
    signal,
  );
  if (!found.ok) {
    log?.warn(`could not locate the session of ${label}: ${found.error.code}`);
    return;
  }
  const location = found.value.contentLocation;
  const left = await persistently(deps, deadline, () => client.leave(location, { signal }), signal);
  if (left.ok) log?.info(`left the session of ${label} after an unanswered write`);
  else log?.warn(`could not leave the session of ${label}: ${left.error.code}`);
}
