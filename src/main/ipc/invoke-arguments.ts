/**
 * Run-time checks of every invoke channel's arguments. TypeScript's channel map vanishes at run
 * time and the renderer is the least trusted process, so each channel has a zod schema that must
 * accept exactly the contract's tuple: no extra arguments, bounded strings, closed enums.
 */
import * as z from 'zod';
import {
  logLevels,
  maxRendererLogLength,
  type InvokeChannel,
  type InvokeChannels,
  xuidPattern,
} from '../../shared/ipc-contract';
import { guidPattern } from '../../shared/guid';
import { maxInviteMessageLength, maxInvitesPerSend } from '../../shared/invite-dialog-view';
import { unsafePlayerTextKind } from '../../shared/player-text';
import { err, ok, type Result } from '../../shared/result';
import type { IpcRefusal } from './ipc-refusal';

const noArguments = z.tuple([]);

const schemas: { readonly [C in InvokeChannel]: z.ZodType<InvokeChannels[C]['args']> } = {
  'launcher:get-state': noArguments,
  'join:retry': noArguments,
  'join:cancel': noArguments,
  'join:dismiss': noArguments,
  'join:switch-account': noArguments,
  'dev:try-demo-invite': noArguments,
  'log:write': z.tuple([z.enum(logLevels), z.string().max(maxRendererLogLength)]),
  'account:sign-in': noArguments,
  'account:cancel-sign-in': noArguments,
  'account:switch': z.tuple([z.string().regex(xuidPattern)]),
  'account:sign-out': noArguments,
  'inbox:refresh': noArguments,
  'inbox:accept': z.tuple([z.string().regex(guidPattern)]),
  'inbox:decline': z.tuple([z.string().regex(guidPattern)]),
  'play:start': noArguments,
  'invite-dialog:friends': noArguments,
  'invite-dialog:send': z.tuple([
    z.array(z.string().regex(xuidPattern)).min(1).max(maxInvitesPerSend),
    z
      .string()
      .max(maxInviteMessageLength * 2)
      .refine((text) => [...text].length <= maxInviteMessageLength, 'too long')
      .refine((text) => unsafePlayerTextKind(text) === undefined, 'control or format characters'),
  ]),
  'invite-dialog:copy-link': z.tuple([z.string().regex(guidPattern)]),
  'invite-dialog:closed': noArguments,
};

/** Parses the raw arguments of one invoke; the refusal names what was wrong, not the values. */
export function parseInvokeArguments<C extends InvokeChannel>(
  channel: C,
  raw: readonly unknown[],
): Result<InvokeChannels[C]['args'], IpcRefusal> {
  const schema = schemas[channel] as z.ZodType<InvokeChannels[C]['args']> | undefined;
  if (schema === undefined) {
    return err({ code: 'bad-arguments', detail: `no schema for channel` });
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  // Stryker disable next-line MethodExpression: no channel's schema yields more than three issues yet
  const issues = parsed.error.issues
    .slice(0, 3)
    .map(
      (issue) =>
        // Stryker disable next-line StringLiteral: every schema is a flat tuple, so paths have one part
        `${issue.path.join('.') || '(arguments)'}: ${describeIssue(issue)}`,
    )
    .join(', ');
  // Electron always passes a list; anything else is still refused with a reason, never a throw.
  const count = Array.isArray(raw) ? `${raw.length} argument(s)` : 'a non-list of arguments';
  return err({ code: 'bad-arguments', detail: `${count} refused: ${issues}` });
}

/**
 * A zod issue by its code, or by our own message for a refinement: every refinement's code is
 * `custom`, so the message (fixed text of the schema, never the value) says which rule refused.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.code === 'custom' ? issue.message : issue.code;
}
