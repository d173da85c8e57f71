/**
 * MPSD's member and session timers as the pure evaluation the directory runs before every read and
 * write (src/directory/session-timers.ts, timeout-limits.ts). The HTTP suites (timers,
 * timeouts.property) prove the evaluation is wired in; these pin each boundary on its own: the
 * exact millisecond a member or an empty session goes, which timeout each status uses, and what a
 * changed record carries (mutation testing, docs/quality.md).
 */
import { describe, expect, it } from 'vitest';
import { applyTimers, newEtag, nextTimer } from '../../src/directory/session-timers';
import { deadlineAfter, maxTimeoutMs } from '../../src/directory/timeout-limits';
import type { MemberRecord, SessionRecord } from '../../src/directory/session-record';
import { memberRecordOf } from './session-record-fixture';

type Status = 'active' | 'ready' | 'reserved' | 'inactive';

/** A member of this status since `since`, on device token `token-<xuid>`. */
function seat(xuid: string, status: Status, since = 0): MemberRecord {
  return memberRecordOf(xuid, since, {
    propertiesSystem:
      status === 'active' ? { active: true } : status === 'ready' ? { ready: true } : {},
    reserved: status === 'reserved',
    deviceToken: `token-${xuid}`,
  });
}

/** Timeouts: reserved 30 s, inactive 10 s, ready 20 s, empty 60 s unless `timeouts` says. */
function sessionOf(
  members: MemberRecord[],
  timeouts: Record<string, number | null> = {},
  extra: Partial<SessionRecord> = {},
): SessionRecord {
  return {
    ref: { scid: 's', templateName: 't', name: 'n' },
    contractVersion: 107,
    branch: 'b',
    correlationId: 'c',
    startTime: '2026-01-01T00:00:00.000Z',
    changeNumber: 5,
    etag: '"before"',
    constantsSystem: {
      reservedRemovalTimeout: 30_000,
      inactiveRemovalTimeout: 10_000,
      readyRemovalTimeout: 20_000,
      sessionEmptyTimeout: 60_000,
      ...timeouts,
    },
    constantsCustom: {},
    propertiesSystem: {},
    propertiesCustom: {},
    members,
    nextIndex: 10,
    formerXuids: members.map((member) => member.xuid),
    ...extra,
  };
}

const xuidsOf = (outcome: ReturnType<typeof applyTimers>) =>
  outcome.kind === 'deleted' ? undefined : outcome.record.members.map((member) => member.xuid);

describe('deadlineAfter', () => {
  it('adds the timeout, and null means never', () => {
    expect(deadlineAfter(1_000, 500)).toBe(1_500);
    expect(deadlineAfter(1_000, 0)).toBe(1_000);
    expect(deadlineAfter(1_000, null)).toBeUndefined();
  });

  it('answers never for a deadline no Date can hold, and keeps the last one that can', () => {
    expect(deadlineAfter(8.64e15 - 10, 10)).toBe(8.64e15);
    expect(new Date(8.64e15).toISOString()).toBe('+275760-09-13T00:00:00.000Z');
    expect(deadlineAfter(8.64e15 - 10, 11)).toBeUndefined();
    expect(deadlineAfter(0, Number.MAX_VALUE * 2)).toBeUndefined();
    expect(deadlineAfter(Number.NaN, 1)).toBeUndefined();
  });

  it('caps timeouts at 365 days', () => {
    expect(maxTimeoutMs).toBe(31_536_000_000);
  });
});

