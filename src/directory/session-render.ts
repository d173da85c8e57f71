/**
 * Renders a session record as the MPSD session document XSAPI parses (docs/mpsd-protocol.md §5):
 * members keyed by decimal index and chained through `next` up to `membersInfo.next`, every member with
 * `constants.system.xuid` as a string, enum values in lower case.
 *
 * Records are immutable and a write changes at most a few members, so a `SessionRenderer` keeps the
 * pieces of each session's last rendering and reuses every piece whose source object is the same
 * one: the session's constants and properties JSON and each unchanged member's entry (a read of an
 * unchanged session joins the pieces again without serialising anything; a join serialises the new
 * member, a member re-writing its properties its own entry). It keeps them
 * in one map keyed by session, not in WeakMaps keyed by record: every write makes new records, and
 * a WeakMap entry per record made V8's scavenger process an ephemeron per write, which cost more
 * than rendering the document twice.
 * Documents are text, not bytes: joining cached pieces is a string concatenation V8 does without
 * copying, and the HTTP layer then writes the status line, headers and body in one go.
 */
import { memberStatus, type MemberRecord, type SessionRecord } from './session-record';
import { nextTimer } from './session-timers';
import { isoTime } from './iso-time';
import { jsonText } from './json-numbers';
import { roleTypesDocument } from './session-roles';

/** JSON text and its UTF-8 length, counted once when it is rendered. */
export interface RenderedJson {
  readonly text: string;
  readonly bytes: number;
}

/**
 * What a renderer keeps of the last document it rendered for a session: the pieces, not the
 * document. A session's last document would otherwise stay in memory as long as the session, a
 * tree of some fifty strings per session that every garbage collection has to walk. Updated in
 * place, so a write costs one map lookup, not a lookup and a store.
 */
interface Rendering {
  record: SessionRecord;
  /** `{"contractVersion":…,"branch":…,"changeNumber":` */
  opening: RenderedJson;
  /** `"correlationId":…,"startTime":…,` */
  identity: RenderedJson;
  /** `"constants":…,"properties":…,"members":{` */
  middle: RenderedJson;
  /**
   * Each member's entry, in the order of `record.members`: `"index":{"next":N,…}`, after a comma
   * unless it is the first member. Kept as two arrays of plain values rather than an object per
   * member: every member kept costs the scavenger a copy, and these live as long as the member.
   */
  entryTexts: readonly string[];
  /** The UTF-8 length of each of `entryTexts`. */
  entryBytes: readonly number[];
}

const rendered = (text: string): RenderedJson => ({ text, bytes: Buffer.byteLength(text) });

const bag = (system: Readonly<Record<string, unknown>>, custom: unknown): string =>
  `{"system":${jsonText(system)},"custom":${jsonText(custom ?? {})}}`;

/** `constants.system` with the member's xuid and index, which the record keeps apart. */
function constantsSystemJson(member: MemberRecord): string {
  const system = member.constantsSystem;
  if (Object.hasOwn(system, 'xuid') || Object.hasOwn(system, 'index')) {
    return jsonText({ ...system, xuid: member.xuid, index: member.index });
  }
  const own = jsonText(system);
  const identity = `"xuid":${JSON.stringify(member.xuid)},"index":${member.index}}`;
  return own.length === 2 ? `{${identity}` : `${own.slice(0, -1)},${identity}`;
}

/** A member's entry, from `"index"` to its closing brace, after a comma unless it is the first. */
function memberEntryText(member: MemberRecord, next: number, first: boolean): string {
  let text =
    `${first ? '' : ','}"${member.index}":{"next":${next},` +
    `"constants":{"system":${constantsSystemJson(member)},"custom":${jsonText(member.constantsCustom ?? {})}},` +
    `"properties":${bag(member.propertiesSystem, member.propertiesCustom)}`;
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
  return `${text}}`;
}

