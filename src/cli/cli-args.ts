/**
 * Reads the `rallypoint` command line into typed options. Unknown flags and missing values are
 * usage errors with a message, never guesses.
 */
import { err, ok, type Result } from '../shared/result';
import {
  accountUsage,
  isAccountCommand,
  parseAccountArgs,
  type AccountCommandName,
  type AccountCommandOptions,
} from './cli-account-args';
import type { InviteLinkOptions } from './cli-invite-link';
import { invitesUsage, parseInvitesArgs, type InvitesOptions } from './cli-invites-args';
import {
  followsList,
  parseInviteArgs,
  parsePlayArgs,
  playUsage,
  type InviteOptions,
  type PlayOptions,
} from './cli-play-args';
import { parseFlags } from './cli-flags';

export interface ActivateOptions {
  readonly link?: string;
  readonly directory?: string;
  readonly xuid?: string;
  readonly gamertag?: string;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Stay in the session with the game until it exits or Ctrl-C, instead of leaving at once. */
  readonly stay: boolean;
  readonly game?: string;
  readonly gameArgs?: string;
  readonly connectionProperty?: string;
  readonly deadlineMs?: number;
  readonly ackTimeoutMs?: number;
  /** `activate --invite N`: accept the Nth item `rallypoint invites` lists (1-based). */
  readonly inviteIndex?: number;
  /** Development identities: whom the player follows (their games are in the inbox). */
  readonly follows?: readonly string[];
  /** The game's SCID the inbox is read for (default: the configured game's). */
  readonly scid?: string;
  /** `demo --two-players`: two identities, one plays and invites, the other accepts. */
  readonly twoPlayers?: true;
}

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'activate'; readonly options: ActivateOptions }
  | { readonly kind: 'demo'; readonly options: ActivateOptions }
  | { readonly kind: 'invite-link'; readonly options: InviteLinkOptions }
  | { readonly kind: 'play'; readonly options: PlayOptions }
  | { readonly kind: 'invite'; readonly options: InviteOptions }
  | { readonly kind: 'invites'; readonly options: InvitesOptions }
  | {
      readonly kind: 'account';
      readonly command: AccountCommandName;
      readonly options: AccountCommandOptions;
    };

export const usage = `Usage:
  rallypoint activate <invite-link> [options]   accept an invite headless and join the game
  rallypoint activate --invite N --directory URL [options]
                                                accept the Nth invite \`rallypoint invites\` lists
${invitesUsage}
  rallypoint demo [options]                     local directory + demo invite + demo game, end to end
  rallypoint demo --two-players                 two players: Alice plays and invites Bob, Bob accepts
  rallypoint invite-link <handle|invite-link> [--directory URL | --web-base URL]
                 [--invited XUID --sender XUID] [--context TEXT] [--json]
                                                print the rallypoint:// and the https form of an invite
${playUsage}
${accountUsage}
  rallypoint help

Options:
  --directory URL        session directory (default: start the embedded local directory)
  --xuid XUID            development identity (default: the signed-in account, else the invited player)
  --gamertag NAME        gamertag of the signed-in player (development tokens)
  --json                 print one JSON view per line instead of progress text
  --stay                 once joined, stay until the game exits or Ctrl-C, then leave
  --game EXE             game executable (default: the demo game)
  --game-args=TEMPLATE   argument template, e.g. --game-args="--join {sessionRef} --connect {connection}"
                         placeholders: {handleId} {sessionRef} {connection} {xuid} {inviteKind} {context}
  --connection-property NAME   session custom property holding the connection, if any
  --deadline-ms N        overall join budget (default 20000)
  --ack-timeout-ms N     time the game has to confirm the join (default 60000)
  --verbose              print the launcher's log lines on stderr`;

function positiveInteger(
  name: string,
  value: string | undefined,
): Result<number | undefined, string> {
  if (value === undefined) return ok(undefined);
  if (!/^\d{1,9}$/.test(value)) return err(`--${name} needs a whole number of milliseconds`);
  return ok(Number(value));
}

/** `--invite N`: a position in the inbox list, 1 to 100. */
function inboxIndex(value: string | undefined): Result<number | undefined, string> {
  if (value === undefined) return ok(undefined);
  if (!/^[1-9]\d{0,2}$/.test(value) || Number(value) > 100) {
    return err('--invite takes the number `rallypoint invites` shows (1 to 100)');
  }
  return ok(Number(value));
}

