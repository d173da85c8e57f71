/**
 * Strict typed decoders of what the directory answers, written as a statically typed client would
 * declare them (a Go client with `encoding/json` and `DisallowUnknownFields`): every field the
 * directory renders has one declared type, integers must be integers within int64, times must be
 * RFC 3339, XUIDs and title ids are decimal strings, and a field nobody declared is an error.
 * Title-defined bags (`custom`, measurements, matchmaking) stay raw, as such a client would keep
 * them (`json.RawMessage`).
 */
import * as z from 'zod';

/** An integer as Go's `int64` reads it: no fraction, no exponent overflow. */
const int = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const nonNegative = int.min(0);

/** RFC 3339 date-time, as Go's `time.Time` accepts it. */
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'RFC 3339 time');

const decimal = z.string().regex(/^[0-9]{1,20}$/, 'decimal string');
const raw = z.unknown();
const lower = z.string().refine((value) => value === value.toLowerCase(), 'lower case');
const timeout = nonNegative.nullable().optional();

const capabilities = z.record(z.string(), z.boolean());

const constantsSystem = z.strictObject({
  version: nonNegative,
  maxMembersCount: nonNegative,
  visibility: z.enum(['private', 'visible', 'open']),
  initiators: z.array(decimal).optional(),
  inviteProtocol: z.string().optional(),
  reservedRemovalTimeout: timeout,
  inactiveRemovalTimeout: timeout,
  readyRemovalTimeout: timeout,
  sessionEmptyTimeout: timeout,
  capabilities: capabilities.optional(),
  metrics: z.record(z.string(), z.boolean()).optional(),
  memberInitialization: z
    .strictObject({
      joinTimeout: nonNegative.optional(),
      measurementTimeout: nonNegative.optional(),
      evaluationTimeout: nonNegative.optional(),
      externalEvaluation: z.boolean().optional(),
      membersNeededToStart: nonNegative.optional(),
    })
    .optional(),
  peerToPeerRequirements: raw.optional(),
  peerToHostRequirements: raw.optional(),
  measurementServerAddresses: raw.optional(),
  cloudComputePackage: raw.optional(),
});

const restriction = z.enum(['none', 'local', 'followed']);

const propertiesSystem = z.strictObject({
  keywords: z.array(z.string()).optional(),
  turn: z.array(nonNegative).optional(),
  joinRestriction: restriction.optional(),
  readRestriction: restriction.optional(),
  closed: z.boolean().optional(),
  locked: z.boolean().optional(),
  owners: z.array(nonNegative).optional(),
  host: z.string().optional(),
  initializationSucceeded: z.boolean().optional(),
  serverConnectionStringCandidates: z.array(z.string()).optional(),
  matchmaking: raw.optional(),
  matchmakingResubmit: z.boolean().optional(),
  allocateCloudCompute: z.boolean().optional(),
});

const memberPropertiesSystem = z.strictObject({
  active: z.boolean().optional(),
  ready: z.boolean().optional(),
  connection: z.string().optional(),
  subscription: z
    .strictObject({ id: z.string().optional(), changeTypes: z.array(z.string()) })
    .optional(),
  secureDeviceAddress: z.string().optional(),
  initializationGroup: z.array(nonNegative).optional(),
  groups: z.array(z.string()).optional(),
  encounters: z.array(z.string()).optional(),
  measurements: raw.optional(),
  serverMeasurements: raw.optional(),
});

const member = z.strictObject({
  next: nonNegative,
  constants: z.strictObject({
    system: z.strictObject({
      xuid: decimal,
      index: nonNegative,
      initialize: z.boolean().optional(),
      team: z.string().optional(),
      matchmakingResult: raw.optional(),
    }),
    custom: raw,
  }),
  properties: z.strictObject({ system: memberPropertiesSystem, custom: raw }),
  roles: z.record(z.string(), z.string()).optional(),
  reserved: z.literal(true).optional(),
  gamertag: z.string().optional(),
  joinTime: rfc3339.optional(),
  activeTitleId: decimal.optional(),
  deviceToken: z.string().optional(),
});

const roleTypes = z.record(
  z.string(),
  z.strictObject({
    ownerManaged: z.boolean(),
    mutableRoleSettings: z.array(z.enum(['max', 'target'])),
    roles: z.record(
      z.string(),
      z.strictObject({
        count: nonNegative,
        max: nonNegative.optional(),
        target: nonNegative.optional(),
        memberXuids: z.array(decimal),
      }),
    ),
  }),
);

/** The session document, as a strict typed client declares it. */
export const strictSessionDocument = z.strictObject({
  contractVersion: nonNegative,
  branch: z.string().uuid(),
  changeNumber: nonNegative,
  correlationId: z.string().uuid(),
  startTime: rfc3339,
  nextTimer: rfc3339.optional(),
  roleTypes: roleTypes.optional(),
  constants: z.strictObject({ system: constantsSystem, custom: raw }),
  properties: z.strictObject({ system: propertiesSystem, custom: raw }),
  members: z.record(z.string().regex(/^[0-9]+$/), member),
  membersInfo: z.strictObject({
    first: nonNegative,
    next: nonNegative,
    count: nonNegative,
    accepted: nonNegative,
    active: nonNegative,
  }),
  servers: z.record(z.string(), raw),
});

const sessionRef = z.strictObject({ scid: z.string(), templateName: z.string(), name: z.string() });

/** One result of `POST /handles/query`, as a strict typed client declares it. */
export const strictHandleQueryResult = z.strictObject({
  id: z.string().uuid(),
  type: z.enum(['activity', 'invite']),
  version: z.literal(1),
  sessionRef,
  titleId: decimal.optional(),
  ownerXuid: decimal.optional(),
  invitedXuid: decimal.optional(),
  senderXuid: decimal.optional(),
  inviteAttributes: z.record(z.string(), z.string()).optional(),
  expiration: rfc3339,
  relatedInfo: z
    .strictObject({
      visibility: lower,
      joinRestriction: restriction,
      closed: z.boolean(),
      maxMembersCount: nonNegative,
      membersCount: nonNegative,
      hostGamertag: z.string().optional(),
      inviteProtocol: z.string().optional(),
      postedTime: rfc3339,
    })
    .optional(),
  customProperties: raw.optional(),
});

/** `POST /handles/query`'s answer. */
export const strictHandleQueryAnswer = z.strictObject({
  results: z.array(strictHandleQueryResult),
});
