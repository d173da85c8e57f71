/**
 * The command parsers' shared flag reading (src/cli/cli-flags.ts): what `node:util` refuses comes
 * back as the message the command prints under its usage, never as a thrown error, and each
 * command's parser passes it on unchanged.
 */
import { describe, expect, it } from 'vitest';
import { parseAccountArgs } from '../../src/cli/cli-account-args';
import { parseFlags } from '../../src/cli/cli-flags';
import { parseInvitesArgs } from '../../src/cli/cli-invites-args';
import { parseInviteArgs, parsePlayArgs } from '../../src/cli/cli-play-args';

const config = (args: string[]) =>
  ({
    args,
    allowPositionals: false,
    strict: true,
    options: { directory: { type: 'string' }, json: { type: 'boolean', default: false } },
  }) as const;

describe('parseFlags', () => {
  it('answers the flags it read', () => {
    const parsed = parseFlags(config(['--directory', 'http://127.0.0.1:1', '--json']));
    expect(parsed).toEqual({
      ok: true,
      value: { values: { directory: 'http://127.0.0.1:1', json: true }, positionals: [] },
    });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--directory'], /Option '--directory <value>' argument missing/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('turns what parseArgs refuses in %j into its message', (args, message) => {
    const parsed = parseFlags(config(args));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('is what every command parser answers for an unknown flag', () => {
    for (const parsed of [
      parsePlayArgs(['--bogus']),
      parseInviteArgs(['--bogus']),
      parseInvitesArgs(['--bogus']),
      parseAccountArgs('sign-in', ['--bogus']),
    ]) {
      expect(parsed).toEqual({
        ok: false,
        error: expect.stringMatching(/Unknown option '--bogus'/),
      });
    }
  });
});
