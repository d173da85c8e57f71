/**
 * The one electron-log hook that makes every log line safe: it runs for every transport (file,
 * console) and every scope, for messages written in main and for renderer lines routed through
 * main, so there is no path to a log file that skips redaction.
 */
import type { LogMessage } from 'electron-log';
import { redact } from './redact';

/** Marks the hook so configuring twice never stacks a second copy. */
export const REDACTION_HOOK_ID = Symbol.for('rallypoint.redaction-hook');

export type RedactionHook = ((message: LogMessage) => LogMessage) & {
  readonly [REDACTION_HOOK_ID]: true;
};

/** Builds the hook: a copy of the message whose data went through {@link redact} (scopes are fixed labels). */
export function createRedactionHook(): RedactionHook {
  const hook = (message: LogMessage): LogMessage => ({
    ...message,
    data: message.data.map((item) => redact(item)),
  });
  return Object.assign(hook, { [REDACTION_HOOK_ID]: true as const });
}

/** True when `hook` is one made by {@link createRedactionHook}. */
export function isRedactionHook(hook: unknown): hook is RedactionHook {
  return typeof hook === 'function' && REDACTION_HOOK_ID in hook;
}
