/**
 * Renders a session record as the MPSD session document XSAPI parses (mpsd-protocol.md §5): members
 * keyed by decimal index and chained through `next` up to `membersInfo.next`, every member with
 * `constants.system.xuid` as a string, enum values in lower case.
 *
 * Records are immutable and a write changes at most a few members, so a `SessionRenderer` keeps the
 * pieces of each session's last rendering and reuses every piece whose source object is the same
 * one: the constants and properties JSON and each member's entry but its `next` (a read of an
 * unchanged session joins the pieces again without serialising anything). It keeps them in one map
 * keyed by session, not in WeakMaps keyed by record: every write makes new records, and a WeakMap
 * entry per record made V8's scavenger process an ephemeron per write, which cost more than
 * rendering the document twice.
 * Documents are text, not bytes: joining cached pieces is a string concatenation V8 does without
 * copying, and the HTTP layer then writes the status line, headers and body in one go.
 */
import { memberStatus, type MemberRecord, type SessionRecord } from './session-record';
import { nextTimer } from './session-timers';

/** JSON text and its UTF-8 length, counted once when it is rendered. */
export interface RenderedJson {
  readonly text: string;
  readonly bytes: number;
}

/**
 * What a renderer keeps of the last document it rendered for a session: the pieces, not the
 * document. A session's last document would otherwise stay in memory as long as the session, a
 * tree of some fifty strings per session that every garbage collection has to walk.
 */
interface Rendering {
  readonly record: SessionRecord;
  readonly constantsJson: string;
  readonly propertiesJson: string;
  /** Each member's entry after `"index":{"next":N,`, in the order of `record.members`. */
  readonly bodies: readonly RenderedJson[];
}

const bag = (system: Readonly<Record<string, unknown>>, custom: unknown): string =>
  `{"system":${JSON.stringify(system)},"custom":${JSON.stringify(custom ?? {})}}`;

/** `constants.system` with the member's xuid and index, which the record keeps apart. */
function constantsSystemJson(member: MemberRecord): string {
  const system = member.constantsSystem;
  if (Object.hasOwn(system, 'xuid') || Object.hasOwn(system, 'index')) {
    return JSON.stringify({ ...system, xuid: member.xuid, index: member.index });
  }
  const own = JSON.stringify(system);
  const identity = `"xuid":${JSON.stringify(member.xuid)},"index":${member.index}}`;
  return own.length === 2 ? `{${identity}` : `${own.slice(0, -1)},${identity}`;
}

/**
 * A member's JSON without its leading `{` and without `next`, which depends on its neighbour. Built
 * field by field (each value through JSON.stringify) rather than as one object handed to
 * JSON.stringify: that object and its nested copies were the largest allocation of a write.
 */
function memberBody(member: MemberRecord): RenderedJson {
  let text =
    `"constants":{"system":${constantsSystemJson(member)},"custom":${JSON.stringify(member.constantsCustom ?? {})}},` +
    `"properties":{"system":${JSON.stringify(member.propertiesSystem)},"custom":${JSON.stringify(member.propertiesCustom)}}`;
  if (member.roles && Object.keys(member.roles).length > 0) {
    text += `,"roles":${JSON.stringify(member.roles)}`;
  }
  text += member.reserved ? ',"reserved":true' : `,"gamertag":${JSON.stringify(member.gamertag)}`;
  if (member.joinTime !== undefined) text += `,"joinTime":${JSON.stringify(member.joinTime)}`;
  if (member.activeTitleId !== undefined && memberStatus(member) === 'active') {
    text += `,"activeTitleId":${JSON.stringify(member.activeTitleId)}`;
  }
  if (member.deviceToken !== undefined) {
    text += `,"deviceToken":${JSON.stringify(member.deviceToken)}`;
  }
  text += '}';
  return { text, bytes: Buffer.byteLength(text) };
}

