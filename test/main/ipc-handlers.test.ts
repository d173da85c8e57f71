/**
 * The launcher's handler table and the argument schemas for every channel of the contract.
 */
import { describe, expect, it } from 'vitest';
import {
  invokeChannels,
  type InvokeChannel,
  type LauncherState,
} from '../../src/shared/ipc-contract';
import { idleJoinView } from '../../src/shared/join-view';
import { parseInvokeArguments } from '../../src/main/ipc/invoke-arguments';
import { IpcRefusedError } from '../../src/main/ipc/ipc-refusal';
import { createLauncherHandlers } from '../../src/main/ipc/launcher-handlers';
import { checkSender } from '../../src/main/ipc/sender-policy';
import { TokenBucket } from '../../src/main/ipc/token-bucket';
import { recordingLogger } from '../fakes/recording-logger';

function table(options: { demo?: boolean; play?: boolean; now?: () => number } = {}) {
  const calls: string[] = [];
  const rendererLog = recordingLogger();
  const state: LauncherState = { view: idleJoinView, recent: [], locale: 'ja-JP', devMode: true };
  const handlers = createLauncherHandlers({
    state: () => state,
    retry: () => calls.push('retry'),
    cancel: () => calls.push('cancel'),
    dismiss: () => calls.push('dismiss'),
    switchAccount: async () => {
      calls.push('switch');
    },
    tryDemoInvite: options.demo === false ? undefined : () => void calls.push('demo'),
    play: options.play === false ? undefined : () => void calls.push('play'),
    rendererLog,
    rendererLogBudget: new TokenBucket({
      capacity: 3,
      refillPerSecond: 1,
      now: options.now ?? (() => 0),
    }),
  });
  return { calls, rendererLog, handlers, state };
}

/** A launcher whose join actions do nothing: a base for tests of one optional service. */
function quietDeps(): Parameters<typeof createLauncherHandlers>[0] {
  return {
    state: () => ({ view: idleJoinView, recent: [], locale: 'en', devMode: false }),
    retry: () => undefined,
    cancel: () => undefined,
    dismiss: () => undefined,
    switchAccount: () => undefined,
    tryDemoInvite: undefined,
    rendererLog: recordingLogger(),
    rendererLogBudget: new TokenBucket({ capacity: 1, refillPerSecond: 1 }),
  };
}

