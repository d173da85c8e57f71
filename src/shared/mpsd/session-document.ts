/**
 * The MPSD session document and handle document as zod schemas, plus the few questions the join
 * flow asks of a session (who am I, who hosts, how full is it).
 *
 * Every answer from a session directory is untrusted until it passes these schemas: the client
 * validates before use, the local directory's conformance tests validate its own output, and both
 * must accept the documents XSAPI's unit tests use (docs/mpsd-protocol.md §8).
 * Objects are loose (unknown fields survive) because the real service adds fields over time, but
 * everything XSAPI's own parser insists on (docs/mpsd-protocol.md §5.6) is enforced here.
 */
import * as z from 'zod';
import { err, ok, type Result } from '../result';

/**
 * Builds the schemas. zod builds a schema's parts when it is declared, which costs a cold start
 * about 30 ms of CPU for these; built on first use instead, a command that reads no session
 * document (or reads it later, like `rallypoint activate` after its first write) does not pay it
 * up front.
 */
function buildSchemas() {
  /** Enum strings are compared case-insensitively (XSAPI fixtures use "Open", the service "open"). */
  const lowerCaseEnum = z.string().transform((value) => value.toLowerCase());

  /** Timeouts are integer milliseconds; `null` means "never". */
  const timeoutMs = z.number().int().nonnegative().nullable().optional();

  const index = z.number().int().nonnegative();

  /** XUIDs travel as decimal strings (64-bit values do not fit a JSON number safely). */
  const xuid = z.string();

  /** `custom` bags are title-defined; XSAPI's own fixture has a bare string there. */
  const custom = z.unknown().optional();

  const sessionReferenceSchema = z.looseObject({
    scid: z.string(),
    templateName: z.string(),
    name: z.string(),
  });

  const subscriptionSchema = z.looseObject({
    id: z.string().optional(),
    changeTypes: z.array(z.string()).optional(),
  });

  const memberConstantsSystemSchema = z.looseObject({
    xuid,
    index: index.optional(),
    initialize: z.boolean().optional(),
    team: z.string().optional(),
    matchmakingResult: z.unknown().optional(),
  });

  const memberPropertiesSystemSchema = z.looseObject({
    active: z.boolean().optional(),
    ready: z.boolean().optional(),
    connection: z.string().optional(),
    subscription: subscriptionSchema.optional(),
    secureDeviceAddress: z.string().optional(),
    initializationGroup: z.array(index).optional(),
    groups: z.array(z.string()).optional(),
    encounters: z.array(z.string()).optional(),
    measurements: z.record(z.string(), z.unknown()).optional(),
    serverMeasurements: z.record(z.string(), z.unknown()).optional(),
  });

  const memberSchema = z.looseObject({
    constants: z.looseObject({ system: memberConstantsSystemSchema, custom }),
    properties: z
      .looseObject({ system: memberPropertiesSystemSchema.optional(), custom })
      .optional(),
    roles: z.record(z.string(), z.string()).optional(),
    gamertag: z.string().optional(),
    deviceToken: z.string().optional(),
    nat: lowerCaseEnum.optional(),
    reserved: z.boolean().optional(),
    activeTitleId: z.string().optional(),
    joinTime: z.string().optional(),
    turn: z.boolean().optional(),
    initializationFailure: lowerCaseEnum.optional(),
    initializationEpisode: z.number().int().optional(),
    /** Index of the next member on the chain, or `membersInfo.next` for the last one. */
    next: index.optional(),
  });

  const capabilitiesSchema = z.looseObject({
    connectivity: z.boolean().optional(),
    suppressPresenceActivityCheck: z.boolean().optional(),
    gameplay: z.boolean().optional(),
    large: z.boolean().optional(),
    connectionRequiredForActiveMembers: z.boolean().optional(),
    userAuthorizationStyle: z.boolean().optional(),
    crossPlay: z.boolean().optional(),
    searchable: z.boolean().optional(),
    hasOwners: z.boolean().optional(),
    clientMatchmaking: z.boolean().optional(),
  });

  const memberInitializationSchema = z.looseObject({
    joinTimeout: timeoutMs,
    measurementTimeout: timeoutMs,
    evaluationTimeout: timeoutMs,
    externalEvaluation: z.boolean().optional(),
    membersNeededToStart: z.number().int().nonnegative().optional(),
  });

  const constantsSystemSchema = z.looseObject({
    version: z.number().int().optional(),
    maxMembersCount: z.number().int().positive().optional(),
    visibility: lowerCaseEnum.optional(),
    initiators: z.array(xuid).optional(),
    inviteProtocol: z.string().optional(),
    reservedRemovalTimeout: timeoutMs,
    inactiveRemovalTimeout: timeoutMs,
    readyRemovalTimeout: timeoutMs,
    sessionEmptyTimeout: timeoutMs,
    capabilities: capabilitiesSchema.optional(),
    metrics: z.record(z.string(), z.unknown()).optional(),
    memberInitialization: memberInitializationSchema.optional(),
    peerToPeerRequirements: z.record(z.string(), z.unknown()).optional(),
    peerToHostRequirements: z.record(z.string(), z.unknown()).optional(),
    measurementServerAddresses: z.record(z.string(), z.unknown()).optional(),
  });

  const propertiesSystemSchema = z.looseObject({
    keywords: z.array(z.string()).optional(),
    turn: z.array(index).optional(),
    joinRestriction: lowerCaseEnum.optional(),
    readRestriction: lowerCaseEnum.optional(),
    closed: z.boolean().optional(),
    locked: z.boolean().optional(),
    owners: z.array(index).optional(),
    /** Device token of the arbiter; the host is the member whose `deviceToken` matches. */
    host: z.string().optional(),
    initializationSucceeded: z.boolean().optional(),
    serverConnectionStringCandidates: z.array(z.string()).optional(),
    matchmaking: z.record(z.string(), z.unknown()).optional(),
    matchmakingResubmit: z.boolean().optional(),
  });

  const membersInfoSchema = z.looseObject({
    first: index,
    next: index,
    count: z.number().int().nonnegative().optional(),
    accepted: z.number().int().nonnegative().optional(),
    active: z.number().int().nonnegative().optional(),
  });

  /** Member keys are decimal indices; a large session returns only the caller, keyed `me`. */
  const memberKey = z.string().regex(/^(?:0|[1-9]\d{0,9}|me)$/, 'member keys are indices or "me"');

  const sessionDocumentShape = z.looseObject({
    contractVersion: z.number().int().optional(),
    branch: z.string().optional(),
    changeNumber: z.number().int().nonnegative().optional(),
    correlationId: z.string().optional(),
    startTime: z.string().optional(),
    nextTimer: z.string().optional(),
    searchHandle: z.string().optional(),
    initializing: z
      .looseObject({
        stage: lowerCaseEnum.optional(),
        stageStartTime: z.string().optional(),
        episode: z.number().int().nonnegative().optional(),
      })
      .optional(),
    hostCandidates: z.array(z.string()).optional(),
    roleTypes: z.record(z.string(), z.unknown()).optional(),
    constants: z.looseObject({ system: constantsSystemSchema.optional(), custom }).optional(),
    properties: z.looseObject({ system: propertiesSystemSchema.optional(), custom }).optional(),
    members: z.record(memberKey, memberSchema).optional(),
    membersInfo: membersInfoSchema,
    servers: z.record(z.string(), z.unknown()).optional(),
  });

  /**
   * The session document (docs/mpsd-protocol.md §5) with XSAPI's hard requirements (§5.6):
   * `membersInfo` with `first`/`next`, and the member chain from `first` along each member's `next` reaching
   * `membersInfo.next` through members that all exist. A large session that lists only `me` has no
   * chain to walk.
   */
  const sessionDocumentSchema = sessionDocumentShape.superRefine((doc, ctx) => {
    const members = doc.members ?? {};
    if ('me' in members) return;
    let cursor = doc.membersInfo.first;
    while (cursor < doc.membersInfo.next) {
      const member = members[String(cursor)];
      if (member === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['members', String(cursor)],
          message: `member ${cursor} is on the membersInfo chain but missing`,
        });
        return;
      }
      if (member.next === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['members', String(cursor), 'next'],
          message: `member ${cursor} has no next index`,
        });
        return;
      }
      // Indices only grow and are never reused, so a chain that does not advance is a loop.
      if (member.next <= cursor) {
        ctx.addIssue({
          code: 'custom',
          path: ['members', String(cursor), 'next'],
          message: `member ${cursor} points back to ${member.next}`,
        });
        return;
      }
      cursor = member.next;
    }
    if (cursor !== doc.membersInfo.next) {
      ctx.addIssue({
        code: 'custom',
        path: ['membersInfo', 'next'],
        message: `member chain ends at ${cursor}, past membersInfo.next ${doc.membersInfo.next}`,
      });
    }
  });

  const handleDocumentSchema = z.looseObject({
    id: z.string(),
    type: lowerCaseEnum,
    version: z.number().int(),
    sessionRef: sessionReferenceSchema,
    originSessionRef: sessionReferenceSchema.optional(),
    invitedXuid: xuid.optional(),
    senderXuid: xuid.optional(),
    ownerXuid: xuid.optional(),
    titleId: z.string().optional(),
    inviteAttributes: z
      .looseObject({
        titleId: z.string().optional(),
        context: z.string().optional(),
        contextString: z.string().optional(),
        senderString: z.string().optional(),
      })
      .optional(),
    expiration: z.string().optional(),
    relatedInfo: z.record(z.string(), z.unknown()).optional(),
    customProperties: z.record(z.string(), z.unknown()).optional(),
  });

  return { sessionReferenceSchema, memberSchema, sessionDocumentSchema, handleDocumentSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;

/** The schemas, built once, on first use. */
function documentSchemas(): Schemas {
  schemas ??= buildSchemas();
  return schemas;
}

/** Where a session lives: service config id, template and name. */
export type SessionReference = z.infer<Schemas['sessionReferenceSchema']>;

/** One member of a session as the directory returns it. */
export type SessionMember = z.infer<Schemas['memberSchema']>;

/** A validated session document; enum strings are lower case. */
export type SessionDocument = z.infer<Schemas['sessionDocumentSchema']>;

/** Why a document was refused: one readable line naming the first offending path. */
export interface DocumentError {
  readonly message: string;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid document';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return `${path}: ${issue.message}${more}`;
}

/**
 * Validates an already-parsed JSON value as a session document. Never throws: any input, however
 * hostile, comes back as a typed error.
 */
export function parseSessionDocument(json: unknown): Result<SessionDocument, DocumentError> {
  const parsed = documentSchemas().sessionDocumentSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err({ message: describe(parsed.error) });
}

/** A handle (invite, activity, transfer, search) pointing at a session (docs/mpsd-protocol.md §3.1) */
export type HandleDocument = z.infer<Schemas['handleDocumentSchema']>;

/** Validates a handle document the same way as {@link parseSessionDocument}. */
export function parseHandleDocument(json: unknown): Result<HandleDocument, DocumentError> {
  const parsed = documentSchemas().handleDocumentSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err({ message: describe(parsed.error) });
}

/**
 * The path a session lives at, in the form XSAPI splits on `/` (scid, template, name at parts
 * 1, 3, 5). Used when an answer lacks `Content-Location` but the handle names the session.
 */
export function sessionPath(ref: SessionReference): string {
  const part = encodeURIComponent;
  return `/serviceconfigs/${part(ref.scid)}/sessionTemplates/${part(ref.templateName)}/sessions/${part(ref.name)}`;
}

/** A member together with the key it is listed under. */
export interface MemberEntry {
  /** Decimal index as a string, or `me` in a large session. */
  readonly key: string;
  readonly member: SessionMember;
}

/** The members in chain order (or the lone `me` of a large session). */
export function memberEntries(doc: SessionDocument): readonly MemberEntry[] {
  const members = doc.members ?? {};
  const me = members['me'];
  if (me !== undefined) return [{ key: 'me', member: me }];
  const entries: MemberEntry[] = [];
  let cursor = doc.membersInfo.first;
  while (cursor < doc.membersInfo.next) {
    const key = String(cursor);
    const member = members[key];
    if (member?.next === undefined) break;
    entries.push({ key, member });
    cursor = member.next;
  }
  return entries;
}

/** The member with this XUID, e.g. the local player after a join; undefined when not a member. */
export function findMemberByXuid(
  doc: SessionDocument,
  memberXuid: string,
): MemberEntry | undefined {
  return memberEntries(doc).find((entry) => entry.member.constants.system.xuid === memberXuid);
}

/** What a member is doing, derived the way XSAPI does: active, else ready, else reserved. */
export type MemberStatus = 'active' | 'ready' | 'reserved' | 'inactive';

export function memberStatus(member: SessionMember): MemberStatus {
  const system = member.properties?.system;
  if (system?.active === true) return 'active';
  if (system?.ready === true) return 'ready';
  if (member.reserved === true) return 'reserved';
  return 'inactive';
}

/** Members counted by the directory (including reservations); falls back to the listed chain. */
export function membersCount(doc: SessionDocument): number {
  return doc.membersInfo.count ?? memberEntries(doc).length;
}

/** The session's capacity; MPSD's default is 100 when the constant is absent. */
export function maxMembersCount(doc: SessionDocument): number {
  return doc.constants?.system?.maxMembersCount ?? 100;
}

/** True when no seat is left for another member. */
export function isSessionFull(doc: SessionDocument): boolean {
  return membersCount(doc) >= maxMembersCount(doc);
}

/**
 * The member whose `deviceToken` equals `properties.system.host` (case-insensitive, as XSAPI
 * compares); undefined when no host is set or no member carries that token.
 */
export function hostMember(doc: SessionDocument): MemberEntry | undefined {
  const host = doc.properties?.system?.host?.toLowerCase();
  if (host === undefined || host === '') return undefined;
  return memberEntries(doc).find((entry) => entry.member.deviceToken?.toLowerCase() === host);
}

/** XUID → gamertag for every member the directory has named (gamertags appear once accepted). */
export function gamertags(doc: SessionDocument): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const { member } of memberEntries(doc)) {
    if (member.gamertag !== undefined && member.gamertag !== '') {
      names.set(member.constants.system.xuid, member.gamertag);
    }
  }
  return names;
}
