/**
 * Renders a session record as the MPSD session document XSAPI parses (mpsd-protocol.md §5): members
 * keyed by decimal index and chained through `next` up to `membersInfo.next`, every member with
 * `constants.system.xuid` as a string, enum values in lower case.
 *
 * Records and member records are immutable, so the JSON is cached by identity at two levels: a
 * whole document per session record (reads of an unchanged session cost one lookup) and each
 * member's body per member record (a write that changes one member re-serialises only that member).
 */
import { memberStatus, type MemberRecord, type SessionRecord } from './session-record';
import { nextTimer } from './session-timers';

/** A rendered document and its UTF-8 length, which the size cap and `Content-Length` both need. */
interface RenderedDocument {
  readonly json: string;
  readonly bytes: number;
}

const documents = new WeakMap<SessionRecord, RenderedDocument>();
/** JSON of a property bag, by the identity of its (immutable) system object. */
const bagJson = new WeakMap<object, { custom: unknown; json: string }>();

function bag(system: Readonly<Record<string, unknown>>, custom: unknown): string {
  const cached = bagJson.get(system);
  if (cached !== undefined && cached.custom === custom) return cached.json;
  const json = JSON.stringify({ system, custom: custom ?? {} });
  bagJson.set(system, { custom, json });
  return json;
}

/** A member's JSON without its leading `{` and without `next`, which depends on its neighbour. */
const memberBodyJson = new WeakMap<MemberRecord, string>();

function memberBody(member: MemberRecord): string {
  let body = memberBodyJson.get(member);
  if (body !== undefined) return body;
  const rendered: Record<string, unknown> = {
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
  body = JSON.stringify(rendered).slice(1);
  memberBodyJson.set(member, body);
  return body;
}

/** The session document as JSON text. */
export function renderSessionJson(record: SessionRecord): string {
  return renderDocument(record).json;
}

/**
 * The UTF-8 byte length of the session document, computed once per record: a write checks it
 * against the size cap and the answer sends it as `Content-Length`.
 */
export function sessionJsonBytes(record: SessionRecord): number {
  return renderDocument(record).bytes;
}

function renderDocument(record: SessionRecord): RenderedDocument {
  const cached = documents.get(record);
  if (cached !== undefined) return cached;
  const timer = nextTimer(record);
  const head =
    `{"contractVersion":${record.contractVersion},"branch":"${record.branch}","changeNumber":${record.changeNumber},` +
    `"correlationId":"${record.correlationId}","startTime":"${record.startTime}",` +
    (timer === undefined ? '' : `"nextTimer":"${new Date(timer).toISOString()}",`) +
    `"constants":${bag(record.constantsSystem, record.constantsCustom)},` +
    `"properties":${bag(record.propertiesSystem, record.propertiesCustom)}`;

  const members: string[] = [];
  let accepted = 0;
  let active = 0;
  record.members.forEach((member, position) => {
    const next = record.members[position + 1]?.index ?? record.nextIndex;
    members.push(`"${member.index}":{"next":${next},${memberBody(member)}`);
    if (!member.reserved) accepted += 1;
    if (memberStatus(member) === 'active') active += 1;
  });
  const membersInfo = {
    first: record.members[0]?.index ?? record.nextIndex,
    next: record.nextIndex,
    count: record.members.length,
    accepted,
    active,
  };
  const json = `${head},"members":{${members.join(',')}},"membersInfo":${JSON.stringify(membersInfo)},"servers":{}}`;
  const rendered = { json, bytes: Buffer.byteLength(json) };
  documents.set(record, rendered);
  return rendered;
}
