/**
 * Splits a game's output into lines without ever holding more than `maxLineBytes` of one line:
 * a game that prints 10 MB without a newline costs the launcher one cap's worth of memory, and the
 * rest of that line is counted and dropped as it arrives. Node's readline would buffer it whole.
 */
import { StringDecoder } from 'node:string_decoder';

export interface BoundedLineHandlers {
  /** A complete line (without its `\n` or `\r\n`), at most `maxLineBytes` bytes. */
  readonly line: (text: string) => void;
  /** A line went past the cap; called once per such line, as soon as it does. */
  readonly overflow: (bytesSoFar: number) => void;
}

/** Feeds chunks in, gets bounded lines out. */
export class BoundedLineReader {
  readonly #max: number;
  readonly #handlers: BoundedLineHandlers;
  #parts: Buffer[] = [];
  #length = 0;
  /** True while the rest of an over-long line is being skipped. */
  #skipping = false;

  constructor(maxLineBytes: number, handlers: BoundedLineHandlers) {
    this.#max = maxLineBytes;
    this.#handlers = handlers;
  }

  /** One chunk of output, of any size. */
  push(chunk: Buffer): void {
    let start = 0;
    // Stryker disable next-line EqualityOperator: at the chunk's end no newline is found and the empty rest is skipped
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline < 0 ? chunk.length : newline;
      if (!this.#skipping) this.#keep(chunk.subarray(start, end));
      if (newline < 0) return;
      this.#endLine();
      start = newline + 1;
    }
  }

  /** The output ended: a last line without a newline still counts. */
  end(): void {
    if (this.#length > 0 && !this.#skipping) this.#endLine();
    // Stryker disable next-line ArrayDeclaration: nothing is pushed after end() (a stream sends no data after its end)
    this.#parts = [];
    this.#length = 0;
  }

  #keep(piece: Buffer): void {
    // Stryker disable next-line ConditionalExpression: a fast path; keeping an empty piece adds nothing to the line
    if (piece.length === 0) return;
    if (this.#length + piece.length > this.#max) {
      this.#skipping = true;
      const seen = this.#length + piece.length;
      this.#parts = [];
      this.#length = 0;
      this.#handlers.overflow(seen);
      return;
    }
    this.#parts.push(piece);
    this.#length += piece.length;
  }

  #endLine(): void {
    if (this.#skipping) {
      this.#skipping = false;
      return;
    }
    // Stryker disable next-line ConditionalExpression: a fast path; concat of one part gives the same bytes
    const bytes = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts);
    this.#parts = [];
    this.#length = 0;
    // Stryker disable next-line StringLiteral: StringDecoder('') decodes UTF-8 too (its default)
    let text = new StringDecoder('utf8').end(bytes ?? Buffer.alloc(0));
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.#handlers.line(text);
  }
}