describe('launcher handler table', () => {
  it('has a handler for every channel of the contract', () => {
    const { handlers } = table();
    expect(Object.keys(handlers).sort()).toEqual([...invokeChannels].sort());
  });

  it('routes each action to the join flow', async () => {
    const { handlers, calls, state } = table();
    expect(handlers['launcher:get-state']()).toBe(state);
    handlers['join:retry']();
    handlers['join:cancel']();
    handlers['join:dismiss']();
    await handlers['join:switch-account']();
    await handlers['dev:try-demo-invite']();
    expect(calls).toEqual(['retry', 'cancel', 'dismiss', 'switch', 'demo']);
  });

  it('routes the account channels, and refuses them while a development identity plays', async () => {
    const { handlers } = table();
    expect(() => handlers['account:sign-in']()).toThrow('rallypoint-ipc:not-available');
    const calls: string[] = [];
    const signedIn = createLauncherHandlers({
      ...quietDeps(),
      account: {
        signIn: () => void calls.push('signIn'),
        cancelSignIn: () => void calls.push('cancel'),
        switchTo: async (xuid) => {
          calls.push(`switch ${xuid}`);
          return xuid === '2535400000000202';
        },
        signOut: async () => void calls.push('signOut'),
      },
    });
    signedIn['account:sign-in']();
    signedIn['account:cancel-sign-in']();
    await signedIn['account:switch']('2535400000000202');
    // An account that is not cached is refused, so the window learns the switch did not happen.
    await expect(signedIn['account:switch']('2533274800000002')).rejects.toThrow(
      'rallypoint-ipc:not-available',
    );
    await signedIn['account:sign-out']();
    expect(calls).toEqual([
      'signIn',
      'cancel',
      'switch 2535400000000202',
      'switch 2533274800000002',
      'signOut',
    ]);
    expect(parseInvokeArguments('account:switch', ['2535400000000202']).ok).toBe(true);
    for (const bad of [[], ['x'], ['0123'], ['1'.repeat(21)], [2535400000000202], ['1', '2']]) {
      expect(parseInvokeArguments('account:switch', bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('routes the inbox channels, refuses an item not in the inbox, and checks the handle id', async () => {
    const { handlers } = table();
    expect(() => handlers['inbox:refresh']()).toThrow('rallypoint-ipc:not-available');
    const known = '4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c';
    const calls: string[] = [];
    const withInbox = createLauncherHandlers({
      ...quietDeps(),
      inbox: {
        refresh: () => void calls.push('refresh'),
        accept: (handleId) => calls.push(`accept ${handleId}`) > 0 && handleId === known,
        decline: async (handleId) => calls.push(`decline ${handleId}`) > 0 && handleId === known,
      },
    });
    withInbox['inbox:refresh']();
    await withInbox['inbox:accept'](known);
    await withInbox['inbox:decline'](known);
    const other = '00000000-1111-4222-8333-444444444444';
    await expect(withInbox['inbox:accept'](other)).rejects.toThrow('rallypoint-ipc:not-available');
    await expect(withInbox['inbox:decline'](other)).rejects.toThrow('rallypoint-ipc:not-available');
    expect(calls).toEqual([
      'refresh',
      `accept ${known}`,
      `decline ${known}`,
      `accept ${other}`,
      `decline ${other}`,
    ]);
    expect(parseInvokeArguments('inbox:accept', [known]).ok).toBe(true);
    for (const bad of [[], ['x'], [known, known], [42], [`${known}/../x`]]) {
      expect(parseInvokeArguments('inbox:accept', bad).ok, JSON.stringify(bad)).toBe(false);
      expect(parseInvokeArguments('inbox:decline', bad).ok, JSON.stringify(bad)).toBe(false);
    }
    expect(parseInvokeArguments('inbox:refresh', ['x']).ok).toBe(false);
  });

  it('routes play:start to Play, and refuses it with not-available where there is none', async () => {
    const { handlers, calls } = table();
    await handlers['play:start']();
    expect(calls).toEqual(['play']);
    expect(parseInvokeArguments('play:start', []).ok).toBe(true);
    expect(parseInvokeArguments('play:start', ['--evil']).ok).toBe(false);
    const { handlers: none } = table({ play: false });
    expect(() => none['play:start']()).toThrow('rallypoint-ipc:not-available');
  });

  it('answers the demo channel with not-available when there is no demo', () => {
    const { handlers } = table({ demo: false });
    expect(() => handlers['dev:try-demo-invite']()).toThrow('rallypoint-ipc:not-available');
  });

  it('writes renderer lines at their level, drops a flood and says how many it dropped', () => {
    let now = 0;
    const { handlers, rendererLog } = table({ now: () => now });
    for (let i = 0; i < 10; i += 1) handlers['log:write']('info', `line ${i}`);
    expect(rendererLog.lines('info')).toEqual(['line 0', 'line 1', 'line 2']);
    now = 2_000;
    handlers['log:write']('error', 'after the pause');
    expect(rendererLog.lines('warn')).toEqual(['dropped 7 renderer log line(s): too many at once']);
    expect(rendererLog.lines('error')).toEqual(['after the pause']);
  });
});

describe('renderer log lines', () => {
  it('cannot forge a second log line or hide text behind bidi controls', () => {
    const { handlers, rendererLog } = table();
    handlers['log:write']('warn', 'ok\n09:00:00.000 (join) › join: joined\r\u202egnp.exe');
    expect(rendererLog.lines('warn')).toEqual([
      'ok\\u{0a}09:00:00.000 (join) › join: joined\\u{0d}\\u{202e}gnp.exe',
    ]);
  });
});

describe('invoke argument schemas', () => {
  it('accepts exactly the contract tuple for each channel', () => {
    for (const channel of invokeChannels) {
      const valid: Partial<Record<InvokeChannel, unknown[]>> = {
        'log:write': ['warn', 'text'],
        'account:switch': ['2535400000000202'],
        'invite-dialog:send': [['2535400000000202'], ''],
        'invite-dialog:copy-link': ['8f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
        'inbox:accept': ['4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c'],
        'inbox:decline': ['4f8c1a2e-7b1d-4f6e-9a3c-2d5e8f9a0b1c'],
      };
      const args = valid[channel] ?? [];
      expect(parseInvokeArguments(channel, args).ok, channel).toBe(true);
      expect(parseInvokeArguments(channel, [...args, 1]).ok, channel).toBe(false);
    }
  });

  it('names each refused argument by position and zod issue code, at most three', () => {
    const detail = (channel: InvokeChannel, raw: unknown) => {
      const parsed = parseInvokeArguments(channel, raw as unknown[]);
      return parsed.ok ? 'accepted' : parsed.error.detail;
    };
    expect(detail('log:write', [])).toBe('0 argument(s) refused: (arguments): too_small');
    expect(detail('log:write', ['fatal', 5])).toBe(
      '2 argument(s) refused: 0: invalid_value, 1: invalid_type',
    );
    // Five arguments give four issues; the detail keeps the first three.
    expect(detail('log:write', ['fatal', 5, 6, 7, 8])).toBe(
      '5 argument(s) refused: (arguments): too_big, 0: invalid_value, 1: invalid_type',
    );
    expect(detail('join:retry', null)).toBe(
      'a non-list of arguments refused: (arguments): invalid_type',
    );
  });

  it('refuses a channel it has no schema for instead of throwing', () => {
    expect(parseInvokeArguments('launcher:nope' as InvokeChannel, [])).toEqual({
      ok: false,
      error: { code: 'bad-arguments', detail: 'no schema for channel' },
    });
  });

  it('throws refusals as an IpcRefusedError whose message is only the prefixed code', () => {
    const error = new IpcRefusedError('rate-limited');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IpcRefusedError');
    expect(error.message).toBe('rallypoint-ipc:rate-limited');
    expect(error.code).toBe('rate-limited');
  });

  it('never echoes refused values into the refusal detail', () => {
    const refused = parseInvokeArguments('log:write', ['XBL3.0 x=1;secret', 'm']);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.detail).not.toContain('secret');
  });
});

describe('sender policy', () => {
  const top = { webContentsId: 7, frameUrl: 'app://rallypoint/index.html', isTopFrame: true };

  it('accepts only the trusted webContents top frame on the app origin', () => {
    expect(checkSender(top, 7).ok).toBe(true);
    expect(checkSender(top, 8)).toEqual({
      ok: false,
      error: {
        code: 'unknown-sender',
        detail: 'webContents 7 is not the launcher window (8)',
      },
    });
    expect(checkSender(top, undefined)).toEqual({
      ok: false,
      error: {
        code: 'unknown-sender',
        detail: 'webContents 7 is not the launcher window (none)',
      },
    });
    expect(checkSender({ ...top, isTopFrame: false }, 7)).toEqual({
      ok: false,
      error: { code: 'subframe', detail: 'message from a subframe' },
    });
    expect(checkSender({ ...top, frameUrl: null }, 7)).toEqual({
      ok: false,
      error: { code: 'frame-gone', detail: 'sender frame navigated or was destroyed' },
    });
    // A subframe whose frame is gone is reported as gone: the frame check comes first.
    expect(checkSender({ ...top, frameUrl: null, isTopFrame: false }, 7)).toMatchObject({
      error: { code: 'frame-gone' },
    });
    for (const url of [
      'https://rallypoint/index.html',
      'app://rallypoint.evil/index.html',
      'app://x@rallypoint/index.html',
      'app://rallypoint:1/index.html',
      'file:///app/index.html',
      'about:blank',
      'not a url',
    ]) {
      expect(checkSender({ ...top, frameUrl: url }, 7), url).toEqual({
        ok: false,
        error: { code: 'foreign-origin', detail: 'frame is not on the app origin' },
      });
    }
  });
});

describe('TokenBucket', () => {
  it('refills over time up to its capacity', () => {
    let now = 0;
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 10, now: () => now });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
    now = 100;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
    expect(bucket.drainDropped()).toBe(3);
    expect(bucket.drainDropped()).toBe(0);
  });
});
