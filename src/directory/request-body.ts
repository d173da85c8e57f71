/**
 * Reads a request body as JSON with MPSD's 64 KB cap. The cap is checked against
 * `Content-Length` before reading and again while streaming, so an oversized or endless body costs
 * at most 64 KB of memory.
 */
import type { IncomingMessage } from 'node:http';

export const maxBodyBytes = 64 * 1024;

/**
 * Deepest nesting a body may have. Without a cap a 64 KB body of nested arrays parses, is stored in
 * a custom property, and then overflows the stack every time the session is rendered.
 */
export const maxJsonDepth = 32;

export type BodyResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly reason: 'too-large' | 'invalid-json' | 'too-deep' | 'empty' | 'aborted';
    };

/** True when `value` nests objects or arrays deeper than `limit`; iterative, so it cannot overflow. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  // Two parallel stacks instead of a [value, depth] pair per object: this runs on every body.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop() as number;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

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
      // A small body arrives in one chunk; concatenating would only copy it.
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      const text = bytes.toString('utf8');
      try {
        const value = JSON.parse(text) as unknown;
        if (nestedDeeperThan(value, maxJsonDepth)) finish({ ok: false, reason: 'too-deep' });
        else finish({ ok: true, value });
      } catch {
        finish({ ok: false, reason: 'invalid-json' });
      }
    });
    request.on('error', () => finish({ ok: false, reason: 'aborted' }));
    request.on('close', () => finish({ ok: false, reason: 'aborted' }));
  });
}
