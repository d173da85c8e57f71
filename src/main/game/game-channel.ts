/**
 * The launcher's end of the game channel: reads the game's stdout as bounded lines, hands valid
 * messages on typed, answers every bad one with an `error` line (and a log line), and writes the
 * launcher's messages to the game's stdin. Whatever the game does — broken JSON, unknown types, a
 * 10 MB line, thousands of lines a second, never reading its stdin — costs the launcher bounded
 * memory and time, and never throws.
 */
import type { Readable, Writable } from 'node:stream';
import { TokenBucket } from '../ipc/token-bucket';
import type { Logger } from '../logging/logger';
import { BoundedLineReader } from './bounded-line-reader';
import {
  encodeLauncherMessage,
  looksLikeMessage,
  maxGameLineBytes,
  parseGameMessage,
  type ChannelProblem,
  type GameMessage,
  type LauncherMessage,
} from './game-channel-protocol';

/** Messages a game may send at once, and regains per second, before the rest are dropped. */
const defaultChannelRate = { capacity: 50, refillPerSecond: 20 } as const;

/** How often, at most, a game that floods the channel is told so. */
const floodReportIntervalMs = 1000;

/** Launcher lines a game may leave unread on its stdin before further ones are dropped (1 MiB). */
const maxUnreadBytes = 1024 * 1024;

export interface GameChannelOptions {
  readonly onMessage: (message: GameMessage) => void;
  /** stdout lines that are not messages (the game's own log). */
  readonly onOutput?: (line: string) => void;
  readonly log?: Pick<Logger, 'info' | 'warn'>;
  readonly maxLineBytes?: number;
  readonly rate?: { readonly capacity: number; readonly refillPerSecond: number };
  readonly now?: () => number;
}

export class GameChannel {
  readonly #output: Writable | undefined;
  readonly #options: GameChannelOptions;
  readonly #bucket: TokenBucket;
  readonly #now: () => number;
  /** True while messages are being dropped; when the game was last told (epoch ms). */
  #dropping = false;
  #lastFloodReport = Number.NEGATIVE_INFINITY;
  #backlogReported = false;

  constructor(
    input: Readable | undefined | null,
    output: Writable | undefined | null,
    options: GameChannelOptions,
  ) {
    this.#output = output ?? undefined;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#bucket = new TokenBucket({
      ...(options.rate ?? defaultChannelRate),
      ...(options.now ? { now: options.now } : {}),
    });
    const maxLineBytes = options.maxLineBytes ?? maxGameLineBytes;
    const reader = new BoundedLineReader(maxLineBytes, {
      line: (text) => this.#line(text),
      overflow: (bytes) =>
        this.#problem({
          code: 'line-too-long',
          message: `A line passed ${maxLineBytes} bytes (${bytes} so far); the rest of it is ignored.`,
        }),
    });
    // A game that exits mid-write (EPIPE) reports its exit instead; the error is not the channel's.
    this.#output?.on('error', () => undefined);
    input?.on('data', (chunk: Buffer | string) =>
      // Stryker disable next-line ConditionalExpression: Buffer.from of a Buffer is a copy of the same bytes
      reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
    );
    input?.on('end', () => reader.end());
    input?.on('error', () => undefined);
  }

  /** Writes one line to the game; false when it can no longer receive or has too much unread. */
  send(message: LauncherMessage): boolean {
    const output = this.#output;
    if (!output || output.destroyed || !output.writable) return false;
    if (output.writableLength > maxUnreadBytes) {
      if (!this.#backlogReported) {
        this.#backlogReported = true;
        this.#options.log?.warn(
          `game channel: the game is not reading its input (${output.writableLength} bytes unread); dropping "${message.type}"`,
        );
      }
      return false;
    }
    this.#backlogReported = false;
    output.write(encodeLauncherMessage(message));
    return true;
  }

  #line(text: string): void {
    if (!looksLikeMessage(text)) {
      this.#options.onOutput?.(text);
      return;
    }
    if (!this.#admit()) return;
    const parsed = parseGameMessage(text);
    if (!parsed.ok) {
      this.#reply(parsed.error);
      return;
    }
    this.#options.onMessage(parsed.value);
  }

  /** An over-long line counts as one message against the rate, like any other. */
  #problem(problem: ChannelProblem): void {
    if (this.#admit()) this.#reply(problem);
  }

  /**
   * Takes a token. While a flood is dropped the game hears `rate-limited` at most once a second,
   * and the log gets one line with the count once messages are accepted again.
   */
  #admit(): boolean {
    const now = this.#now();
    if (this.#bucket.take()) {
      if (this.#dropping && now - this.#lastFloodReport >= floodReportIntervalMs) {
        this.#dropping = false;
        this.#options.log?.warn(
          `game channel: ${this.#bucket.drainDropped()} message(s) dropped by the rate limit`,
        );
      }
      return true;
    }
    this.#dropping = true;
    if (now - this.#lastFloodReport >= floodReportIntervalMs) {
      this.#lastFloodReport = now;
      const { capacity, refillPerSecond } = this.#options.rate ?? defaultChannelRate;
      this.#reply({
        code: 'rate-limited',
        message: `Too many messages: at most ${capacity} at once and ${refillPerSecond} a second; further ones are dropped until the rate falls.`,
      });
    }
    return false;
  }

  #reply(problem: ChannelProblem): void {
    this.#options.log?.warn(`game channel: ${problem.code}: ${problem.message}`);
    this.send({
      type: 'error',
      code: problem.code,
      message: problem.message,
      // Stryker disable next-line ConditionalExpression: JSON.stringify leaves out an undefined `about`
      ...(problem.type === undefined ? {} : { about: problem.type }),
      // Stryker disable next-line ConditionalExpression: JSON.stringify leaves out an undefined `id`
      ...(problem.id === undefined ? {} : { id: problem.id }),
    });
  }
}
