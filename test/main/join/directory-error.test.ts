/**
 * The mapping from directory answers and transport failures to the codes a player sees, as pure
 * functions: every status class, the full/closed split of a 403, which failures are retryable and
 * which writes may have been committed, and the credential-free excerpts in messages.
 */
import { describe, expect, it } from 'vitest';
import {
  classifyStatus,
  classifyTransportError,
  directoryError,
  excerpt,
} from '../../../src/main/join/directory-error';

const answer = (status: number, text = '', extra: Record<string, unknown> = {}) => ({
  status,
  text,
  write: false,
  ...extra,
});
const live = new AbortController().signal;

describe('classifyStatus', () => {
  it('maps each status to the code a player can act on, and says whether to try again', () => {
    const cases: [number, string, string, boolean][] = [
      [404, '', 'invite-expired', false],
      [410, '', 'invite-expired', false],
      [403, 'closed', 'not-allowed', false],
      [401, '', 'unauthorized', false],
      [409, '', 'conflict', false],
      [412, '', 'conflict', false],
      [429, '', 'rate-limited', true],
      [400, 'Handle not found', 'invite-expired', false],
      [400, 'bad body', 'directory-unavailable', false],
      [503, 'handle store down', 'directory-unavailable', true],
      [408, '', 'directory-unavailable', true],
      [500, '', 'directory-unavailable', true],
      [503, '', 'directory-unavailable', true],
      [501, '', 'directory-unavailable', false],
      [302, '', 'directory-unavailable', false],
      [418, '', 'directory-unavailable', false],
    ];
    for (const [status, text, code, retryable] of cases) {
      expect(classifyStatus(answer(status, text)), `${status} ${text}`).toMatchObject({
        code,
        status,
        retryable,
      });
    }
  });

  it('tells a full session from a closed one on 403', () => {
    expect(classifyStatus(answer(403, '', { sessionFull: true })).code).toBe('session-full');
    expect(classifyStatus(answer(403, 'The session is FULL.')).code).toBe('session-full');
    expect(classifyStatus(answer(403, 'fullscreen is not a reason')).code).toBe('not-allowed');
    expect(classifyStatus(answer(403, 'full', { sessionFull: false })).code).toBe('session-full');
  });

  it('keeps Retry-After for throttling and outages only', () => {
    expect(classifyStatus(answer(429, '', { retryAfterMs: 2000 })).retryAfterMs).toBe(2000);
    expect(classifyStatus(answer(503, '', { retryAfterMs: 3000 })).retryAfterMs).toBe(3000);
    expect(classifyStatus(answer(404, '', { retryAfterMs: 3000 }))).not.toHaveProperty(
      'retryAfterMs',
    );
    expect(classifyStatus(answer(500))).not.toHaveProperty('retryAfterMs');
  });

  it('counts a write as maybe committed only when the server failed after receiving it', () => {
    expect(classifyStatus(answer(500, '', { write: true })).ambiguous).toBe(true);
    expect(classifyStatus(answer(500, '', { write: false })).ambiguous).toBe(false);
    expect(classifyStatus(answer(408, '', { write: true })).ambiguous).toBe(false);
    expect(classifyStatus(answer(403, '', { write: true })).ambiguous).toBe(false);
  });

  it('writes the status and a short excerpt of the body into the message', () => {
    expect(classifyStatus(answer(404)).message).toBe('directory answered 404');
    expect(classifyStatus(answer(404, '  no\nsuch   session ')).message).toBe(
      'directory answered 404: no such session',
    );
    expect(classifyStatus(answer(418, 'teapot')).message).toBe(
      'unexpected answer: directory answered 418: teapot',
    );
  });
});

