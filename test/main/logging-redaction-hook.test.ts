/**
 * The redaction hook on its own and next to other hooks: what it rewrites in a message, and that
 * only a hook it made itself counts as already installed (found by mutation testing).
 */
import log from 'electron-log/node';
import type { LogMessage } from 'electron-log';
import { describe, expect, it } from 'vitest';
import { configureLogging } from '../../src/main/logging/configure-logging';
import { REDACTED } from '../../src/main/logging/redact';
import {
  REDACTION_HOOK_ID,
  createRedactionHook,
  isRedactionHook,
} from '../../src/main/logging/redaction-hook';

const token = 'XBL3.0 x=1844674407370955;eyJ0eXAiOiJKV1Qi.payload.sig';

describe('createRedactionHook', () => {
  it('redacts every data item and keeps the rest of the message as it was', () => {
    const date = new Date(0);
    const message = {
      data: [`sent ${token}`, { authorization: token, attempt: 2 }, 7],
      date,
      level: 'info',
      scope: 'join',
      variables: { processType: 'main' },
    } as unknown as LogMessage;
    const out = createRedactionHook()(message);
    expect(out).toEqual({
      data: [`sent XBL3.0 x=${REDACTED}`, { authorization: REDACTED, attempt: 2 }, 7],
      date,
      level: 'info',
      scope: 'join',
      variables: { processType: 'main' },
    });
    expect(message.data[0]).toBe(`sent ${token}`);
  });
});

describe('isRedactionHook', () => {
  it('knows its own hooks', () => {
    expect(isRedactionHook(createRedactionHook())).toBe(true);
  });

  it('refuses other hooks, non-functions and look-alike objects', () => {
    const foreign = (message: LogMessage) => message;
    for (const value of [foreign, undefined, null, 'hook', { [REDACTION_HOOK_ID]: true }]) {
      expect(isRedactionHook(value), String(value)).toBe(false);
    }
  });

  /** A fresh electron-log with `foreign` as its first hook, configured, after logging a token. */
  function configuredAfter(logId: string, foreign: (message: LogMessage) => LogMessage) {
    const instance = log.create({ logId });
    instance.hooks.push(foreign);
    const printed: string[] = [];
    instance.transports.console.writeFn = ({ message }) => {
      printed.push(message.data.map((item: unknown) => String(item)).join(' '));
    };
    configureLogging(instance, { file: false });
    instance.scope('app').info(`token ${token}`);
    return { hooks: instance.hooks, printed: printed.join('\n') };
  }

  it.each(['', 'redaction-hook', 'some-library.hook'])(
    'is installed even when a hook there first carries another registry symbol, %j',
    (name) => {
      const foreign = Object.assign((message: LogMessage) => message, {
        [Symbol.for(name)]: true,
      });
      expect(isRedactionHook(foreign)).toBe(false);
      const { hooks, printed } = configuredAfter(`redaction-hook-marked-${name}`, foreign);
      expect(hooks.filter((hook) => isRedactionHook(hook))).toHaveLength(1);
      expect(printed).not.toContain('eyJ0eXAiOiJKV1Qi');
    },
  );

  it('is installed even when another hook was there first', () => {
    const foreign = (message: LogMessage) => message;
    const { hooks, printed } = configuredAfter('redaction-hook-foreign', foreign);
    expect(hooks.filter((hook) => isRedactionHook(hook))).toHaveLength(1);
    expect(printed).toContain(`token XBL3.0 x=${REDACTED}`);
    expect(printed).not.toContain('eyJ0eXAiOiJKV1Qi');
  });
});
