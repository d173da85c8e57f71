/**
 * Renders a session record as the MPSD session document XSAPI parses (mpsd-protocol.md §5): members
 * keyed by decimal index and chained through `next` up to `membersInfo.next`, every member with
 * `constants.system.xuid` as a string, enum values in lower case. Rendering is cached per record,
 * and records are immutable, so reads of an unchanged session cost one map lookup.
 */
import { memberStatus, type MemberRecord, type SessionRecord } from './session-record';
import { nextTimer } from './session-timers';

const renderedJson = new WeakMap<SessionRecord, string>();

function renderMember(member: MemberRecord, next: number): Record<string, unknown> {
  const rendered: Record<string, unknown> = {
    next,
    constants: {
      system: { ...member.constantsSystem, xuid: member.xuid, index: member.index },
      custom: member.constantsCustom ?? {},
    },
    properties: { system: member.propertiesSystem, custom: member.propertiesCustom },
  };
  if (member.roles && Object.keys(member.roles).length > 0) rendered.roles = member.roles;
  if (member.reserved) rendered.reserved = true;
  else rendered.gamertag = member.gamertag;
  if (member.joinTime !== undefined) rendered.joinTime = member.joinTime;
  if (member.activeTitleId !== undefined && memberStatus(member) === 'active') {
    rendered.activeTitleId = member.activeTitleId;
  }
  if (member.deviceToken !== undefined) rendered.deviceToken = member.deviceToken;
  return rendered;
}

/** The session document as a plain object. */
export function renderSession(record: SessionRecord): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  let accepted = 0;
  let active = 0;
  record.members.forEach((member, position) => {
    const following = record.members[position + 1];
    members[String(member.index)] = renderMember(member, following?.index ?? record.nextIndex);
    if (!member.reserved) accepted += 1;
    if (memberStatus(member) === 'active') active += 1;
  });
  const document: Record<string, unknown> = {
    contractVersion: record.contractVersion,
    branch: record.branch,
    changeNumber: record.changeNumber,
    correlationId: record.correlationId,
    startTime: record.startTime,
  };
  const timer = nextTimer(record);
  if (timer !== undefined) document.nextTimer = new Date(timer).toISOString();
  document.constants = { system: record.constantsSystem, custom: record.constantsCustom ?? {} };
  document.properties = { system: record.propertiesSystem, custom: record.propertiesCustom };
  document.members = members;
  document.membersInfo = {
    first: record.members[0]?.index ?? record.nextIndex,
    next: record.nextIndex,
    count: record.members.length,
    accepted,
    active,
  };
  document.servers = {};
  return document;
}

/** The session document as JSON text, rendered once per record. */
export function renderSessionJson(record: SessionRecord): string {
  let json = renderedJson.get(record);
  if (json === undefined) {
    json = JSON.stringify(renderSession(record));
    renderedJson.set(record, json);
  }
  return json;
}