/** Parses `process.argv.slice(2)`. */
export function parseCliArgs(argv: readonly string[]): Result<CliCommand, string> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return ok({ kind: 'help' });
  }
  if (isAccountCommand(command)) return parseAccountArgs(command, rest);
  if (command === 'invite-link') return parseInviteLinkArgs(rest);
  if (command === 'play') {
    const options = parsePlayArgs(rest);
    return options.ok ? ok({ kind: 'play', options: options.value }) : options;
  }
  if (command === 'invites') {
    const options = parseInvitesArgs(rest);
    return options.ok ? ok({ kind: 'invites', options: options.value }) : options;
  }
  if (command === 'invite') {
    const options = parseInviteArgs(rest);
    return options.ok ? ok({ kind: 'invite', options: options.value }) : options;
  }
  if (command !== 'activate' && command !== 'demo') return err(`unknown command "${command}"`);
  const parsed = parseFlags({
    args: [...rest],
    allowPositionals: true,
    strict: true,
    options: {
      directory: { type: 'string' },
      xuid: { type: 'string' },
      gamertag: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      stay: { type: 'boolean', default: false },
      game: { type: 'string' },
      'game-args': { type: 'string' },
      'connection-property': { type: 'string' },
      'deadline-ms': { type: 'string' },
      'ack-timeout-ms': { type: 'string' },
      invite: { type: 'string' },
      follows: { type: 'string', multiple: true },
      scid: { type: 'string' },
      'two-players': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.value;
  if (values.help) return ok({ kind: 'help' });
  if (values['two-players'] && command !== 'demo') return err('--two-players is a demo option');
  const inviteIndex = inboxIndex(values.invite);
  if (!inviteIndex.ok) return inviteIndex;
  if (inviteIndex.value !== undefined) {
    if (command !== 'activate') return err('--invite is for activate');
    if (positionals.length > 0) return err('activate takes a link or --invite N, not both');
    if (values.directory === undefined) {
      return err('activate --invite needs --directory (the embedded directory has no invites)');
    }
  } else if (command === 'activate' && positionals.length !== 1) {
    return err(
      positionals.length === 0
        ? 'activate needs the invite link (quote it: the shell treats & specially)'
        : 'activate takes exactly one invite link',
    );
  }
  if (command === 'demo' && positionals.length > 0) return err('demo takes no link');
  const follows = followsList(values.follows);
  if (!follows.ok) return follows;
  const deadline = positiveInteger('deadline-ms', values['deadline-ms']);
  if (!deadline.ok) return deadline;
  const ack = positiveInteger('ack-timeout-ms', values['ack-timeout-ms']);
  if (!ack.ok) return ack;
  const options: ActivateOptions = {
    json: values.json,
    verbose: values.verbose,
    stay: values.stay,
    ...(positionals[0] === undefined ? {} : { link: positionals[0] }),
    ...(values.directory === undefined ? {} : { directory: values.directory }),
    ...(values.xuid === undefined ? {} : { xuid: values.xuid }),
    ...(values.gamertag === undefined ? {} : { gamertag: values.gamertag }),
    ...(values.game === undefined ? {} : { game: values.game }),
    ...(values['game-args'] === undefined ? {} : { gameArgs: values['game-args'] }),
    ...(values['connection-property'] === undefined
      ? {}
      : { connectionProperty: values['connection-property'] }),
    ...(deadline.value === undefined ? {} : { deadlineMs: deadline.value }),
    ...(ack.value === undefined ? {} : { ackTimeoutMs: ack.value }),
    ...(inviteIndex.value === undefined ? {} : { inviteIndex: inviteIndex.value }),
    ...(follows.value.length === 0 ? {} : { follows: follows.value }),
    ...(values.scid === undefined ? {} : { scid: values.scid }),
    ...(values['two-players'] ? { twoPlayers: true as const } : {}),
  };
  return ok({ kind: command, options });
}

/** Parses the arguments after `invite-link`. */
function parseInviteLinkArgs(args: readonly string[]): Result<CliCommand, string> {
  const parsed = parseFlags({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      directory: { type: 'string' },
      'web-base': { type: 'string' },
      invited: { type: 'string' },
      sender: { type: 'string' },
      context: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.value;
  const [handle, ...extra] = positionals;
  if (handle === undefined || extra.length > 0)
    return err('invite-link takes exactly one handle id or invite link (quote a link)');
  return ok({
    kind: 'invite-link',
    options: {
      handle,
      json: values.json,
      ...(values.directory === undefined ? {} : { directory: values.directory }),
      ...(values['web-base'] === undefined ? {} : { webBase: values['web-base'] }),
      ...(values.invited === undefined ? {} : { invited: values.invited }),
      ...(values.sender === undefined ? {} : { sender: values.sender }),
      ...(values.context === undefined ? {} : { context: values.context }),
    },
  });
}
