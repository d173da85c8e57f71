/**
 * What a running `rallypoint play` tells a later `rallypoint invite` on the same machine: which
 * directory, which player, which session. One small JSON file in the command line's config folder
 * (`playing.json`), written when the game gets a session and removed when the game exits. It holds
 * no secret: the invite command gets its own token.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { cliConfigFolder } from './cli-config-folder';

const playStateSchema = z.object({
  directoryUrl: z.string().min(1),
  xuid: z.string().regex(/^\d{1,20}$/),
  gamertag: z.string().min(1),
  sessionRef: z.string().min(1),
  pid: z.number().int(),
});

export type PlayState = z.infer<typeof playStateSchema>;

/** The file's path. */
function playStateFile(folder = cliConfigFolder()): string {
  return join(folder, 'playing.json');
}

export function writePlayState(state: PlayState, file = playStateFile()): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  } catch {
    // Only a convenience for `rallypoint invite`; --session still works without it.
  }
}

export function clearPlayState(file = playStateFile()): void {
  rmSync(file, { force: true });
}

/** The state of a `play` that is still running, else undefined (missing, malformed or stale). */
export function readPlayState(file = playStateFile()): PlayState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = playStateSchema.safeParse(value);
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
  } catch {
    return undefined;
  }
  return parsed.data;
}