describe('excerpt', () => {
  it('cuts credentials the directory echoed back', () => {
    const text = 'denied for XBL3.0 x=123;eyJhbGc.payload.sig and Bearer abc.def here';
    expect(excerpt(text)).toBe('denied for [redacted] and [redacted] here');
    expect(excerpt('bearer  secret-token')).toBe('[redacted]');
    // However the scheme and `x=` are spaced: a tab, or two spaces.
    expect(excerpt('got XBL3.0\tx=1;eyJ.a.b and xbl3.0  x=2;eyJ.c.d')).toBe(
      'got [redacted] and [redacted]',
    );
  });

  it('keeps one line of at most the limit, marking a cut', () => {
    expect(excerpt('a'.repeat(200))).toBe('a'.repeat(200));
    expect(excerpt('a'.repeat(201))).toBe(`${'a'.repeat(200)}…`);
    expect(excerpt('abcdef', 3)).toBe('abc…');
    expect(excerpt('\t one\r\ntwo \n')).toBe('one two');
  });
});

describe('classifyTransportError', () => {
  const context = { write: true, callerSignal: live, timedOut: false };

  it('says cancelled whenever the caller gave up, whatever the error', () => {
    const controller = new AbortController();
    controller.abort();
    const error = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
    expect(
      classifyTransportError(error, {
        ...context,
        callerSignal: controller.signal,
        timedOut: true,
      }),
    ).toStrictEqual({
      code: 'cancelled',
      message: 'request aborted by the caller',
      retryable: false,
      ambiguous: false,
    });
  });

  it('counts a timed-out write as maybe committed, a timed-out read as not', () => {
    for (const [error, timedOut] of [
      [new Error('slow'), true],
      [Object.assign(new Error('slow'), { code: 'ETIMEDOUT' }), false],
    ] as const) {
      expect(classifyTransportError(error, { ...context, timedOut })).toEqual({
        code: 'directory-unavailable',
        message: 'no answer within the attempt timeout',
        retryable: true,
        ambiguous: true,
      });
      expect(classifyTransportError(error, { ...context, write: false, timedOut }).ambiguous).toBe(
        false,
      );
    }
  });

  it('knows which network errors happen before anything was sent', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']) {
      const error = Object.assign(new Error(`connect ${code}`), { code });
      expect(classifyTransportError(error, context), code).toMatchObject({
        code: 'directory-unavailable',
        retryable: true,
        ambiguous: false,
        message: `network error ${code}: connect ${code}`,
      });
    }
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyTransportError(reset, context).ambiguous).toBe(true);
    expect(classifyTransportError(reset, { ...context, write: false }).ambiguous).toBe(false);
  });

  it('copes with errors that are not Errors or carry no usable code', () => {
    expect(classifyTransportError('boom Bearer abc123', context)).toMatchObject({
      message: 'network error : boom [redacted]',
      ambiguous: true,
    });
    expect(classifyTransportError({ code: 42 }, context).message).toBe(
      'network error : [object Object]',
    );
    expect(classifyTransportError(null, context).message).toBe('network error : null');
    expect(classifyTransportError({ code: 'ECONNREFUSED' }, context).ambiguous).toBe(false);
  });
});

describe('directoryError', () => {
  it('fills retryable from the code and status unless told', () => {
    expect(directoryError('rate-limited', 'x').retryable).toBe(true);
    expect(directoryError('directory-unavailable', 'x').retryable).toBe(true);
    expect(directoryError('directory-unavailable', 'x', { status: 502 }).retryable).toBe(true);
    expect(directoryError('directory-unavailable', 'x', { status: 501 }).retryable).toBe(false);
    expect(directoryError('conflict', 'x').retryable).toBe(false);
    expect(directoryError('conflict', 'x', { retryable: true }).retryable).toBe(true);
    expect(directoryError('rate-limited', 'x', { retryable: false }).retryable).toBe(false);
  });

  it('carries only the details it was given', () => {
    expect(directoryError('conflict', 'm')).toStrictEqual({
      code: 'conflict',
      message: 'm',
      retryable: false,
      ambiguous: false,
    });
    expect(
      directoryError('directory-unavailable', 'm', {
        status: 503,
        retryAfterMs: 10,
        ambiguous: true,
      }),
    ).toEqual({
      code: 'directory-unavailable',
      message: 'm',
      retryable: true,
      ambiguous: true,
      status: 503,
      retryAfterMs: 10,
    });
  });
});
