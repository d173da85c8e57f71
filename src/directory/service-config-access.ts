/**
 * Which titles may use which service configs. In MPSD a SCID belongs to a title (or a few), and a
 * token of another title gets 403 "The requested service config cannot be accessed". A templates
 * file can say the same with a `serviceConfigs` section:
 *
 *     "serviceConfigs": { "<scid>": { "titleIds": ["1717113201"] } }
 *
 * A SCID the section does not name stays open to every title (the local directory's default).
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import shippedTemplates from './session-templates.json';
import type { DirectoryAnswer } from './directory-answer';
import { err, ok, type Result } from '../shared/result';

const bindingsSchema = z.object({
  serviceConfigs: z
    .record(
      z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i),
      z.strictObject({
        titleIds: z.array(z.string().regex(/^[0-9]{1,10}$/, 'title ids are decimal')).min(1),
      }),
      // zod reports a key that fails its schema only as "Invalid key in record" (the key's own
      // message stays in a nested issue that prettifyError leaves out), so the record names the rule.
      {
        error: (issue) =>
          issue.code === 'invalid_key' ? 'service config ids are GUIDs' : undefined,
      },
    )
    .optional(),
});

const refused: DirectoryAnswer = {
  kind: 'text',
  status: 403,
  message:
    'The requested service config cannot be accessed: it belongs to another title than the one of the Authorization token.',
};

/** The SCID-to-titles bindings of one directory. */
export class ServiceConfigAccess {
  readonly #titlesByScid: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(bindings: Readonly<Record<string, { readonly titleIds: readonly string[] }>> = {}) {
    this.#titlesByScid = new Map(
      Object.entries(bindings).map(([scid, { titleIds }]) => [
        scid.toLowerCase(),
        new Set(titleIds),
      ]),
    );
  }

  /** True when no SCID is bound: the HTTP layer then skips every check. */
  get open(): boolean {
    return this.#titlesByScid.size === 0;
  }

  /** The 403 for a caller of `titleId` touching `scid`, else undefined. */
  check(scid: unknown, titleId: string): DirectoryAnswer | undefined {
    if (typeof scid !== 'string') return undefined;
    const titles = this.#titlesByScid.get(scid.toLowerCase());
    return titles === undefined || titles.has(titleId) ? undefined : refused;
  }
}

/** Reads the `serviceConfigs` section of a templates file (or of the shipped templates). */
export function loadServiceConfigAccess(path?: string): Result<ServiceConfigAccess, string> {
  let document: unknown = shippedTemplates;
  if (path !== undefined) {
    try {
      // Stryker disable next-line StringLiteral: without the encoding JSON.parse reads the Buffer as its UTF-8 text all the same
      document = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      return err(`cannot read service configs from ${path}: ${(error as Error).message}`);
    }
  }
  const parsed = bindingsSchema.safeParse(document);
  if (!parsed.success) return err(`invalid serviceConfigs: ${z.prettifyError(parsed.error)}`);
  return ok(new ServiceConfigAccess(parsed.data.serviceConfigs));
}
