/**
 * What the directory's logic answers, independent of HTTP: the server turns each variant into a
 * status line, headers and body. Keeping it a closed union means every outcome has one rendering.
 */
import type { SessionRecord } from './session-record';
import type { RenderedJson } from './session-render';

export type DirectoryAnswer =
  /** The whole session document, with `ETag` and `Content-Location`. */
  | {
      readonly kind: 'session';
      readonly status: 200 | 201 | 412;
      readonly record: SessionRecord;
      readonly document: RenderedJson;
    }
  /** No body (204, 304, 412 without a session). */
  | { readonly kind: 'empty'; readonly status: 204 | 304 | 412; readonly etag?: string }
  | {
      readonly kind: 'json';
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** An error with the text/plain message MPSD sends. */
  | {
      readonly kind: 'text';
      readonly status: number;
      readonly message: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

export const textAnswer = (status: number, message: string): DirectoryAnswer => ({
  kind: 'text',
  status,
  message,
});
