/**
 * Renders a session record as the MPSD session document XSAPI parses (mpsd-protocol.md §5): members
 * keyed by decimal index and chained through `next` up to `membersInfo.next`, every member with
 * `constants.system.xuid` as a string, enum values in lower case.
 *
 * Records and member records are immutable, so the rendering is cached by identity at two levels,
 * as UTF-8 bytes: a whole document per session record (reads of an unchanged session cost one
 * lookup and no encoding) and each member's entry, all but its `next`, per member record (a write
 * that changes or adds one member serialises only that member, then copies the others' bytes).
 */
import { memberStatus, type MemberRecord, type SessionRecord } from './session-record';
import { nextTimer } from './session-timers';

/**
 * Rendered documents as UTF-8 bytes: the length the size cap and `Content-Length` need is the
 * buffer's, and every answer sends the same bytes without encoding the text again.
 */
const documents = new WeakMap<SessionRecord, Buffer>();
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
function memberBody(member: MemberRecord): string {
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
  return JSON.stringify(rendered).slice(1);
}

/**
 * A member's JSON after `"index":{"next":N,` as UTF-8 bytes. `next` depends on the neighbour, so it
 * is not part of the cached bytes: when someone joins after this member (every join does that to
 * the previous last member) only the short ASCII prefix is written again, the member is not
 * serialised again.
 */
const memberBodies = new WeakMap<MemberRecord, Buffer>();

function memberBodyBytes(member: MemberRecord): Buffer {
  let bytes = memberBodies.get(member);
  if (bytes === undefined) {
    bytes = Buffer.from(memberBody(member));
    memberBodies.set(member, bytes);
  }
  return bytes;
}

/** The ASCII start of a member's entry, up to and including the comma after `next`. */
function memberPrefix(member: MemberRecord, next: number): string {
  return `"${member.index}":{"next":${next},`;
}

/** `,` between member entries. */
const commaByte = 0x2c;

/** The session document as JSON text. */
export function renderSessionJson(record: SessionRecord): string {
  return renderSessionBytes(record).toString('utf8');
}

/**
 * The session document as UTF-8 bytes, rendered once per record. A write re-encodes only the head,
 * the members it changed and the tail; the members' bytes are copied, never serialised again.
 */
export function renderSessionBytes(record: SessionRecord): Buffer {
  const cached = documents.get(record);
  if (cached !== undefined) return cached;
  const timer = nextTimer(record);
  const head =
    `{"contractVersion":${record.contractVersion},"branch":"${record.branch}","changeNumber":${record.changeNumber},` +
    `"correlationId":"${record.correlationId}","startTime":"${record.startTime}",` +
    (timer === undefined ? '' : `"nextTimer":"${new Date(timer).toISOString()}",`) +
    `"constants":${bag(record.constantsSystem, record.constantsCustom)},` +
    `"properties":${bag(record.propertiesSystem, record.propertiesCustom)},"members":{`;

  // One allocation per document: the member bodies are looked up (and rendered if new) first,
  // so the length is known, then head, entries and tail are written into the same buffer. Building
  // a list of parts and concatenating it cost two extra small buffers and a copy per write.
  const { members } = record;
  const prefixes: string[] = new Array<string>(members.length);
  const bodies: Buffer[] = new Array<Buffer>(members.length);
  let length = Buffer.byteLength(head) + Math.max(0, members.length - 1);
  let accepted = 0;
  let active = 0;
  for (let position = 0; position < members.length; position += 1) {
    const member = members[position] as MemberRecord;
    const next = members[position + 1]?.index ?? record.nextIndex;
    const prefix = memberPrefix(member, next);
    const body = memberBodyBytes(member);
    prefixes[position] = prefix;
    bodies[position] = body;
    // The prefix is ASCII (digits and punctuation): one byte per character.
    length += prefix.length + body.length;
    if (!member.reserved) accepted += 1;
    if (memberStatus(member) === 'active') active += 1;
  }
  const first = members[0]?.index ?? record.nextIndex;
  // The same text JSON.stringify gives for these integer fields, in this order.
  const tail =
    `},"membersInfo":{"first":${first},"next":${record.nextIndex},"count":${members.length},` +
    `"accepted":${accepted},"active":${active}},"servers":{}}`;
  length += Buffer.byteLength(tail);
  const bytes = Buffer.allocUnsafe(length);
  let offset = bytes.write(head, 0);
  for (let position = 0; position < bodies.length; position += 1) {
    if (position > 0) offset = bytes.writeUInt8(commaByte, offset);
    offset += bytes.write(prefixes[position] as string, offset, 'latin1');
    offset += (bodies[position] as Buffer).copy(bytes, offset);
  }
  offset += bytes.write(tail, offset);
  if (offset !== length) throw new Error('session render: the document length was miscounted');
  documents.set(record, bytes);
  return bytes;
}

/**
 * The UTF-8 byte length of the session document: a write checks it against the size cap and the
 * answer sends it as `Content-Length`.
 */
export function sessionJsonBytes(record: SessionRecord): number {
  return renderSessionBytes(record).length;
}