describe('applyTimers', () => {
  it('keeps the very record while nothing expires', () => {
    const record = sessionOf([seat('1', 'active'), seat('2', 'reserved', 1_000)]);
    const outcome = applyTimers(record, 30_999);
    expect(outcome).toEqual({ kind: 'unchanged', record });
    expect(outcome.kind === 'unchanged' && outcome.record).toBe(record);
  });

  it('removes each status by its own timeout, at the exact millisecond it runs out', () => {
    const members = [
      seat('1', 'active'),
      seat('2', 'reserved', 0),
      seat('3', 'inactive', 0),
      seat('4', 'ready', 0),
    ];
    const record = sessionOf(members);
    expect(xuidsOf(applyTimers(record, 9_999))).toEqual(['1', '2', '3', '4']);
    expect(xuidsOf(applyTimers(record, 10_000))).toEqual(['1', '2', '4']);
    expect(xuidsOf(applyTimers(record, 19_999))).toEqual(['1', '2', '4']);
    expect(xuidsOf(applyTimers(record, 20_000))).toEqual(['1', '2']);
    expect(xuidsOf(applyTimers(record, 29_999))).toEqual(['1', '2']);
    expect(xuidsOf(applyTimers(record, 30_000))).toEqual(['1']);
    expect(xuidsOf(applyTimers(record, 1e12))).toEqual(['1']);
  });

  it('counts from when the member took its status, and a null timeout never removes', () => {
    const record = sessionOf([seat('1', 'active'), seat('2', 'inactive', 5_000)], {
      readyRemovalTimeout: null,
    });
    expect(applyTimers(record, 14_999).kind).toBe('unchanged');
    expect(xuidsOf(applyTimers(record, 15_000))).toEqual(['1']);
    const never = sessionOf([seat('1', 'ready', 0)], { readyRemovalTimeout: null });
    expect(applyTimers(never, 1e15).kind).toBe('unchanged');
  });

  it('finds an expired member after live ones, and keeps the live ones after it', () => {
    const record = sessionOf([
      seat('1', 'active'),
      seat('2', 'active'),
      seat('3', 'inactive', 0),
      seat('4', 'active'),
    ]);
    expect(xuidsOf(applyTimers(record, 10_000))).toEqual(['1', '2', '4']);
    const last = sessionOf([seat('1', 'active'), seat('2', 'inactive', 0)]);
    expect(xuidsOf(applyTimers(last, 10_000))).toEqual(['1']);
  });

  it('gives a changed session the next change number and a new ETag, keeping the rest', () => {
    const kept = seat('1', 'active');
    const record = sessionOf([kept, seat('2', 'inactive', 0)], {}, { emptySince: 123 });
    const outcome = applyTimers(record, 10_000);
    if (outcome.kind !== 'changed') throw new Error(`expected a change, got ${outcome.kind}`);
    expect(outcome.record.changeNumber).toBe(6);
    expect(outcome.record.etag).not.toBe('"before"');
    expect(outcome.record.etag).toMatch(/^"[0-9a-f]{16}-[0-9a-z]+"$/);
    expect(outcome.record.members[0]).toBe(kept);
    expect(outcome.record.emptySince).toBeUndefined();
    expect(outcome.record.nextIndex).toBe(10);
    expect(record.members).toHaveLength(2);
  });

  it('drops the host property when the host member is removed, and keeps it otherwise', () => {
    const hostGone = sessionOf(
      [seat('1', 'active'), seat('2', 'inactive', 0)],
      {},
      {
        propertiesSystem: { host: 'token-2', joinRestriction: 'local' },
      },
    );
    const outcome = applyTimers(hostGone, 10_000);
    expect(outcome.kind === 'changed' && outcome.record.propertiesSystem).toEqual({
      joinRestriction: 'local',
    });
    const hostStays = sessionOf(
      [seat('1', 'active'), seat('2', 'inactive', 0)],
      {},
      {
        propertiesSystem: { host: 'token-1' },
      },
    );
    const stays = applyTimers(hostStays, 10_000);
    expect(stays.kind === 'changed' && stays.record.propertiesSystem).toEqual({ host: 'token-1' });
  });

  it('keeps a session its last member left by timer until its empty timeout, then deletes it', () => {
    const record = sessionOf([seat('2', 'inactive', 0)]);
    const emptied = applyTimers(record, 10_000);
    if (emptied.kind !== 'changed') throw new Error(`expected a change, got ${emptied.kind}`);
    expect(emptied.record.members).toEqual([]);
    expect(emptied.record.emptySince).toBe(10_000);
    expect(applyTimers(emptied.record, 69_999)).toEqual({
      kind: 'unchanged',
      record: emptied.record,
    });
    expect(applyTimers(emptied.record, 70_000)).toEqual({ kind: 'deleted' });
    // The empty time counts from the evaluation that removed the last member, not from its deadline.
    expect(applyTimers(record, 70_000)).toEqual({ kind: 'changed', record: expect.anything() });
    expect(
      applyTimers(sessionOf([seat('2', 'inactive', 0)], { sessionEmptyTimeout: 0 }), 10_000),
    ).toEqual({ kind: 'deleted' });
  });

  it('never deletes a session that still has members, whatever its empty timeout', () => {
    const record = sessionOf([seat('1', 'active')], { sessionEmptyTimeout: 0 });
    expect(applyTimers(record, 1e12)).toEqual({ kind: 'unchanged', record });
  });

  it('deletes an empty session at once with an empty timeout of 0, and never with null', () => {
    expect(applyTimers(sessionOf([], { sessionEmptyTimeout: 0 }), 5)).toEqual({
      kind: 'deleted',
    });
    const kept = sessionOf([], { sessionEmptyTimeout: null }, { emptySince: 0 });
    expect(applyTimers(kept, 1e15)).toEqual({ kind: 'unchanged', record: kept });
    const noSince = sessionOf([], { sessionEmptyTimeout: 1_000 });
    expect(applyTimers(noSince, 1e15).kind).toBe('unchanged');
  });
});

