/**
 * zod schemas for everything a client may send the directory: dev token requests, handle creation
 * and MPSD session deltas. A body that does not match answers 400 with zod's readable message, so a
 * studio integrating against the directory learns which field is wrong. Enum strings are accepted
 * in any case (XSAPI's own test data capitalises them) and stored in lower case, as MPSD emits them.
 *
 * The request path parses bodies with the `parse…` functions at the end, which run zod's compiled
 * parser of each schema (see {@link compiledParser}).
 */
import * as z from 'zod';
import { guidPattern } from '../shared/guid';
import { numberValue } from './json-numbers';
import { maxTimeoutMs } from './timeout-limits';

/** A decimal XUID as MPSD writes it: a string of digits. */
const xuidSchema = z.string().regex(/^[0-9]{1,20}$/, 'must be a decimal XUID string');

/** The shared GUID grammar, re-exported for the directory's other modules. */
export { guidPattern };

const lowerEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(values));

/**
 * A number field the directory computes with. A body with a number that would not read back as sent
 * keeps it as text (json-numbers.ts); such a field reads it as a native number before the checks.
 */
const num = <T extends z.ZodType>(schema: T) => z.preprocess(numberValue, schema);

/** A non-negative integer. */
const count = () => num(z.number().int().min(0));

/** `null` (infinite) or a non-negative integer number of milliseconds, at most a year. */
const timeout = num(z.number().int().min(0).max(maxTimeoutMs).nullable());

const visibilitySchema = lowerEnum(['private', 'visible', 'open']);
export type Visibility = z.infer<typeof visibilitySchema>;

/** Session `constants.system`: the fields the directory interprets are typed, others kept. */
export const sessionConstantsSystemSchema = z.looseObject({
  version: num(z.number().int().min(1)).optional(),
  maxMembersCount: num(z.number().int().min(1).max(1000)).optional(),
  visibility: visibilitySchema.optional(),
  initiators: z.array(xuidSchema).optional(),
  inviteProtocol: z.string().max(100).optional(),
  reservedRemovalTimeout: timeout.optional(),
  inactiveRemovalTimeout: timeout.optional(),
  readyRemovalTimeout: timeout.optional(),
  sessionEmptyTimeout: timeout.optional(),
  capabilities: z.record(z.string(), z.boolean()).optional(),
  metrics: z.record(z.string(), z.boolean()).optional(),
  memberInitialization: z
    .looseObject({
      joinTimeout: count().optional(),
      measurementTimeout: count().optional(),
      evaluationTimeout: count().optional(),
      externalEvaluation: z.boolean().optional(),
      membersNeededToStart: num(z.number().int().min(1)).optional(),
    })
    .optional(),
});

/**
 * A JSON object kept as parsed. `z.record` would rebuild it by assignment, turning a "__proto__"
 * key into a prototype change; this keeps such keys as the ordinary properties JSON says they are.
 */
const jsonObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be a JSON object',
);

const sessionPropertiesSystemSchema = z.strictObject({
  keywords: z.array(z.string().max(100)).max(40).nullable().optional(),
  turn: z.array(count()).nullable().optional(),
  joinRestriction: lowerEnum(['none', 'local', 'followed']).nullable().optional(),
  readRestriction: lowerEnum(['none', 'local', 'followed']).nullable().optional(),
  closed: z.boolean().nullable().optional(),
  locked: z.boolean().nullable().optional(),
  owners: z.array(count()).nullable().optional(),
  host: z.string().max(128).nullable().optional(),
  initializationSucceeded: z.boolean().nullable().optional(),
  serverConnectionStringCandidates: z.array(z.string().max(256)).max(32).nullable().optional(),
  matchmaking: jsonObject.nullable().optional(),
  matchmakingResubmit: z.boolean().nullable().optional(),
  allocateCloudCompute: z.boolean().nullable().optional(),
});

const changeTypeSchema = lowerEnum([
  'everything',
  'host',
  'initialization',
  'matchmakingstatus',
  'memberslist',
  'membersstatus',
  'joinability',
  'customproperty',
  'memberscustomproperty',
]);

const canonicalChangeType: Record<string, string> = {
  matchmakingstatus: 'matchmakingStatus',
  memberslist: 'membersList',
  membersstatus: 'membersStatus',
  customproperty: 'customProperty',
  memberscustomproperty: 'membersCustomProperty',
};

const memberPropertiesSystemSchema = z.strictObject({
  active: z.boolean().optional(),
  ready: z.boolean().optional(),
  connection: z.string().regex(guidPattern, 'must be a GUID').nullable().optional(),
  subscription: z
    .strictObject({
      id: z.string().regex(guidPattern, 'must be a GUID').optional(),
      changeTypes: z
        .array(changeTypeSchema.transform((type) => canonicalChangeType[type] ?? type))
        .max(16),
    })
    .nullable()
    .optional(),
  secureDeviceAddress: z
    .string()
    .max(4096)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .nullable()
    .optional(),
  initializationGroup: z.array(count()).nullable().optional(),
  groups: z.array(z.string().max(100)).max(32).nullable().optional(),
  encounters: z.array(z.string().max(100)).max(32).nullable().optional(),
  measurements: jsonObject.nullable().optional(),
  serverMeasurements: jsonObject.nullable().optional(),
});
export type MemberSystemDelta = z.infer<typeof memberPropertiesSystemSchema>;