/** Renders `record`, reusing what `previous` rendered from the same objects. */
function renderDocument(
  record: SessionRecord,
  previous: Rendering | undefined,
): { rendering: Rendering; document: RenderedJson } {
  const before = previous?.record;
  // A session's contract version, branch, correlation id and start time are fixed when it is
  // created; its constants too. Each part is rendered again only when its sources changed.
  const opening =
    previous !== undefined &&
    before?.contractVersion === record.contractVersion &&
    before.branch === record.branch
      ? previous.opening
      : rendered(
          `{"contractVersion":${record.contractVersion},"branch":${JSON.stringify(record.branch)},"changeNumber":`,
        );
  const identity =
    previous !== undefined &&
    before?.correlationId === record.correlationId &&
    before.startTime === record.startTime
      ? previous.identity
      : rendered(
          `"correlationId":${JSON.stringify(record.correlationId)},"startTime":${JSON.stringify(record.startTime)},`,
        );
  const middle =
    previous !== undefined &&
    before?.constantsSystem === record.constantsSystem &&
    before.constantsCustom === record.constantsCustom &&
    before.propertiesSystem === record.propertiesSystem &&
    before.propertiesCustom === record.propertiesCustom
      ? previous.middle
      : rendered(
          `"constants":${bag(record.constantsSystem, record.constantsCustom)},` +
            `"properties":${bag(record.propertiesSystem, record.propertiesCustom)},"members":{`,
        );
  const timer = nextTimer(record);
  // The change number and the timer are ASCII: their lengths are their byte counts.
  const change = `${record.changeNumber},`;
  const timerText = timer === undefined ? '' : `"nextTimer":"${isoTime(timer)}",`;
  // Role counts follow the members, so sessions with role types render them every time.
  const roles =
    record.roleTypes === undefined
      ? undefined
      : rendered(`"roleTypes":${jsonText(roleTypesDocument(record.roleTypes, record.members))},`);
  let text = opening.text + change + identity.text + timerText + (roles?.text ?? '') + middle.text;
  let bytes =
    opening.bytes +
    change.length +
    identity.bytes +
    timerText.length +
    (roles?.bytes ?? 0) +
    middle.bytes;
  let accepted = 0;
  let active = 0;
  const { members } = record;
  const oldMembers = previous?.record.members ?? [];
  const oldTexts = previous?.entryTexts ?? [];
  const oldBytes = previous?.entryBytes ?? [];
  const entryTexts = new Array<string>(members.length);
  const entryBytes = new Array<number>(members.length);
  // Both member lists are sorted by index, so one forward walk finds the old entry of each index.
  // An entry is reused whole when its member record, its `next` and its place are the same; a
  // changed member's entry is rendered again whole.
  let old = 0;
  for (let position = 0; position < members.length; position += 1) {
    const member = members[position] as MemberRecord;
    while (old < oldMembers.length && (oldMembers[old] as MemberRecord).index < member.index) {
      old += 1;
    }
    const next = members[position + 1]?.index ?? record.nextIndex;
    const first = position === 0;
    const oldNext = oldMembers[old + 1]?.index ?? before?.nextIndex;
    if (oldMembers[old] === member && oldNext === next && (old === 0) === first) {
      entryTexts[position] = oldTexts[old] as string;
      entryBytes[position] = oldBytes[old] as number;
    } else {
      const entry = memberEntryText(member, next, first);
      entryTexts[position] = entry;
      // Also flattens the entry, so the documents it is joined into copy one string, not a tree.
      entryBytes[position] = Buffer.byteLength(entry);
    }
    text += entryTexts[position] as string;
    bytes += entryBytes[position] as number;
    if (!member.reserved) accepted += 1;
    if (memberStatus(member) === 'active') active += 1;
  }
  const first = members[0]?.index ?? record.nextIndex;
  // The same text JSON.stringify gives for these integer fields, in this order; ASCII only.
  const tail =
    `},"membersInfo":{"first":${first},"next":${record.nextIndex},"count":${members.length},` +
    `"accepted":${accepted},"active":${active}},"servers":{}}`;
  return {
    rendering: { record, opening, identity, middle, entryTexts, entryBytes },
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
    const kept = this.#last.get(key);
    const { rendering, document } = renderDocument(record, kept);
    if (kept === undefined) {
      this.#last.set(key, rendering);
    } else {
      kept.record = rendering.record;
      kept.opening = rendering.opening;
      kept.identity = rendering.identity;
      kept.middle = rendering.middle;
      kept.entryTexts = rendering.entryTexts;
      kept.entryBytes = rendering.entryBytes;
    }
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

  /** The keys of the sessions it keeps a rendering of (the sweep asks a shared store which remain). */
  keys(): string[] {
    return [...this.#last.keys()];
  }

  /** How many sessions it keeps a rendering of (`/statsz`'s `renderedSessions`). */
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