describe('nextTimer', () => {
  it('is the earliest member deadline, in whatever order the members are', () => {
    const later = seat('2', 'reserved', 0); // 30 000
    const sooner = seat('3', 'ready', 0); // 20 000
    expect(nextTimer(sessionOf([seat('1', 'active'), later, sooner]))).toBe(20_000);
    expect(nextTimer(sessionOf([sooner, later]))).toBe(20_000);
    expect(nextTimer(sessionOf([seat('4', 'inactive', 1_000)]))).toBe(11_000);
  });

  it('is undefined when only active members or null timeouts remain', () => {
    expect(nextTimer(sessionOf([seat('1', 'active')]))).toBeUndefined();
    expect(nextTimer(sessionOf([seat('2', 'ready', 0)], { readyRemovalTimeout: null }))).toBe(
      undefined,
    );
  });

  it('is the empty deadline of an empty session, and ignores a stale emptySince', () => {
    expect(nextTimer(sessionOf([], {}, { emptySince: 1_000 }))).toBe(61_000);
    expect(nextTimer(sessionOf([], { sessionEmptyTimeout: null }, { emptySince: 1_000 }))).toBe(
      undefined,
    );
    expect(nextTimer(sessionOf([], {}))).toBeUndefined();
    const stale = sessionOf([seat('1', 'active')], {}, { emptySince: 0 });
    expect(nextTimer(stale)).toBeUndefined();
    const member = sessionOf(
      [seat('2', 'reserved', 0)],
      { sessionEmptyTimeout: 0 },
      {
        emptySince: 0,
      },
    );
    expect(nextTimer(member)).toBe(30_000);
  });
});

describe('newEtag', () => {
  it('is a quoted tag after this process prefix, counting up in base 36', () => {
    const first = newEtag();
    const second = newEtag();
    const pattern = /^"([0-9a-f]{16})-([0-9a-z]+)"$/;
    const [, prefix, count] = pattern.exec(first) ?? [];
    const [, samePrefix, next] = pattern.exec(second) ?? [];
    expect(prefix).toBeDefined();
    expect(samePrefix).toBe(prefix);
    expect(parseInt(next ?? '', 36)).toBe(parseInt(count ?? '', 36) + 1);
    expect(parseInt(count ?? '', 36)).toBeGreaterThan(0);
  });
});
