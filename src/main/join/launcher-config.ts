/**
 * The launcher's join settings: which directory, who is signed in, which game to start and how, and
 * the time budgets. Everything has a default a player never needs to touch except the directory
 * and identity, and everything is checked once, up front, with a message that names the setting:
 * a bad template or an unsafe directory URL fails at start-up, not halfway through a join.
 */
import * as z from 'zod';
import { err, ok, type Result } from '../../shared/result';
import { checkArgPlaceholders, splitArgsTemplate } from './game-args';
import type { GameLaunchConfig } from './game-hand-off';
import type { RetryPolicyOptions } from './retry-policy';

/** The demo game's argument template (also the documented example for studios). */
export const demoGameArgsTemplate = '--join {sessionRef} --connect {connection}';

/** The demo game's Play template: no session; it asks the launcher to host one. */
export const demoGamePlayArgsTemplate = '--play';

/** The title and session template a hosted session is created with (the demo's by default). */
export const defaultGameTitle = {
  titleId: '1717113201',
  scid: '6f3a1e2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  sessionTemplate: 'default',
} as const;

export const launcherDefaults = {
  deadlineMs: 20_000,
  attemptTimeoutMs: 5_000,
  leaveTimeoutMs: 5_000,
  /** A real game may need a while to boot before it can confirm; the demo game answers at once. */
  ackTimeoutMs: 60_000,
  quitGraceMs: 2_000,
} as const;

export interface LauncherConfig {
  /** Session directory root (`http://127.0.0.1:<port>` for the embedded one). */
  readonly directoryUrl: string;
  /** The signed-in player (development tokens from the directory). */
  readonly identity: {
    readonly xuid: string;
    readonly gamertag: string;
    readonly follows?: readonly string[];
  };
  readonly game: GameLaunchConfig;
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  readonly leaveTimeoutMs: number;
  readonly retry?: RetryPolicyOptions;
  /** BCP 47 tag for the directory's Accept-Language. */
  readonly locale?: string;
}

const xuid = z.string().regex(/^\d{1,20}$/, 'a XUID is 1 to 20 decimal digits');
const ms = (min: number, max: number) => z.number().int().min(min).max(max);

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

const directoryUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a URL' });
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && loopbackHosts.has(url.hostname)) return;
  // Tokens travel in the Authorization header: plain HTTP is only acceptable on this machine.
  ctx.addIssue({
    code: 'custom',
    message: 'must be https:// (plain http:// is allowed only for 127.0.0.1, localhost and [::1])',
  });
  if (url.username || url.password) {
    ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
  }
});

/** What a caller may pass: every field but the directory and identity is optional. */
const launcherConfigInputSchema = z.strictObject({
  directoryUrl,
  identity: z.strictObject({
    xuid,
    gamertag: z.string().trim().min(1, 'is empty').max(32, 'is longer than 32 characters'),
    /** Development identities only: whom the player follows (the invite list). */
    follows: z.array(xuid).max(1000).optional(),
  }),
  game: z.strictObject({
    executable: z.string().min(1, 'is empty'),
    /** A template string (split like a shell would, without a shell) or the arguments as a list. */
    args: z.union([z.string(), z.array(z.string())]).default(demoGameArgsTemplate),
    /** Play's template (no session): only `{xuid}` may appear. */
    playArgs: z.union([z.string(), z.array(z.string())]).optional(),
    titleId: z
      .string()
      .regex(/^[0-9]{1,10}$/, 'is a decimal title ID')
      .default(defaultGameTitle.titleId),
    scid: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'is a GUID')
      .default(defaultGameTitle.scid),
    sessionTemplate: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'is a session template name')
      .default(defaultGameTitle.sessionTemplate),
    ackTimeoutMs: ms(100, 600_000).default(launcherDefaults.ackTimeoutMs),
    connectionProperty: z.string().min(1).optional(),
    cwd: z.string().min(1).optional(),
    env: z.record(z.string(), z.string()).optional(),
    quitGraceMs: ms(0, 60_000).default(launcherDefaults.quitGraceMs),
  }),
  deadlineMs: ms(1_000, 600_000).default(launcherDefaults.deadlineMs),
  attemptTimeoutMs: ms(100, 120_000).default(launcherDefaults.attemptTimeoutMs),
  leaveTimeoutMs: ms(100, 60_000).default(launcherDefaults.leaveTimeoutMs),
  retry: z
    .strictObject({
      baseDelayMs: ms(0, 60_000).optional(),
      maxDelayMs: ms(0, 600_000).optional(),
      minDelayMs: ms(0, 60_000).optional(),
      jitter: z.enum(['full', 'decorrelated']).optional(),
    })
    .optional(),
  locale: z.string().min(1).optional(),
});

