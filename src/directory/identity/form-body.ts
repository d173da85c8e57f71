/**
 * Reads an `application/x-www-form-urlencoded` body, as OAuth's token and device endpoints and the
 * sign-in pages' forms send, with the directory's 64 KB cap.
 */
import type { IncomingMessage } from 'node:http';
import { readBodyBytes } from '../request-body';

export type FormResult =
  | { readonly ok: true; readonly form: URLSearchParams }
  | { readonly ok: false; readonly reason: 'too-large' | 'aborted' };

/** Calls `done` once with the parsed form (same cap as JSON bodies); an empty body is an empty form. */
export function readFormBody(request: IncomingMessage, done: (result: FormResult) => void): void {
  readBodyBytes(request, (bytes) =>
    done(
      typeof bytes === 'string'
        ? { ok: false, reason: bytes }
        : { ok: true, form: new URLSearchParams(bytes.toString('utf8')) },
    ),
  );
}
