/**
 * The game channel's vocabulary, version 1: JSON lines over the game's stdio, in both directions.
 * Every line from the game is checked against one schema here, so the rest of the launcher only
 * ever sees typed messages; anything else becomes a typed {@link ChannelProblem} that the channel
 * answers with an `error` line (docs/game-channel.md is the studios' reference).
 *
 * The room src/main/game holds the game process and this channel; it imports nothing from electron.
 */
import * as z from 'zod';
import { isSessionPath } from '../join/directory-client';
import { escapeControlCharacters } from '../logging/untrusted-text';
import type { InviteErrorCode } from '../../shared/invite-send-text';
import { err, ok, type Result } from '../../shared/result';

/** The protocol version this launcher speaks; every launcher line carries it as `v`. */
const gameChannelVersion = 1;

/** Longest line (bytes, newline excluded) the launcher reads from a game: 64 KiB. */
export const maxGameLineBytes = 64 * 1024;

/**
 * Builds the schema of every message a game may send. zod builds a schema when it is declared, and
 * `rallypoint activate` loads this module before its first request, which needs none of it: so it
 * is built when the first line from a game is parsed.
 */
function buildGameMessageSchema() {
  const xuid = z.string().regex(/^[1-9]\d{0,19}$/, 'must be a XUID (1 to 20 digits)');
  const requestId = z.string().min(1).max(64).optional();
  const sessionRef = z
    .string()
    .max(400)
    .regex(
      // Stryker disable next-line Regex: the isSessionPath refinement below checks the same anchored shape
      /^\/serviceconfigs\/[^/?#]+\/sessiontemplates\/[^/?#]+\/sessions\/[^/?#]+$/i,
      'must be a session path /serviceconfigs/{scid}/sessionTemplates/{template}/sessions/{name}',
    )
    // No `.`/`..` segments or encoded slashes: the launcher reads this path with the player's token.
    .refine(isSessionPath, 'must not contain "." or ".." segments or encoded slashes');
  // `v` may be left out (version 1 games written before it existed); any other version is refused.
  const version = z.literal(gameChannelVersion).optional();

  // Every message a game may send, told apart by `type`. Unknown fields are ignored.
  return z.discriminatedUnion('type', [
    z.object({
      v: version,
      type: z.literal('joined'),
      joinId: z.string().max(64).optional(),
      sessionRef: z.string().max(400).optional(),
    }),
    z.object({
      v: version,
      type: z.literal('join-failed'),
      joinId: z.string().max(64).optional(),
      reason: z.string().max(500).optional(),
    }),
    z.object({ v: version, type: z.literal('hosting'), id: requestId, sessionRef }),
    z.object({
      v: version,
      type: z.literal('host-session'),
      id: requestId,
      seats: z.number().int().min(1).max(100),
      joinRestriction: z.enum(['none', 'followed', 'local']).default('followed'),
      connection: z.string().min(1).max(512),
    }),
    z.object({ v: version, type: z.literal('open-invite-dialog'), id: requestId }),
    z.object({
      v: version,
      type: z.literal('invite-players'),
      id: requestId,
      xuids: z.array(xuid).min(1).max(100),
      context: z.string().max(256).optional(),
    }),
    z.object({
      v: version,
      type: z.literal('left'),
      id: requestId,
      sessionRef: sessionRef.optional(),
    }),
  ]);
}

let builtSchema: ReturnType<typeof buildGameMessageSchema> | undefined;
let builtTypes: readonly GameMessageType[] | undefined;

/** The schema every line from a game is checked against, built once, on first use. */
function gameMessageSchema(): ReturnType<typeof buildGameMessageSchema> {
  builtSchema ??= buildGameMessageSchema();
  return builtSchema;
}

/** The `type`s a game may send, read from the schema. */
function gameMessageTypes(): readonly GameMessageType[] {
  builtTypes ??= gameMessageSchema().options.map((option) => option.shape.type.value);
  return builtTypes;
}

/** A validated message from the game. */
export type GameMessage = z.infer<ReturnType<typeof buildGameMessageSchema>>;
export type GameMessageType = GameMessage['type'];

/** Why a line from the game was not a message; also the `code` of the `error` line sent back. */
export type ChannelProblemCode =
  | 'not-json'
  | 'not-an-object'
  | 'unknown-type'
  | 'unsupported-version'
  | 'invalid-message'
  | 'line-too-long'
  | 'rate-limited';

export interface ChannelProblem {
  readonly code: ChannelProblemCode;
  /** For the game's developer and the log; never contains more than 80 characters of the line. */
  readonly message: string;
  readonly type?: string;
  readonly id?: string;
}

/** A member of the game's session as the launcher tells the game. */
export interface SessionMemberInfo {
  readonly xuid: string;
  readonly gamertag?: string;
  readonly host: boolean;
}

/** Why an invite or a hosting request failed, in codes a game can branch on. */
export type ChannelFailureCode = InviteErrorCode;

/** Every message the launcher sends, each with `v`. */
export type LauncherMessage =
  | {
      readonly type: 'hello';
      readonly protocol: number;
      readonly mode: 'play' | 'join';
      readonly xuid: string;
      readonly gamertag: string;
    }
  | {
      readonly type: 'join';
      readonly joinId: string;
      readonly handleId: string;
      readonly sessionRef: string;
      readonly connection: string;
      readonly xuid: string;
      readonly inviteKind: string;
      readonly context?: string;
    }
  | { readonly type: 'quit' }
  | {
      readonly type: 'session-hosted';
      readonly id?: string;
      readonly sessionRef: string;
      readonly handleId?: string;
    }
  | {
      readonly type: 'host-failed';
      readonly id?: string;
      readonly code: ChannelFailureCode;
      readonly message: string;
    }
  | {
      readonly type: 'invite-sent';
      readonly id?: string;
      readonly xuid: string;
      readonly handleId: string;
    }
  | {
      readonly type: 'invite-failed';
      readonly id?: string;
      readonly xuid: string;
      readonly code: ChannelFailureCode;
      readonly message: string;
    }
  | {
      readonly type: 'invite-dialog-closed';
      readonly id?: string;
      readonly reason: 'closed' | 'sent' | 'unavailable';
      readonly invited: readonly string[];
    }
  | {
      readonly type: 'members';
      readonly sessionRef: string;
      readonly members: readonly SessionMemberInfo[];
    }
  | { readonly type: 'left-noted'; readonly id?: string; readonly sessionRef?: string }
  | {
      readonly type: 'error';
      readonly code: ChannelProblemCode;
      readonly message: string;
      readonly about?: string;
      readonly id?: string;
    };

/** What goes on the wire: the message with the protocol version first. */
export function encodeLauncherMessage(message: LauncherMessage): string {
  return `${JSON.stringify({ v: gameChannelVersion, ...message })}\n`;
}

/** The first 80 characters of untrusted text, for messages. */
function excerpt(text: string): string {
  const short = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return escapeControlCharacters(short);
}

/** True for a line that is meant as a protocol message (a JSON object); other lines are game log. */
export function looksLikeMessage(line: string): boolean {
  return line.trimStart().startsWith('{');
}

/** Reads one line the game sent as a message; never throws. */
export function parseGameMessage(line: string): Result<GameMessage, ChannelProblem> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return err({ code: 'not-json', message: `The line is not valid JSON: ${excerpt(line)}` });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err({ code: 'not-an-object', message: 'A message is one JSON object per line.' });
  }
  const record = value as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type : undefined;
  const id = typeof record.id === 'string' ? record.id.slice(0, 64) : undefined;
  const about = { ...(type === undefined ? {} : { type: excerpt(type) }), ...(id ? { id } : {}) };
  if (record.v !== undefined && record.v !== gameChannelVersion) {
    return err({
      code: 'unsupported-version',
      // Stryker disable next-line StringLiteral: JSON.stringify of a parsed JSON value is never undefined
      message: `This launcher speaks version ${gameChannelVersion} of the game channel, not ${excerpt(JSON.stringify(record.v) ?? '?')}.`,
      ...about,
    });
  }
  // Stryker disable next-line ConditionalExpression: an undefined type is in no list of types either
  if (type === undefined || !(gameMessageTypes() as readonly string[]).includes(type)) {
    return err({
      code: 'unknown-type',
      message:
        type === undefined
          ? 'The message has no "type".'
          : `Unknown message type "${excerpt(type)}" (known: ${gameMessageTypes().join(', ')}).`,
      ...about,
    });
  }
  const parsed = gameMessageSchema().safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Stryker disable next-line OptionalChaining: a failed parse always has a first issue
    const path = issue?.path.map(String).join('.') || type;
    return err({
      code: 'invalid-message',
      // Stryker disable next-line OptionalChaining,StringLiteral: a failed parse always has a first issue
      message: `Invalid "${type}" message: ${path} ${issue?.message ?? 'is invalid'}.`,
      ...about,
    });
  }
  return ok(parsed.data);
}
