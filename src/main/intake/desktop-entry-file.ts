import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What happened to the file: rewritten each start only when its content changed. */
export type DesktopEntryWrite = 'written' | 'unchanged';

/**
 * Writes a desktop entry into `directory` (created if missing). The content is compared first so a
 * normal start touches nothing, and a new file replaces the old one by rename so a desktop that
 * reads it concurrently never sees half a file. Rejects on I/O errors; the registrar logs them.
 */
export async function writeDesktopEntryFile(
  directory: string,
  fileName: string,
  contents: string,
): Promise<DesktopEntryWrite> {
  const target = path.join(directory, fileName);
  const current = await readFile(target, 'utf8').catch(() => undefined);
  if (current === contents) return 'unchanged';
  await mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `.${fileName}.${process.pid}.tmp`);
  // Stryker disable next-line ObjectLiteral,StringLiteral: '' is UTF-8 too; the mode differs only under a umask of 0, which StrykerJS's worker threads cannot set (a test checks it under `npm test`)
  await writeFile(temporary, contents, { encoding: 'utf8', mode: 0o644 });
  await rename(temporary, target);
  return 'written';
}
