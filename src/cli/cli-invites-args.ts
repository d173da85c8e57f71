/**
 * The `rallypoint invites` command line, read into typed options: the player flags every player
 * command takes, and the game's SCID. Unknown flags and stray words are usage errors.
 */
import { guidPattern } from '../shared/guid';
import { err, ok, type Result } from '../shared/result';
import { playerFlags, playerOptions, type PlayerOptions } from './cli-play-args';
import { parseFlags } from './cli-flags';

export interface InvitesOptions extends PlayerOptions {
  /** The game's SCID (default: the configured game's). */
  readonly scid?: string;
}

export const invitesUsage = `  rallypoint invites --directory URL [--xuid X --gamertag NAME] [--follows XUID,...]
                  [--scid GUID] [--json]      list the invites sent to you and friends' games`;

/** `rallypoint invites …` after the command word. */
export function parseInvitesArgs(argv: readonly string[]): Result<InvitesOptions, string> {
  const parsed = parseFlags({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: { ...playerFlags, scid: { type: 'string' } },
  });
  if (!parsed.ok) return parsed;
  const { values } = parsed.value;
  if (values.scid !== undefined && !guidPattern.test(values.scid)) {
    return err('--scid takes a GUID');
  }
  const player = playerOptions(values);
  if (!player.ok) return player;
  return ok({ ...player.value, ...(values.scid === undefined ? {} : { scid: values.scid }) });
}