export type LauncherConfigInput = z.input<typeof launcherConfigInputSchema>;

/** A setting that cannot be used, named by its path (`game.args`, `directoryUrl`). */
export interface LauncherConfigError {
  readonly code: 'invalid-config';
  readonly message: string;
}

/** Validates settings and fills the defaults; never throws. */
export function resolveLauncherConfig(input: unknown): Result<LauncherConfig, LauncherConfigError> {
  const parsed = launcherConfigInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'config';
    return err({ code: 'invalid-config', message: `${path} ${issue?.message ?? 'is invalid'}` });
  }
  const value = parsed.data;
  const args =
    typeof value.game.args === 'string' ? splitArgsTemplate(value.game.args) : ok(value.game.args);
  if (!args.ok) return err({ code: 'invalid-config', message: `game.args: ${args.error}` });
  const placeholders = checkArgPlaceholders(args.value);
  if (!placeholders.ok) {
    return err({ code: 'invalid-config', message: `game.args: ${placeholders.error}` });
  }
  const playArgs =
    value.game.playArgs === undefined
      ? ok(undefined)
      : typeof value.game.playArgs === 'string'
        ? splitArgsTemplate(value.game.playArgs)
        : ok(value.game.playArgs);
  if (!playArgs.ok)
    return err({ code: 'invalid-config', message: `game.playArgs: ${playArgs.error}` });
  const playPlaceholders = checkArgPlaceholders(playArgs.value ?? [], ['xuid']);
  if (!playPlaceholders.ok) {
    return err({ code: 'invalid-config', message: `game.playArgs: ${playPlaceholders.error}` });
  }
  const { retry, locale, game } = value;
  return ok({
    directoryUrl: value.directoryUrl.replace(/\/+$/, ''),
    identity: value.identity,
    game: {
      executable: game.executable,
      args: args.value,
      ...(playArgs.value === undefined ? {} : { playArgs: playArgs.value }),
      title: { titleId: game.titleId, scid: game.scid, sessionTemplate: game.sessionTemplate },
      ackTimeoutMs: game.ackTimeoutMs,
      quitGraceMs: game.quitGraceMs,
      ...(game.connectionProperty ? { connectionProperty: game.connectionProperty } : {}),
      ...(game.cwd ? { cwd: game.cwd } : {}),
      ...(game.env ? { env: { ...process.env, ...game.env } } : {}),
    },
    deadlineMs: value.deadlineMs,
    attemptTimeoutMs: value.attemptTimeoutMs,
    leaveTimeoutMs: value.leaveTimeoutMs,
    ...(retry ? { retry } : {}),
    ...(locale ? { locale } : {}),
  });
}

/**
 * The demo game as the configured game: run by the same Node (or Electron in Node mode, hence
 * ELECTRON_RUN_AS_NODE) that runs the launcher, from the built `dist/demo-game/demo-game.js`.
 */
export function demoGameSettings(demoGameScript: string): LauncherConfigInput['game'] {
  const template = splitArgsTemplate(demoGameArgsTemplate);
  const play = splitArgsTemplate(demoGamePlayArgsTemplate);
  return {
    executable: process.execPath,
    args: [demoGameScript, ...(template.ok ? template.value : [])],
    playArgs: [demoGameScript, ...(play.ok ? play.value : [])],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  };
}
