/**
 * Renders the freedesktop.org desktop entry that makes Linux open our scheme with the launcher.
 * Needed where no installer wrote one: an AppImage is never installed, and a development build
 * runs from the repository. Quoting follows the Desktop Entry Specification (Exec key), so a path
 * with spaces, quotes or `$` reaches the launcher intact and is never interpreted.
 */

export interface DesktopEntrySpec {
  readonly name: string;
  readonly comment: string;
  /** The program and its fixed arguments; `-- %U` is appended (link after the guard). */
  readonly command: readonly string[];
  /** The program file; desktops hide the entry when it is gone (a moved AppImage). */
  readonly tryExec: string;
  readonly schemes: readonly string[];
  /** Keep it out of application menus (a development build's handler). */
  readonly hidden: boolean;
}

/** Characters the specification says may not appear in a string value at all. */
const unrepresentable = /[\p{Cc}]/u;

/** Whether a path can be written into a desktop entry (no control characters such as newlines). */
export function isDesktopEntrySafe(value: string): boolean {
  return !unrepresentable.test(value);
}

/** The string-value escape that applies to every key: a backslash is written twice. */
function escapeStringValue(value: string): string {
  return value.replaceAll('\\', '\\\\');
}

/**
 * One Exec argument, always double-quoted: inside the quotes `"`, `` ` ``, `$` and `\` take a
 * backslash, and `%` is doubled so it is never read as a field code. The string-value escape is
 * applied to the whole line afterwards, which is why a literal backslash ends up as four.
 */
function quoteExecArgument(argument: string): string {
  const escaped = argument.replace(/["`$\\]/g, (char) => `\\${char}`).replaceAll('%', '%%');
  return `"${escaped}"`;
}

/** The Exec value: quoted command, then the `--` guard, then `%U` (the links). */
export function execLine(command: readonly string[]): string {
  return escapeStringValue([...command.map(quoteExecArgument), '--', '%U'].join(' '));
}

/** The whole file; callers check {@link isDesktopEntrySafe} on every path first. */
export function renderDesktopEntry(spec: DesktopEntrySpec): string {
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${escapeStringValue(spec.name)}`,
    `Comment=${escapeStringValue(spec.comment)}`,
    `TryExec=${escapeStringValue(spec.tryExec)}`,
    `Exec=${execLine(spec.command)}`,
    'Terminal=false',
    'Categories=Game;',
    `MimeType=${spec.schemes.map((scheme) => `x-scheme-handler/${scheme};`).join('')}`,
  ];
  if (spec.hidden) lines.push('NoDisplay=true');
  return `${lines.join('\n')}\n`;
}
