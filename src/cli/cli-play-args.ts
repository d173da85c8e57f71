/**
 * The `rallypoint play` and `rallypoint invite` command lines, read into typed options. Unknown
 * flags, missing values and malformed XUIDs are usage errors with a message, never guesses.
 */
import { err, ok, type Result } from '../shared/result';
import { parseFlags } from './cli-flags';

/** Who plays or invites, and against which directory (development identities). */
export interface PlayerOptions {
  readonly directory?: string;
  readonly xuid?: string;
  readonly gamertag?: string;
  /** XUIDs the development identity follows: its friends. */
  readonly follows: readonly string[];
  readonly json: boolean;
  readonly verbose: boolean;
}

export interface PlayOptions extends PlayerOptions {
  readonly game?: string;
  readonly playArgs?: string;
  /** Arguments for a join handed to the game (with `--game`), as `activate --game-args`. */
  readonly gameArgs?: string;
}

export interface InviteOptions extends PlayerOptions {
  /** XUIDs or gamertags. */
  readonly friends: readonly string[];
  readonly context?: string;
  readonly session?: string;
}

export const playUsage = `  rallypoint play [--directory URL] [--xuid X --gamertag NAME] [--follows XUID,...]
                  [--game EXE --play-args=TEMPLATE] [--json]   start the game with no session
  rallypoint invite <xuid|gamertag>... [--context TEXT] [--session REF] [--directory URL]
                  [--xuid X --gamertag NAME] [--follows XUID,...] [--json]
                                                invite friends into the game's session`;

const xuidPattern = /^[1-9]\d{0,19}$/;

/** The flags every player command takes (play, invite, invites). */
export const playerFlags = {
  directory: { type: 'string' },
  xuid: { type: 'string' },
  gamertag: { type: 'string' },
  follows: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
} as const;

/** `--follows` values (repeatable, comma-separated) as XUIDs; a bad one is a usage error. */
export function followsList(values: readonly string[] | undefined): Result<string[], string> {
  const follows = (values ?? []).flatMap((list) =>
    list
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );
  const bad = follows.find((xuid) => !xuidPattern.test(xuid));
  return bad === undefined
    ? ok(follows)
    : err(`--follows takes XUIDs (1 to 20 digits), not "${bad}"`);
}

/** The player flags read into options. */
export function playerOptions(values: {
  directory?: string | undefined;
  xuid?: string | undefined;
  gamertag?: string | undefined;
  follows?: string[] | undefined;
  json?: boolean | undefined;
  verbose?: boolean | undefined;
}): Result<PlayerOptions, string> {
  const followed = followsList(values.follows);
  if (!followed.ok) return followed;
  const follows = followed.value;
  if (values.xuid !== undefined && !xuidPattern.test(values.xuid)) {
    return err('--xuid takes a XUID (1 to 20 digits)');
  }
  return ok({
    follows,
    json: values.json === true,
    verbose: values.verbose === true,
    ...(values.directory === undefined ? {} : { directory: values.directory }),
    ...(values.xuid === undefined ? {} : { xuid: values.xuid }),
    ...(values.gamertag === undefined ? {} : { gamertag: values.gamertag }),
  });
}

/** `rallypoint play …` after the command word. */
export function parsePlayArgs(argv: readonly string[]): Result<PlayOptions, string> {
  const parsed = parseFlags({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      ...playerFlags,
      game: { type: 'string' },
      'play-args': { type: 'string' },
      'game-args': { type: 'string' },
    },
  });
  if (!parsed.ok) return parsed;
  const { values } = parsed.value;
  const player = playerOptions(values);
  if (!player.ok) return player;
  return ok({
    ...player.value,
    ...(values.game === undefined ? {} : { game: values.game }),
    ...(values['play-args'] === undefined ? {} : { playArgs: values['play-args'] }),
    ...(values['game-args'] === undefined ? {} : { gameArgs: values['game-args'] }),
  });
}

/** `rallypoint invite …` after the command word. */
export function parseInviteArgs(argv: readonly string[]): Result<InviteOptions, string> {
  const parsed = parseFlags({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...playerFlags, context: { type: 'string' }, session: { type: 'string' } },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.value;
  if (positionals.length === 0) return err('invite needs at least one XUID or gamertag');
  if (positionals.length > 100) return err('invite takes at most 100 players at once');
  if (values.context !== undefined && values.context.length > 256) {
    return err('--context is at most 256 characters');
  }
  const player = playerOptions(values);
  if (!player.ok) return player;
  return ok({
    ...player.value,
    friends: positionals,
    ...(values.context === undefined ? {} : { context: values.context }),
    ...(values.session === undefined ? {} : { session: values.session }),
  });
}
