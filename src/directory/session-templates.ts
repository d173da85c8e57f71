/**
 * Session templates: the per-title configuration MPSD keeps in its service config. A template
 * fixes some constants (a creator who asks for a different value gets 409), suggests defaults
 * a creator may override, and may declare role types; everything else comes from MPSD's contract
 * 107 defaults. A title's own template name that the directory does not know (a Minecraft client's
 * `MinecraftLobby`) is adopted from the `default` template on first use, unless the directory runs
 * with strict templates and answers MPSD's 404.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import shippedTemplates from './session-templates.json';
import { sessionConstantsSystemSchema } from './request-schemas';
import type { RoleTypeDefinitions } from './session-record';
import { err, ok, type Result } from '../shared/result';

/** MPSD's defaults for contract version 107 (docs/mpsd-protocol.md §2.3, §5.2). */
const mpsd107Defaults = {
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
  /** Role types sessions of this template have; absent when it declares none. */
  readonly roleTypes?: RoleTypeDefinitions;
}

/** How many unknown template names one directory adopts before it answers 404 instead. */
export const maxAdoptedTemplates = 256;

const templateNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

const roleTypesSchema = z.record(
  z.string().regex(templateNamePattern, 'role type names are letters, digits, "_", "-", "."'),
  z.strictObject({
    ownerManaged: z.boolean().default(false),
    mutableRoleSettings: z.array(z.enum(['max', 'target'])).default([]),
    roles: z
      .record(
        z.string().regex(templateNamePattern, 'role names are letters, digits, "_", "-", "."'),
        z.strictObject({
          max: z.number().int().min(0).optional(),
          target: z.number().int().min(0).optional(),
        }),
      )
      .refine((roles) => Object.keys(roles).length > 0, 'a role type needs at least one role'),
  }),
);

const templateFileSchema = z.object({
  templates: z.record(
    z.string().regex(templateNamePattern, 'template names are letters, digits, "_", "-", "."'),
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
      roleTypes: roleTypesSchema.optional(),
    }),
  ),
});

/** Where an adopted template's first use is reported. */
export type TemplateLog = (message: string) => void;

/** The templates a directory serves, looked up case-insensitively. */
export class SessionTemplates {
  readonly #byName: ReadonlyMap<string, SessionTemplate>;
  /** Unknown names adopted from `default`, by lower-case name. */
  readonly #adopted = new Map<string, SessionTemplate>();

  constructor(templates: readonly SessionTemplate[]) {
    this.#byName = new Map(templates.map((template) => [template.name.toLowerCase(), template]));
  }

  /** A declared template, or one adopted earlier. */
  get(name: string): SessionTemplate | undefined {
    const key = name.toLowerCase();
    return this.#byName.get(key) ?? this.#adopted.get(key);
  }

  /**
   * The template `name`, adopting it from `default` on first use (reported once through `log`).
   * Undefined when the name is not a valid template name, there is no `default` template, or
   * `maxAdoptedTemplates` names were adopted already (so requests cannot grow memory without end).
   */
  getOrAdopt(name: string, log: TemplateLog): SessionTemplate | undefined {
    const known = this.get(name);
    if (known !== undefined) return known;
    const base = this.#byName.get('default');
    if (base === undefined || !templateNamePattern.test(name)) return undefined;
    if (this.#adopted.size >= maxAdoptedTemplates) {
      log(`template ${name} not adopted: ${maxAdoptedTemplates} unknown templates adopted already`);
      return undefined;
    }
    const adopted: SessionTemplate = {
      ...base,
      name,
      description: `Adopted from "default" on first use of the unknown name ${name}.`,
    };
    this.#adopted.set(name.toLowerCase(), adopted);
    log(`template ${name} is not declared: created from the default template on first use`);
    return adopted;
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
    roleTypes: raw.roleTypes,
  }));
  if (templates.length === 0) return err('invalid session templates: the file defines no template');
  const large = templates.find(
    (template) =>
      (template.fixedSystem.capabilities as Record<string, boolean> | undefined)?.large === true ||
      (template.defaultSystem.capabilities as Record<string, boolean> | undefined)?.large === true,
  );
  if (large !== undefined) {
    return err(
      `invalid session templates: ${large.name} has capabilities.large, which the local directory does not emulate`,
    );
  }
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
