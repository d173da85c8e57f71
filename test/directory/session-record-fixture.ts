/**
 * Stored session and member records with plain defaults, for the unit tests that hand a record to
 * the directory's modules directly (the store, the service): a test names only the fields it is
 * about, and every record has every required field.
 */
import type { SessionRef } from '../../src/directory/session-ref';
import type { MemberRecord, SessionRecord } from '../../src/directory/session-record';

/** A session under `ref` with no members and an open visibility; `fields` replace any field. */
export function sessionRecordOf(
  ref: SessionRef,
  fields: Partial<SessionRecord> = {},
): SessionRecord {
  return {
    ref,
    contractVersion: 107,
    branch: 'b',
    correlationId: 'c',
    startTime: '2026-03-01T10:00:00.000Z',
    changeNumber: 1,
    etag: '"e1"',
    constantsSystem: { maxMembersCount: 4, visibility: 'open' },
    constantsCustom: {},
    propertiesSystem: {},
    propertiesCustom: {},
    members: [],
    nextIndex: 0,
    formerXuids: [],
    ...fields,
  };
}

/** An active, accepted member `xuid` (index = the XUID's number); `fields` replace any field. */
export function memberRecordOf(
  xuid: string,
  statusSince: number,
  fields: Partial<MemberRecord> = {},
): MemberRecord {
  return {
    index: Number(xuid),
    xuid,
    gamertag: `P${xuid}`,
    constantsSystem: {},
    constantsCustom: {},
    propertiesSystem: { active: true },
    propertiesCustom: {},
    reserved: false,
    statusSince,
    ...fields,
  };
}
