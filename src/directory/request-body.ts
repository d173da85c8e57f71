/**
 * Reads a request body as JSON with MPSD's 64 KB cap. The cap is checked against
 * `Content-Length` before reading and again while streaming, so an oversized or endless body costs
 * at most 64 KB of memory.
 */
import type { IncomingMessage } from 'node:http';

export const maxBodyBytes = 64 * 1024;

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: 'too-large' | 'invalid-json' | 'empty' | 'aborted' };

/** Resolves once the body is read, too large, or cut off; never rejects. */
export function readJsonBody(request: IncomingMessage): Promise<BodyResult> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    return Promise.resolve({ ok: false, reason: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (size === 0) return finish({ ok: false, reason: 'empty' });
      const text = Buffer.concat(chunks, size).toString('utf8');
      try {
        finish({ ok: true, value: JSON.parse(text) as unknown });
      } catch {
        finish({ ok: false, reason: 'invalid-json' });
      }
    });
    request.on('error', () => finish({ ok: false, reason: 'aborted' }));
    request.on('close', () => finish({ ok: false, reason: 'aborted' }));
  });
}
