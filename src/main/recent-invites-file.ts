/**
 * Keeps the recent-invites list across launches in one small JSON file in the user-data folder.
 * The file is treated as untrusted (another program or a crash may have mangled it): every entry is
 * validated and bad ones are dropped, and a missing or unreadable file means an empty list, never a
 * failed start. Writes go to a temporary file renamed over the old one, one at a time, so a crash
 * mid-write leaves the previous list intact.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { RecentInvite } from '../shared/ipc-contract';
import { joinErrorCodes } from '../shared/join-view';
import { RECENT_INVITES_LIMIT } from './recent-invites';

const entrySchema = z.object({
  handleId: z.string().regex(/^[0-9a-f-]{36}$/),
  kind: z.enum(['invite', 'join']),
  // Files written before senders were looked up may hold a XUID here: it is never shown again.
  from: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .transform((name) => (name === undefined || /^\d+$/.test(name) ? undefined : name)),
  outcome: z.enum(['joined', ...joinErrorCodes]),
  at: z.number().int().nonnegative(),
});

const fileSchema = z.object({ version: z.literal(1), recent: z.array(z.unknown()) });

/** What loading found, so the caller can log why the list is empty. */
export type RecentInvitesLoad =
  | {
      readonly status: 'loaded';
      readonly recent: readonly RecentInvite[];
      readonly dropped: number;
    }
  | { readonly status: 'missing' }
  | { readonly status: 'unreadable'; readonly reason: string };

export class RecentInvitesFile {
  readonly #path: string;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  /** Reads and validates the file; never throws. */
  async load(): Promise<RecentInvitesLoad> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return { status: 'unreadable', reason: (error as Error).message };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { status: 'unreadable', reason: 'not JSON' };
    }
    const file = fileSchema.safeParse(json);
    if (!file.success) return { status: 'unreadable', reason: 'unexpected shape' };
    const recent: RecentInvite[] = [];
    for (const item of file.data.recent) {
      const entry = entrySchema.safeParse(item);
      if (!entry.success || recent.length >= RECENT_INVITES_LIMIT) continue;
      const { from, ...rest } = entry.data;
      recent.push(from === undefined ? rest : { ...rest, from });
    }
    return { status: 'loaded', recent, dropped: file.data.recent.length - recent.length };
  }

  /** Queues a write of the whole list; resolves when it is on disk, rejects if it could not be. */
  save(recent: readonly RecentInvite[]): Promise<void> {
    const body = JSON.stringify({ version: 1, recent }, null, 2);
    const write = this.#writing.catch(() => undefined).then(() => this.#writeAtomically(body));
    this.#writing = write;
    return write;
  }

  async #writeAtomically(body: string): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.${process.pid}.tmp`;
    await writeFile(temporary, body, { encoding: 'utf8', mode: 0o600 });
    await rename(temporary, this.#path);
  }
}
