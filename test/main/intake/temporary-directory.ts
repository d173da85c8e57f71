import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh folder under the system's temporary directory for each test of the calling file,
 * removed after it: the intake tests write desktop entries and stand-in programs there.
 * Returns a getter, since the folder changes from one test to the next.
 */
export function useTemporaryDirectory(): () => string {
  let directory: string | undefined;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'rallypoint-intake-'));
  });
  afterEach(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    directory = undefined;
  });
  return () => {
    if (directory === undefined) throw new Error('no temporary directory outside a test');
    return directory;
  };
}