const memberDeltaSchema = z.strictObject({
  constants: z
    .strictObject({
      system: z
        .strictObject({
          xuid: xuidSchema.optional(),
          initialize: z.boolean().optional(),
          team: z.string().max(100).optional(),
          index: num(z.number().int()).optional(),
          matchmakingResult: jsonObject.optional(),
        })
        .optional(),
      custom: z.unknown().optional(),
    })
    .optional(),
  properties: z
    .strictObject({
      system: memberPropertiesSystemSchema.optional(),
      custom: jsonObject.optional(),
    })
    .optional(),
  roles: z.record(z.string().max(100), z.string().max(100).nullable()).optional(),
});
export type MemberDelta = z.infer<typeof memberDeltaSchema>;

/** An MPSD session PUT body (`MultiplayerSessionRequest`). `{}` is a valid no-op. */
export const sessionDeltaSchema = z.strictObject({
  constants: z
    .strictObject({
      system: sessionConstantsSystemSchema.optional(),
      custom: z.unknown().optional(),
    })
    .optional(),
  properties: z
    .strictObject({
      system: sessionPropertiesSystemSchema.optional(),
      custom: jsonObject.optional(),
    })
    .optional(),
  members: z
    .record(
      z
        .string()
        .regex(
          /^(me|reserve_[0-9]{1,3}|[0-9]{1,6})$/,
          'member keys are "me", "reserve_N" or an index',
        ),
      memberDeltaSchema.nullable(),
    )
    .optional(),
  servers: z.record(z.string(), z.unknown()).optional(),
  /** Changes to the mutable `max` / `target` of the template's roles (XSAPI re-sends them all). */
  roleTypes: z
    .record(
      z.string().max(100),
      z.looseObject({
        roles: z
          .record(
            z.string().max(100),
            z.strictObject({ max: count().optional(), target: count().optional() }),
          )
          .optional(),
      }),
    )
    .optional(),
});
export type SessionDelta = z.infer<typeof sessionDeltaSchema>;
export type RoleTypesDelta = NonNullable<SessionDelta['roleTypes']>;

const sessionRefSchema = z.strictObject({
  scid: z.string().min(1).max(100),
  templateName: z.string().min(1).max(100),
  name: z.string().min(1).max(100),
});

const titleIdSchema = z.string().regex(/^[0-9]{1,10}$/, 'must be a decimal title ID string');

/** `POST /handles` bodies: invite, activity and transfer handles, `version: 1`. */
export const handleRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({
    version: z.literal(1),
    type: z.literal('invite'),
    sessionRef: sessionRefSchema,
    invitedXuid: xuidSchema,
    inviteAttributes: z.strictObject({
      titleId: titleIdSchema,
      context: z.string().max(256).optional(),
      contextString: z.string().max(256).optional(),
      senderString: z.string().max(256).optional(),
    }),
  }),
  z.strictObject({
    version: z.literal(1),
    type: z.literal('activity'),
    sessionRef: sessionRefSchema,
  }),
  z.strictObject({
    version: z.literal(1),
    type: z.literal('transfer'),
    sessionRef: sessionRefSchema,
    originSessionRef: sessionRefSchema,
  }),
]);
export type HandleRequest = z.infer<typeof handleRequestSchema>;

/**
 * `POST /handles/query` bodies (XSAPI's `MultiplayerActivityQueryPostRequest` and MPSD's invite
 * query): activity handles of listed owners or of the people a user follows, or the invites sent to
 * the caller.
 */
export const handleQuerySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('activity'),
    scid: z.string().min(1).max(100).optional(),
    owners: z.union([
      z.strictObject({ xuids: z.array(xuidSchema).min(1).max(100) }),
      z.strictObject({
        people: z.strictObject({
          moniker: lowerEnum(['people', 'friends', 'favorites']),
          monikerXuid: xuidSchema,
        }),
      }),
    ]),
  }),
  z.strictObject({
    type: z.literal('invite'),
    scid: z.string().min(1).max(100).optional(),
    invitedXuid: xuidSchema.optional(),
  }),
]);
export type HandleQueryRequest = z.infer<typeof handleQuerySchema>;

/** `POST /dev/tokens` body. */
export const devTokenRequestSchema = z.strictObject({
  xuid: xuidSchema,
  gamertag: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[\p{L}\p{N} _-]+$/u, 'letters, digits, spaces, "_" and "-" only'),
  titleId: titleIdSchema.optional(),
  deviceId: z.string().min(1).max(64).optional(),
  follows: z.array(xuidSchema).max(1000).optional(),
});

/**
 * `schema.safeParse` through zod's own compiled parser (`z.compile`): zod generates one function
 * for the schema, with the same results and messages, instead of walking its schema tree on every
 * parse. In the running directory, where the same generic parse functions serve every schema, the
 * walk cost a join about 5 µs of its 85; measured side by side (`npm run bench:compare`), the
 * compiled session-delta parser served joins faster (docs/benchmarks.md). It is generated on the
 * first parse, not at start: generating the session delta's takes about 25 ms, which a launcher
 * starting its embedded directory need not wait for.
 */
function compiledParser<T extends z.ZodType>(
  schema: T,
): (value: unknown) => z.ZodSafeParseResult<z.output<T>> {
  let compiled: T | undefined;
  return (value) => (compiled ??= z.compile(schema)).safeParse(value);
}

/** Parses a session PUT body (every join and every write). */
export const parseSessionDelta = compiledParser(sessionDeltaSchema);
/** Parses a `POST /handles` body. */
export const parseHandleRequest = compiledParser(handleRequestSchema);
/** Parses a `POST /handles/query` body. */
export const parseHandleQuery = compiledParser(handleQuerySchema);
/** Parses a `POST /dev/tokens` body. */
export const parseDevTokenRequest = compiledParser(devTokenRequestSchema);
