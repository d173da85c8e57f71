/**
 * The game's command line, built from a studio-written template such as
 * `--join {sessionRef} --connect {connection}`. The template is split into arguments once, when the
 * configuration is read, and placeholders are then replaced inside each argument: a value from the
 * session (which other players control) can never add, split or quote arguments, and no shell ever
 * sees it. Values pass the player-text rule (src/shared/player-text.ts) on the way in: control and
 * format characters (bidi overrides, zero-width characters) never reach the game.
 */
import { stripUnsafePlayerText } from '../../shared/player-text';
import { err, ok, type Result } from '../../shared/result';

/** Every placeholder a template may use. */
export const gameArgPlaceholders = [
  'handleId',
  'sessionRef',
  'connection',
  'xuid',
  'inviteKind',
  'context',
] as const;

export type GameArgPlaceholder = (typeof gameArgPlaceholders)[number];
export type GameArgValues = Readonly<Record<GameArgPlaceholder, string>>;

const placeholderPattern = /\{([A-Za-z]+)\}/g;

/**
 * Splits a template on whitespace; double or single quotes keep spaces inside one argument
 * (`--name "{handleId} x"`). Unterminated quotes are an error rather than a guess.
 */
export function splitArgsTemplate(template: string): Result<string[], string> {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  for (const char of template) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quote) return err(`the game arguments template has an unterminated ${quote} quote`);
  if (started) args.push(current);
  return ok(args);
}

/** Rejects placeholders the launcher does not know, so a typo fails at start-up, not at join time. */
export function checkArgPlaceholders(
  args: readonly string[],
  allowed: readonly GameArgPlaceholder[] = gameArgPlaceholders,
): Result<void, string> {
  const known = new Set<string>(allowed);
  for (const arg of args) {
    for (const match of arg.matchAll(placeholderPattern)) {
      // Stryker disable next-line StringLiteral: the pattern's one group always takes part in a match
      const name = match[1] ?? '';
      if (!known.has(name)) {
        return err(
          `unknown placeholder {${name}} in the game arguments (known: ${allowed
            .map((p) => `{${p}}`)
            .join(', ')})`,
        );
      }
    }
  }
  return ok(undefined);
}

/**
 * Replaces placeholders inside each argument; the number of arguments never changes. Each value
 * is stripped of control and format characters first: a context or connection address comes from
 * another player, and the game shows or parses it.
 */
export function expandGameArgs(args: readonly string[], values: GameArgValues): string[] {
  return args.map((arg) =>
    arg.replace(placeholderPattern, (whole, name: string) =>
      Object.hasOwn(values, name)
        ? stripUnsafePlayerText(values[name as GameArgPlaceholder])
        : whole,
    ),
  );
}
