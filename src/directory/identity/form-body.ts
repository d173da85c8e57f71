/**
 * Reads an `application/x-www-form-urlencoded` body, as OAuth's token and device endpoints and the
 * sign-in pages' forms send, with the directory's 64 KB cap.
 */
import type { IncomingMessage } from 'node:http';
import { maxBodyBytes } from '../request-body';

export type FormResult =
  | { readonly ok: true; readonly form: URLSearchParams }
  | { readonly ok: false; readonly reason: 'too-large' | 'aborted' };

/** Calls `done` once with the parsed form; an empty body is an empty form. */
export function readFormBody(request: IncomingMessage, done: (result: FormResult) => void): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    done({ ok: false, reason: 'too-large' });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const finish = (result: FormResult) => {
    if (settled) return;
    settled = true;
    done(result);
  };
  request.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > maxBodyBytes) return finish({ ok: false, reason: 'too-large' });
    chunks.push(chunk);
  });
  request.on('end', () =>
    finish({ ok: true, form: new URLSearchParams(Buffer.concat(chunks, size).toString('utf8')) }),
  );
  request.on('close', () => finish({ ok: false, reason: 'aborted' }));
}
