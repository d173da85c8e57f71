/**
 * A secret value (access, refresh, user and XSTS tokens, authorization codes, PKCE verifiers) that
 * cannot leak by accident: `String()`, template literals, `util.inspect` (so `console.log` and
 * electron-log) and `JSON.stringify` all print `[redacted]`. Only `reveal()` gives the value, and
 * only the code that puts it on the wire or into the encrypted cache calls it.
 */
import { REDACTED } from '../logging/redact';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the HTTP request or cache write that needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspectSymbol](): string {
    return REDACTED;
  }
}
