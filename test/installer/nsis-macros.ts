/**
 * A reader for the small NSIS subset build/installer.nsh uses: `!macro` definitions, their
 * `${PARAM}` substitution and nested `!insertmacro`. Expanding customInstall / customUnInstall into
 * flat instruction lists lets the tests check the registry keys each scheme gets, and that the
 * uninstaller removes exactly what the installer wrote, without Windows. makensis checks the syntax
 * separately (nsis-include.test.ts).
 */

/** One macro: its parameter names and its body lines, trimmed, without comments or blanks. */
export interface NsisMacro {
  readonly params: readonly string[];
  readonly body: readonly string[];
}

/** One expanded instruction: the command word and its arguments with quotes removed. */
export interface NsisInstruction {
  readonly command: string;
  readonly args: readonly string[];
  /** The instruction as written after macro expansion, for error messages. */
  readonly line: string;
}

/** Reads every `!macro … !macroend` block of an NSIS script. */
export function parseNsisMacros(script: string): Map<string, NsisMacro> {
  const macros = new Map<string, NsisMacro>();
  let open: { name: string; params: string[]; body: string[] } | undefined;
  for (const raw of script.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const words = tokenizeNsisLine(line);
    if (words[0] === '!macro') {
      if (open) throw new Error(`nested !macro ${words[1] ?? ''} inside ${open.name}`);
      const [, name, ...params] = words;
      if (!name) throw new Error('!macro without a name');
      open = { name, params, body: [] };
    } else if (words[0] === '!macroend') {
      if (!open) throw new Error('!macroend without !macro');
      macros.set(open.name, { params: open.params, body: open.body });
      open = undefined;
    } else if (open) {
      open.body.push(line);
    }
  }
  if (open) throw new Error(`!macro ${open.name} is never closed`);
  return macros;
}

/**
 * Expands `name` with `args`, inserting nested macros defined in `macros`; macros defined
 * elsewhere (electron-builder's own) stay as `!insertmacro` instructions.
 */
export function expandNsisMacro(
  macros: ReadonlyMap<string, NsisMacro>,
  name: string,
  args: readonly string[] = [],
  depth = 0,
): NsisInstruction[] {
  const macro = macros.get(name);
  if (!macro) throw new Error(`no macro named ${name}`);
  if (depth > 16) throw new Error(`macro ${name} nests too deeply`);
  if (args.length !== macro.params.length) {
    throw new Error(`${name} takes ${macro.params.length} arguments, got ${args.length}`);
  }
  const out: NsisInstruction[] = [];
  for (const bodyLine of macro.body) {
    let line = bodyLine;
    macro.params.forEach((param, index) => {
      line = line.split('${' + param + '}').join(args[index] ?? '');
    });
    const [command = '', ...rest] = tokenizeNsisLine(line);
    const [inner, ...innerArgs] = rest;
    if (command === '!insertmacro' && inner !== undefined && macros.has(inner)) {
      out.push(...expandNsisMacro(macros, inner, innerArgs, depth + 1));
    } else {
      out.push({ command, args: rest, line });
    }
  }
  return out;
}

/**
 * Splits one NSIS line into words. NSIS quotes with "…", '…' or `…` (all three alike); `$\"`
 * escapes are not used by the include, so they are not decoded. A `;` or `#` outside quotes
 * starts a comment.
 */
export function tokenizeNsisLine(line: string): string[] {
  const words: string[] = [];
  let index = 0;
  while (index < line.length) {
    const char = line[index] ?? '';
    if (char === ' ' || char === '\t') {
      index += 1;
    } else if (char === ';' || char === '#') {
      break;
    } else if (char === '"' || char === "'" || char === '`') {
      const end = line.indexOf(char, index + 1);
      if (end < 0) throw new Error(`unclosed ${char} in: ${line}`);
      words.push(line.slice(index + 1, end));
      index = end + 1;
    } else {
      let end = index;
      while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end += 1;
      words.push(line.slice(index, end));
      index = end;
    }
  }
  return words;
}
