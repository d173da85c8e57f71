/**
 * The command line of `rallypoint sign-in | sign-out | whoami`: `--directory`, `--json`,
 * `--verbose`, nothing else. Kept apart from cli-args.ts so the join commands' parser stays as it is.
 */
import { err, ok, type Result } from '../shared/result';
import { parseFlags } from './cli-flags';

const accountCommands = ['sign-in', 'sign-out', 'whoami'] as const;
export type AccountCommandName = (typeof accountCommands)[number];

export interface AccountCommandOptions {
  readonly directory?: string;
  readonly json: boolean;
  readonly verbose: boolean;
}

export const accountUsage = `  rallypoint sign-in [--directory URL] [--json]   sign in with a device code (prints a URL and a code)
  rallypoint sign-out                            delete every stored account and token
  rallypoint whoami [--json]                     the signed-in account`;

export function isAccountCommand(command: string): command is AccountCommandName {
  return (accountCommands as readonly string[]).includes(command);
}

/** Parses the arguments after an account command. */
export function parseAccountArgs(
  command: AccountCommandName,
  args: readonly string[],
): Result<
  {
    readonly kind: 'account';
    readonly command: AccountCommandName;
    readonly options: AccountCommandOptions;
  },
  string
> {
  const parsed = parseFlags({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      directory: { type: 'string' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.value;
  if (positionals.length > 0) return err(`${command} takes no arguments`);
  if (command !== 'sign-in' && values.directory !== undefined) {
    return err(`${command} takes no --directory`);
  }
  return ok({
    kind: 'account',
    command,
    options: {
      json: values.json,
      verbose: values.verbose,
      ...(values.directory === undefined ? {} : { directory: values.directory }),
    },
  });
}
