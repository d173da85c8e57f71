/**
 * The longest removal or empty-session timeout the directory accepts. MPSD takes milliseconds or
 * `null` (never); a number so large that "now + timeout" is past the last instant a JavaScript
 * `Date` can hold (8.64e15 ms) used to make every rendering of the session's `nextTimer` throw, so
 * every read answered 500 and the last member could never leave. Anything above this maximum is
 * refused with 400 at the door; `null` stays the way to say "never".
 */

/** 365 days in milliseconds: longer than any session a player keeps, far below 8.64e15. */
export const maxTimeoutMs = 365 * 24 * 60 * 60 * 1000;

/** The last epoch millisecond a `Date` (and so an ISO timestamp) can express. */
const lastRepresentableTime = 8.64e15;

/**
 * `since + timeout` as a deadline, or undefined when it is never: no timeout, or one whose deadline
 * no timestamp can express (a record written before the cap, or a clock far in the future).
 */
export function deadlineAfter(since: number, timeout: number | null): number | undefined {
  if (timeout === null) return undefined;
  const deadline = since + timeout;
  return Number.isFinite(deadline) && deadline <= lastRepresentableTime ? deadline : undefined;
}