/** Renders `record`, reusing what `previous` rendered from the same objects. */
function renderDocument(
  record: SessionRecord,
  previous: Rendering | undefined,
): { rendering: Rendering; document: RenderedJson } {
  const before = previous?.record;
  const constantsJson =
    previous !== undefined &&
    before?.constantsSystem === record.constantsSystem &&
    before.constantsCustom === record.constantsCustom
      ? previous.constantsJson
      : bag(record.constantsSystem, record.constantsCustom);
  const propertiesJson =
    previous !== undefined &&
    before?.propertiesSystem === record.propertiesSystem &&
    before.propertiesCustom === record.propertiesCustom
      ? previous.propertiesJson
      : bag(record.propertiesSystem, record.propertiesCustom);
  const timer = nextTimer(record);
  const head =
    `{"contractVersion":${record.contractVersion},"branch":${JSON.stringify(record.branch)},"changeNumber":${record.changeNumber},` +
    `"correlationId":${JSON.stringify(record.correlationId)},"startTime":${JSON.stringify(record.startTime)},` +
    (timer === undefined ? '' : `"nextTimer":"${new Date(timer).toISOString()}",`) +
    `"constants":${constantsJson},"properties":${propertiesJson},"members":{`;
  let text = head;
  let bytes = Buffer.byteLength(head);
  let accepted = 0;
  let active = 0;
  const { members } = record;
  const oldMembers = before?.members ?? [];
  const bodies: RenderedJson[] = new Array<RenderedJson>(members.length);
  // Both member lists are sorted by index, so one forward walk finds every reused member.
  let old = 0;
  for (let position = 0; position < members.length; position += 1) {
    const member = members[position] as MemberRecord;
    while (old < oldMembers.length && (oldMembers[old] as MemberRecord).index < member.index) {
      old += 1;
    }
    const body =
      previous !== undefined && oldMembers[old] === member
        ? (previous.bodies[old] as RenderedJson)
        : memberBody(member);
    bodies[position] = body;
    const next = members[position + 1]?.index ?? record.nextIndex;
    // The prefix is ASCII (digits and punctuation): its length is its byte count.
    const prefix = `${position === 0 ? '' : ','}"${member.index}":{"next":${next},`;
    text += prefix + body.text;
    bytes += prefix.length + body.bytes;
    if (!member.reserved) accepted += 1;
    if (memberStatus(member) === 'active') active += 1;
  }
  const first = members[0]?.index ?? record.nextIndex;
  // The same text JSON.stringify gives for these integer fields, in this order; ASCII only.
  const tail =
    `},"membersInfo":{"first":${first},"next":${record.nextIndex},"count":${members.length},` +
    `"accepted":${accepted},"active":${active}},"servers":{}}`;
  return {
    rendering: { record, constantsJson, propertiesJson, bodies },
    document: { text: text + tail, bytes: bytes + tail.length },
  };
}

/**
 * Renders the documents of one directory's sessions, keeping the last rendering of each session
 * (by store key) so the next one re-serialises only what changed. One entry per live session:
 * the service forgets a session when it is deleted and prunes the rest on its periodic sweep.
 */
export class SessionRenderer {
  readonly #last = new Map<string, Rendering>();
  /** The one document kept whole: a write renders it for the size cap, then its answer sends it. */
  #lastRecord: SessionRecord | undefined;
  #lastDocument: RenderedJson | undefined;

  /** The document of `record`, the session stored under `key`. */
  render(key: string, record: SessionRecord): RenderedJson {
    if (record === this.#lastRecord && this.#lastDocument !== undefined) return this.#lastDocument;
    const { rendering, document } = renderDocument(record, this.#last.get(key));
    this.#last.set(key, rendering);
    this.#lastRecord = record;
    this.#lastDocument = document;
    return document;
  }

  /** Drops what is kept for a deleted session. */
  forget(key: string): void {
    this.#last.delete(key);
    this.#lastRecord = undefined;
    this.#lastDocument = undefined;
  }

  /** Drops what is kept for every session not in `live`. */
  retainOnly(live: ReadonlySet<string>): void {
    for (const key of this.#last.keys()) if (!live.has(key)) this.#last.delete(key);
  }

  /** How many sessions it keeps a rendering of, for tests. */
  get size(): number {
    return this.#last.size;
  }
}

/** The session document as JSON text, rendered from scratch (tests and one-off uses). */
export function renderSessionJson(record: SessionRecord): string {
  return renderDocument(record, undefined).document.text;
}

/** The UTF-8 byte length of a document rendered from scratch. */
export function sessionJsonBytes(record: SessionRecord): number {
  return renderDocument(record, undefined).document.bytes;
}
