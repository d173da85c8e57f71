/**
 * How the directory names a session, on its own: routes, records, stores and subscriptions all
 * speak of sessions by reference, and none of them needs the directory's options to do so.
 */

/** An MPSD session reference: the service config (SCID), the template and the session's name. */
export interface SessionRef {
  readonly scid: string;
  readonly templateName: string;
  readonly name: string;
}
