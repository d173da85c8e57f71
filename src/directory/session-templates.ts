/**
 * Session templates: the per-title configuration MPSD keeps in its service config. A template
 * fixes some constants (a creator who asks for a different value gets 409) and suggests defaults
 * a creator may override; everything else comes from MPSD's contract 107 defaults.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import shippedTemplates from './session-templates.json';
import { sessionConstantsSystemSchema } from './request-schemas';
import { err, ok, type Result } from '../shared/result';

/** MPSD's defaults for contract version 107 (docs/mpsd-protocol.md §2.3, §5.2). */
export const mpsd107Defaults = {
  version: 1,
  maxMembersCount: 100,
  visibility: 'open',
  reservedRemovalTimeout: 30_000,
  inactiveRemovalTimeout: 0,
  readyRemovalTimeout: 180_000,
  sessionEmptyTimeout: 0,
} as const;

export interface SessionTemplate {
  readonly name: string;
  readonly description: string;
  readonly contractVersion: number;
  /** Fixed `constants.system` values. */
  readonly fixedSystem: Readonly<Record<string, unknown>>;
  /** Fixed `constants.custom` values. */
  readonly fixedCustom: Readonly<Record<string, unknown>>;
  /** Overridable defaults, already layered over the 107 defaults. */
  readonly defaultSystem: Readonly<Record<string, unknown>>;
}

const templateFileSchema = z.object({
  templates: z.record(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'template names are letters, digits, "_", "-", "."'),
    z.strictObject({
      description: z.string().default(''),
      contractVersion: z.number().int().min(104).max(107).default(107),
      constants: z
        .strictObject({
          system: sessionConstantsSystemSchema.default({}),
          custom: z.record(z.string(), z.unknown()).default({}),
        })
        .default({ system: {}, custom: {} }),
      defaults: z
        .strictObject({ system: sessionConstantsSystemSchema.default({}) })
        .default({ system: {} }),
    }),
  ),
});

/** The templates a directory serves, looked up case-insensitively. */
export class SessionTemplates {
  readonly #byName: ReadonlyMap<string, SessionTemplate>;

  constructor(templates: readonly SessionTemplate[]) {
    this.#byName = new Map(templates.map((template) => [template.name.toLowerCase(), template]));
  }

  get(name: string): SessionTemplate | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  names(): string[] {
    return [...this.#byName.values()].map((template) => template.name);
  }
}

/** Parses a templates document; the message names the offending template and field. */
export function parseSessionTemplates(document: unknown): Result<SessionTemplates, string> {
  const parsed = templateFileSchema.safeParse(document);
  if (!parsed.success) return err(`invalid session templates: ${z.prettifyError(parsed.error)}`);
  const templates = Object.entries(parsed.data.templates).map(([name, raw]): SessionTemplate => ({
    name,
    description: raw.description,
    contractVersion: raw.contractVersion,
    fixedSystem: raw.constants.system,
    fixedCustom: raw.constants.custom,
    defaultSystem: { ...mpsd107Defaults, ...raw.defaults.system },
  }));
  if (templates.length === 0) return err('invalid session templates: the file defines no template');
  return ok(new SessionTemplates(templates));
}

/** Loads templates from a JSON file, or the shipped defaults when no path is given. */
export function loadSessionTemplates(path?: string): Result<SessionTemplates, string> {
  if (path === undefined) return parseSessionTemplates(shippedTemplates);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return err(`cannot read session templates ${path}: ${(error as Error).message}`);
  }
  try {
    return parseSessionTemplates(JSON.parse(text));
  } catch (error) {
    return err(`session templates ${path} are not JSON: ${(error as Error).message}`);
  }
}
