/**
 * MPSD's member and session timers, applied lazily: just before every read and write the directory
 * evaluates what would have expired by now, as the real service does, instead of running background
 * timers. At most one timeout applies per member per evaluation (removal is the only action).
 */
import { randomBytes } from 'node:crypto';
import {
  memberStatus,
  sessionRecord,
  timeoutOf,
  type MemberRecord,
  type SessionRecord,
} from './session-record';
import { dropStaleHost } from './session-host';
import { deadlineAfter } from './timeout-limits';

const timeoutByStatus = {
  reserved: 'reservedRemovalTimeout',
  inactive: 'inactiveRemovalTimeout',
  ready: 'readyRemovalTimeout',
} as const;

function memberDeadline(record: SessionRecord, member: MemberRecord): number | undefined {
  const status = memberStatus(member);
  // Stryker disable next-line ConditionalExpression,StringLiteral: the table has no timeout for active, so the lookup answers never as well
  if (status === 'active') return undefined;
  return deadlineAfter(member.statusSince, timeoutOf(record, timeoutByStatus[status]));
}

/**
 * Result of evaluating timers: the same record when nothing expired, a new record when members were
 * removed, or `deleted` when the session's empty timeout ran out.
 */
export type TimerOutcome =
  | { readonly kind: 'unchanged'; readonly record: SessionRecord }
  | { readonly kind: 'changed'; readonly record: SessionRecord }
  | { readonly kind: 'deleted' };

function alive(record: SessionRecord, member: MemberRecord, now: number): boolean {
  const deadline = memberDeadline(record, member);
  return deadline === undefined || now < deadline;
}

export function applyTimers(record: SessionRecord, now: number): TimerOutcome {
  // Most evaluations expire nothing: only then is a new members array worth allocating. This runs
  // before every read and write, so it allocates no closure either.
  let kept = record.members;
  for (let i = 0; i < record.members.length; i += 1) {
    // Stryker disable next-line ConditionalExpression: a fast path; filtering when nothing expired keeps every member and the record
    if (!alive(record, record.members[i] as MemberRecord, now)) {
      kept = record.members.filter((member) => alive(record, member, now));
      break;
    }
  }
  let next = record;
  if (kept.length !== record.members.length) {
    next = dropStaleHost(
      sessionRecord(record, {
        members: kept,
        changeNumber: record.changeNumber + 1,
        etag: newEtag(),
        emptySince: kept.length === 0 ? now : undefined,
      }),
    );
  }
  if (next.members.length === 0) {
    const deadline = deadlineAfter(next.emptySince ?? now, timeoutOf(next, 'sessionEmptyTimeout'));
    // Stryker disable next-line ConditionalExpression: no number is >= undefined, so the undefined check adds nothing
    if (deadline !== undefined && now >= deadline) return { kind: 'deleted' };
  }
  return next === record ? { kind: 'unchanged', record } : { kind: 'changed', record: next };
}

/** The earliest moment a timer of this session fires, for the document's `nextTimer`. */
export function nextTimer(record: SessionRecord): number | undefined {
  let earliest: number | undefined;
  for (const member of record.members) {
    const deadline = memberDeadline(record, member);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an undefined deadline is never < a number, and equal deadlines are the same value
    if (deadline !== undefined && (earliest === undefined || deadline < earliest))
      earliest = deadline;
  }
  // Stryker disable next-line ConditionalExpression: without emptySince the deadline is NaN, which deadlineAfter answers as never
  if (record.members.length === 0 && record.emptySince !== undefined) {
    const deadline = deadlineAfter(record.emptySince, timeoutOf(record, 'sessionEmptyTimeout'));
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: a session without members has set no earliest, so only the undefined check can matter, and undefined stays undefined
    if (deadline !== undefined && (earliest === undefined || deadline < earliest)) {
      earliest = deadline;
    }
  }
  return earliest;
}

/** Random per process, so tags stay unique across restarts of the directory. */
const etagPrefix = randomBytes(8).toString('hex');
let etagCounter = 0;

/**
 * A fresh strong entity tag; quoted as HTTP wants, echoed verbatim by XSAPI. A process-wide counter
 * after a random prefix makes every tag new without drawing random bytes on each write (a UUID per
 * write was a visible share of a write's cost).
 */
export function newEtag(): string {
  etagCounter += 1;
  return `"${etagPrefix}-${etagCounter.toString(36)}"`;
}
