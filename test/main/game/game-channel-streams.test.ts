/**
 * The launcher's end of the game channel on in-memory streams and a hand-set clock: which lines
 * reach the launcher, what the game hears back for each bad one, the rate limit and its reports,
 * and a game that never reads its input. game-channel.test.ts shows the same with the demo game.
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GameChannel } from '../../../src/main/game/game-channel';
import type { GameMessage } from '../../../src/main/game/game-channel-protocol';
import { recordingLogger } from '../../fakes/recording-logger';

/** A channel on two PassThroughs; `heard` is what the game read on its stdin, line by line. */
function channel(
  options: { rate?: { capacity: number; refillPerSecond: number }; maxLineBytes?: number } = {},
) {
  const game = new PassThrough();
  const stdin = new PassThrough();
  const messages: GameMessage[] = [];
  const output: string[] = [];
  const log = recordingLogger();
  const clock = { now: 1_000_000 };
  const opened = new GameChannel(game, stdin, {
    onMessage: (message) => messages.push(message),
    onOutput: (line) => output.push(line),
    log,
    now: () => clock.now,
    ...options,
  });
  const heard = (): Record<string, unknown>[] => {
    const text = (stdin.read() as Buffer | null)?.toString('utf8') ?? '';
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  return { game, stdin, messages, output, log, clock, opened, heard };
}

describe('GameChannel', () => {
  it('hands messages on typed, game log lines to onOutput, and answers a bad line with an error', () => {
    const { game, messages, output, heard, log } = channel();
    game.write('{"type":"left","id":"a"}\nloading…\n');
    game.write(Buffer.from('{"type":"dance","id":"b"}\n{"type":5}\n'));
    expect(messages).toEqual([{ type: 'left', id: 'a' }]);
    expect(output).toEqual(['loading…']);
    expect(heard()).toEqual([
      {
        v: 1,
        type: 'error',
        code: 'unknown-type',
        message: expect.stringContaining('Unknown message type "dance"'),
        about: 'dance',
        id: 'b',
      },
      { v: 1, type: 'error', code: 'unknown-type', message: 'The message has no "type".' },
    ]);
    expect(log.lines('warn')).toEqual([
      expect.stringMatching(/^game channel: unknown-type: Unknown message type "dance"/),
      'game channel: unknown-type: The message has no "type".',
    ]);
  });

  it('a last line without a newline is read when the game ends its output', () => {
    const { game, messages } = channel();
    game.end('{"type":"left"}');
    return new Promise<void>((resolve) => {
      game.on('end', () => {
        expect(messages).toEqual([{ type: 'left' }]);
        resolve();
      });
      game.resume();
    });
  });

  it('an over-long line is answered line-too-long once, with the cap and the bytes so far', () => {
    const { game, messages, heard } = channel({ maxLineBytes: 16 });
    game.write(`{"type":"left",${'x'.repeat(20)}\n{"type":"left"}\n`);
    expect(heard()).toEqual([
      {
        v: 1,
        type: 'error',
        code: 'line-too-long',
        message: 'A line passed 16 bytes (35 so far); the rest of it is ignored.',
      },
    ]);
    expect(messages).toEqual([{ type: 'left' }]);
  });

  it('a flood: rate-limited at most once a second, the rest dropped, then one log line with the count', () => {
    const { game, messages, heard, clock, log } = channel({
      rate: { capacity: 2, refillPerSecond: 1 },
    });
    const left = '{"type":"left"}\n';
    game.write(left.repeat(5));
    expect(messages).toHaveLength(2);
    expect(heard()).toEqual([
      {
        v: 1,
        type: 'error',
        code: 'rate-limited',
        message:
          'Too many messages: at most 2 at once and 1 a second; further ones are dropped until the rate falls.',
      },
    ]);
    // Half a second on: no token yet, and no second report within the second.
    clock.now += 500;
    game.write(left);
    expect(messages).toHaveLength(2);
    expect(heard()).toEqual([]);
    // A second after the report: one token back, and the drop count is logged once.
    clock.now += 500;
    game.write(left);
    expect(messages).toHaveLength(3);
    expect(log.lines('warn')).toContain('game channel: 4 message(s) dropped by the rate limit');
    // The next over-rate message is reported again (a second has passed since the last report).
    game.write(left);
    expect(heard()).toMatchObject([{ code: 'rate-limited' }]);
    expect(messages).toHaveLength(3);
  });

  it('the drop count waits until a second after the last report, even if a token comes back sooner', () => {
    const { game, messages, clock, log } = channel({ rate: { capacity: 1, refillPerSecond: 4 } });
    const left = '{"type":"left"}\n';
    game.write(left.repeat(2));
    clock.now += 250;
    game.write(left);
    expect(messages).toHaveLength(2);
    expect(log.lines('warn').filter((line) => line.includes('dropped by'))).toEqual([]);
    clock.now += 750;
    game.write(left);
    expect(messages).toHaveLength(3);
    expect(log.lines('warn')).toContain('game channel: 1 message(s) dropped by the rate limit');
  });

  it('the default rate admits a burst of 50', () => {
    const { game, messages, heard } = channel();
    game.write('{"type":"left"}\n'.repeat(51));
    expect(messages).toHaveLength(50);
    expect(heard()).toMatchObject([
      {
        code: 'rate-limited',
        message: expect.stringContaining('at most 50 at once and 20 a second'),
      },
    ]);
  });

  it('an over-long line counts against the rate like any other', () => {
    const { game, heard } = channel({ rate: { capacity: 1, refillPerSecond: 1 }, maxLineBytes: 4 });
    game.write('{"type"\n{"type"\n');
    expect(heard()).toMatchObject([{ code: 'line-too-long' }, { code: 'rate-limited' }]);
  });

  it('send: writes the line, and refuses once the game has stopped reading 1 MiB, warning once', () => {
    const stuck = new Writable({ highWaterMark: 16, write: () => undefined });
    const log = recordingLogger();
    const opened = new GameChannel(undefined, stuck, { onMessage: () => undefined, log });
    const big = 'x'.repeat(600 * 1024);
    const members = { type: 'members', sessionRef: big, members: [] } as const;
    expect(opened.send(members)).toBe(true);
    expect(opened.send(members)).toBe(true);
    expect(stuck.writableLength).toBeGreaterThan(1024 * 1024);
    expect(opened.send({ type: 'quit' })).toBe(false);
    expect(opened.send({ type: 'quit' })).toBe(false);
    expect(log.lines('warn')).toEqual([
      `game channel: the game is not reading its input (${stuck.writableLength} bytes unread); dropping "quit"`,
    ]);
  });

  it('send: exactly 1 MiB unread still takes a line', () => {
    const stuck = new Writable({ highWaterMark: 16, write: () => undefined });
    const opened = new GameChannel(undefined, stuck, { onMessage: () => undefined });
    stuck.write(Buffer.alloc(1024 * 1024));
    expect(opened.send({ type: 'quit' })).toBe(true);
    expect(opened.send({ type: 'quit' })).toBe(false);
  });

  it('send: the backlog warning comes again after the game read its input', () => {
    const pending: (() => void)[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write: (_chunk, _encoding, done) => pending.push(done),
    });
    const log = recordingLogger();
    const opened = new GameChannel(undefined, slow, { onMessage: () => undefined, log });
    slow.write(Buffer.alloc(1024 * 1024 + 1));
    expect(opened.send({ type: 'quit' })).toBe(false);
    pending.splice(0).forEach((done) => done());
    expect(slow.writableLength).toBe(0);
    expect(opened.send({ type: 'quit' })).toBe(true);
    slow.write(Buffer.alloc(1024 * 1024 + 1));
    expect(opened.send({ type: 'quit' })).toBe(false);
    expect(log.lines('warn')).toHaveLength(2);
  });

  it('send: false with no stdin, or one that ended or was destroyed', () => {
    const none = new GameChannel(undefined, null, { onMessage: () => undefined });
    expect(none.send({ type: 'quit' })).toBe(false);
    const ended = new PassThrough();
    ended.end();
    expect(
      new GameChannel(undefined, ended, { onMessage: () => undefined }).send({ type: 'quit' }),
    ).toBe(false);
    const destroyed = new PassThrough();
    const onDestroyed = new GameChannel(undefined, destroyed, { onMessage: () => undefined });
    destroyed.destroy();
    expect(onDestroyed.send({ type: 'quit' })).toBe(false);
  });

  it('an error on either stream does not throw', () => {
    const game = new PassThrough();
    const stdin = new PassThrough();
    new GameChannel(game, stdin, { onMessage: () => undefined });
    expect(() => {
      game.emit('error', new Error('EIO'));
      stdin.emit('error', new Error('EPIPE'));
    }).not.toThrow();
  });

  it('reads text chunks as well as bytes (a stdout with an encoding set)', () => {
    const { game, messages, output } = channel();
    game.setEncoding('utf8');
    game.write('{"type":"left"}\nhello\n');
    expect(messages).toEqual([{ type: 'left' }]);
    expect(output).toEqual(['hello']);
  });

  it('without onOutput or a log, game log lines, bad lines and a flood throw nothing', () => {
    const game = new PassThrough();
    const messages: GameMessage[] = [];
    new GameChannel(game, new PassThrough(), {
      onMessage: (message) => messages.push(message),
      rate: { capacity: 1, refillPerSecond: 1 },
    });
    expect(() => game.write('loading\n{"type":"dance"}\n{"type":"left"}\n')).not.toThrow();
    expect(messages).toEqual([]);
  });

  it('without a log, a flood that is over lets messages through again and throws nothing', () => {
    const game = new PassThrough();
    const messages: GameMessage[] = [];
    const clock = { now: 0 };
    new GameChannel(game, new PassThrough(), {
      onMessage: (message) => messages.push(message),
      rate: { capacity: 1, refillPerSecond: 1 },
      now: () => clock.now,
    });
    game.write('{"type":"left"}\n{"type":"left"}\n');
    clock.now += 1000;
    expect(() => game.write('{"type":"left"}\n')).not.toThrow();
    expect(messages).toHaveLength(2);
  });

  it('after a flood is over, the drop count is logged once, not again', () => {
    const { game, clock, log } = channel({ rate: { capacity: 1, refillPerSecond: 1 } });
    const left = '{"type":"left"}\n';
    game.write(left.repeat(2));
    clock.now += 1000;
    game.write(left);
    clock.now += 1000;
    game.write(left);
    expect(log.lines('warn').filter((line) => line.includes('dropped by'))).toEqual([
      'game channel: 1 message(s) dropped by the rate limit',
    ]);
  });
});
