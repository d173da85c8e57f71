/** Writing the desktop entry file: once, atomically, readable by all and writable by its owner only. */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { writeDesktopEntryFile } from '../../../src/main/intake/desktop-entry-file';
import { useTemporaryDirectory } from './temporary-directory';

const directory = useTemporaryDirectory();

describe('writeDesktopEntryFile', () => {
  it('creates the folder, writes once, and leaves an identical file alone', async () => {
    const target = path.join(directory(), 'share', 'applications');
    expect(await writeDesktopEntryFile(target, 'x.desktop', 'one\n')).toBe('written');
    const first = await stat(path.join(target, 'x.desktop'));
    expect(await writeDesktopEntryFile(target, 'x.desktop', 'one\n')).toBe('unchanged');
    expect((await stat(path.join(target, 'x.desktop'))).mtimeMs).toBe(first.mtimeMs);
    expect(await writeDesktopEntryFile(target, 'x.desktop', 'two\n')).toBe('written');
    expect(await readFile(path.join(target, 'x.desktop'), 'utf8')).toBe('two\n');
    expect(await readdir(target)).toEqual(['x.desktop']);
  });

  it('writes non-ASCII text as UTF-8 and recognises it unchanged on the next start', async () => {
    const text = 'Name=Rallypoint — Spielé\n';
    expect(await writeDesktopEntryFile(directory(), 'x.desktop', text)).toBe('written');
    expect(await readFile(path.join(directory(), 'x.desktop'))).toEqual(Buffer.from(text, 'utf8'));
    expect(await writeDesktopEntryFile(directory(), 'x.desktop', text)).toBe('unchanged');
  });

  // A worker thread cannot set the umask (StrykerJS runs vitest in threads; `npm test` in forks).
  it.skipIf(!isMainThread)(
    'the entry is never writable by others, even under a umask of 0',
    async () => {
      const previous = process.umask(0);
      try {
        await writeDesktopEntryFile(directory(), 'x.desktop', 'one\n');
      } finally {
        process.umask(previous);
      }
      expect((await stat(path.join(directory(), 'x.desktop'))).mode & 0o777).toBe(0o644);
    },
  );

  it('rejects when the folder cannot be created', async () => {
    const blocker = path.join(directory(), 'file');
    await writeFile(blocker, '');
    await expect(
      writeDesktopEntryFile(path.join(blocker, 'apps'), 'x.desktop', 'x'),
    ).rejects.toThrow();
  });
});
