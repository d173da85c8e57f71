/**
 * The whole invoke table with every channel doing nothing, for page tests that drive the window
 * from a scripted state: each test names only the channels it cares about, and a channel added to
 * the IPC contract is added here once rather than in every test file.
 */
import { inviteDialogHandlers } from '../../src/main/ipc/invite-dialog-handlers';
import type { LauncherState } from '../../src/shared/ipc-contract';
import type { InvokeHandlers } from './test-host';

const noop = (): undefined => undefined;

/**
 * Every channel a no-op (the invite dialog's refuse `not-available`, as main's do without a
 * dialog), `launcher:get-state` answering `state()`, then `overrides` on top.
 */
export function idleHandlers(
  state: () => LauncherState,
  overrides: Partial<InvokeHandlers> = {},
): InvokeHandlers {
  return {
    'launcher:get-state': state,
    'join:retry': noop,
    'join:cancel': noop,
    'join:dismiss': noop,
    'join:switch-account': noop,
    'dev:try-demo-invite': noop,
    'log:write': noop,
    'account:sign-in': noop,
    'account:cancel-sign-in': noop,
    'account:switch': noop,
    'account:sign-out': noop,
    'inbox:refresh': noop,
    'inbox:accept': noop,
    'inbox:decline': noop,
    'play:start': noop,
    ...inviteDialogHandlers(undefined),
    ...overrides,
  };
}
