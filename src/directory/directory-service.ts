/**
 * The directory's behaviour, free of HTTP: handles, sessions and dev tokens, each call taking an
 * already authenticated caller and already parsed input and returning a `DirectoryAnswer`. The HTTP
 * server and the demo seed both go through here, so the seed builds its session exactly as a client
 * would.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { andThen, type Awaitable } from './awaitable';
import type { Clock } from './clock';
import type { SessionRef } from './session-ref';
import type { CallerIdentity, DevTokenRegistry } from './dev-tokens';
import { textAnswer, type DirectoryAnswer } from './directory-answer';
import {
  guidPattern,
  parseDevTokenRequest,
  parseHandleQuery,
  parseHandleRequest,
  parseSessionDelta,
  type SessionDelta,
} from './request-schemas';
import { isoTime } from './iso-time';
import { checkRead, restrictionOf, type SessionAccess } from './session-access';
import { sessionKey, type SessionRecord } from './session-record';
import { SessionRenderer } from './session-render';
import type { HandleQuery, HandleRecord, Mutation, SessionStore } from './session-store';
import type { SessionTemplate, SessionTemplates } from './session-templates';
import { applyTimers } from './session-timers';
import { etagMatches, writeSession, type WriteOutcome } from './session-write';

export interface DirectoryServiceDeps {
  readonly store: SessionStore;
  readonly templates: SessionTemplates;
  readonly tokens: DevTokenRegistry;
  readonly clock: Clock;
  readonly handleLifetimeMs: number;
  readonly defaultTitleId: string;
  /** Answer 404 for template names the templates file does not declare (MPSD's behaviour). */
  readonly strictTemplates?: boolean;
  /** Where the directory's decisions are reported (one line each, no tokens). */
  readonly log?: (message: string) => void;
}

/** An invite handle with the session it points to, for the web invite page. */
export interface InvitePageFacts {
  readonly handle: HandleRecord;
  readonly session: SessionRecord;
}

/** Most results one `POST /handles/query` answers, as MPSD. */
const maxQueryResults = 100;

/** Most handles one query looks at (expired ones and unreadable sessions are skipped). */
const maxQueryScan = 1000;

/** How many distinct callers the "members.me names another XUID" notice is logged for. */
const maxLoggedClaims = 1000;

/** Preconditions and flags a session PUT may carry. */
export interface WriteOptions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  /** `?nocommit=true`: answer the merged session without storing it. */
  readonly noCommit?: boolean;
}

/** How often expired handles and sessions are swept (see `sweepIfDue`). */
export const sweepIntervalMs = 60_000;

const sessionNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

const badHandleMessage =
  'The request URI contains an invalid handle ID. It may contain invalid characters or be all zeroes.';

/** Validates a handle ID from a URL: a GUID, not all zeroes; lower-cased. */
function parseHandleId(raw: string): string | undefined {
  if (!guidPattern.test(raw) || /^[0-]+$/.test(raw)) return undefined;
  return raw.toLowerCase();
}

function invalidBody(error: z.ZodError): DirectoryAnswer {
  return textAnswer(400, `The request body is invalid: ${z.prettifyError(error)}`);
}

function renderHandle(handle: HandleRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: handle.id,
    type: handle.type,
    version: handle.version,
    sessionRef: handle.sessionRef,
  };
  if (handle.type === 'invite') {
    body.invitedXuid = handle.invitedXuid;
    body.senderXuid = handle.senderXuid;
    body.inviteAttributes = handle.inviteAttributes;
  } else if (handle.type === 'activity') {
    body.ownerXuid = handle.ownerXuid;
    body.titleId = handle.titleId;
  } else {
    body.originSessionRef = handle.originSessionRef;
  }
  body.expiration = new Date(handle.expiresAt).toISOString();
  return body;
}

/**
 * What a handle query tells about the handle's session (`relatedInfo`): the fields XSAPI reads
 * (visibility, joinRestriction, closed, maxMembersCount, membersCount) and the host's gamertag,
 * invite protocol and when the handle was posted.
 */
function relatedInfo(session: SessionRecord, handle: HandleRecord): Record<string, unknown> {
  const info: Record<string, unknown> = {
    visibility: session.constantsSystem.visibility ?? 'open',
    joinRestriction: restrictionOf(session, 'joinRestriction'),
    closed: session.propertiesSystem.closed === true,
    maxMembersCount: session.constantsSystem.maxMembersCount,
    membersCount: session.members.length,
  };
  const host = session.propertiesSystem.host;
  if (typeof host === 'string') {
    const hostMember = session.members.find(
      (member) => member.deviceToken?.toLowerCase() === host.toLowerCase(),
    );
    if (hostMember !== undefined) info.hostGamertag = hostMember.gamertag;
  }
  const inviteProtocol = session.constantsSystem.inviteProtocol;
  if (typeof inviteProtocol === 'string') info.inviteProtocol = inviteProtocol;
  info.postedTime = isoTime(handle.createdAt);
  return info;
}

/** A handle from a URL, found and not expired, or the answer saying why not. */
type LoadedHandle = { ok: true; handle: HandleRecord } | { ok: false; answer: DirectoryAnswer };

/** One instance per directory; all state lives in the injected store and token registry. */
export class DirectoryService {
  readonly #deps: DirectoryServiceDeps;
  /** The rendered pieces of each session, so a write re-renders only what it changed. */
  readonly #renderer = new SessionRenderer();
  #nextSweepAt = 0;
  #sweeping = false;
  /** Callers already reported for naming another XUID in `members.me`. */
  readonly #claimsLogged = new Set<string>();

  constructor(deps: DirectoryServiceDeps) {
    this.#deps = deps;
  }

  #log(message: string): void {
    this.#deps.log?.(message);
  }

  /**
   * Removes expired handles and applies the timers of every session (or, where the store indexes
   * them, of the sessions whose next timer is due), at most once per `sweepIntervalMs`.
   * Timers stay lazy per session (as MPSD), but sessions nobody reads again would otherwise stay in
   * memory for as long as the directory runs. Requests trigger it; there is no background timer.
   */
  async sweepIfDue(): Promise<void> {
    const now = this.#deps.clock.now();
    if (!this.sweepDue(now)) return;
    this.#sweeping = true;
    this.#nextSweepAt = now + sweepIntervalMs;
    try {
      const store = this.#deps.store;
      await store.deleteExpiredHandles(now);
      // A store that indexes each session's next timer gives only the sessions due now.
      const keys = store.dueSessionKeys
        ? await store.dueSessionKeys(now)
        : await store.listSessionKeys();
      for (const [position, key] of keys.entries()) {
        const kept = await this.#deps.store.update(key, (current): Mutation<boolean> => {
          if (!current) return { action: 'keep', result: false };
          const timers = applyTimers(current, now);
          if (timers.kind === 'deleted') return { action: 'delete', result: false };
          if (timers.kind === 'changed')
            return { action: 'store', record: timers.record, result: true };
          return { action: 'keep', result: true };
        });
        if (!kept) this.#renderer.forget(key);
        // Let requests in between batches of a large sweep.
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: where the sweep yields to other requests changes none of its results
        if (position % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
      }
      // Sessions a shared store deleted by itself leave nothing behind in this process either. (One
      // created during the sweep loses its pieces too, which costs it one full rendering.)
      const live = store.existingSessionKeys
        ? await store.existingSessionKeys(this.#renderer.keys())
        : keys;
      this.#renderer.retainOnly(new Set(live));
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * Whether `sweepIfDue` would sweep now. Lets the request path skip the call (and the promise it
   * allocates) on the 59.9 seconds of every minute when there is nothing to do.
   */
  sweepDue(now: number = this.#deps.clock.now()): boolean {
    return !this.#sweeping && now >= this.#nextSweepAt;
  }

  /** How many sessions the renderer keeps rendered pieces of, for `/statsz`. */
  get renderedSessions(): number {
    return this.#renderer.size;
  }

  /** `POST /dev/tokens`. */
  issueToken(body: unknown): DirectoryAnswer {
    const parsed = parseDevTokenRequest(body);
    if (!parsed.success) return invalidBody(parsed.error);
    const issued = this.#deps.tokens.issue({
      ...parsed.data,
      titleId: parsed.data.titleId ?? this.#deps.defaultTitleId,
    });
    return { kind: 'json', status: 201, body: issued };
  }

  /** Resolves a session reference to its template; 404 as MPSD for unknown configs. */
  resolveRef(
    ref: SessionRef,
  ):
    | { ok: true; ref: SessionRef; template: SessionTemplate }
    | { ok: false; answer: DirectoryAnswer } {
    if (!guidPattern.test(ref.scid)) {
      return {
        ok: false,
        answer: textAnswer(
          404,
          'The requested service config is either invalid or not configured for sessions.',
        ),
      };
    }
    const template = this.#deps.strictTemplates
      ? this.#deps.templates.get(ref.templateName)
      : this.#deps.templates.getOrAdopt(ref.templateName, (message) => this.#log(message));
    if (!template) {
      return {
        ok: false,
        answer: textAnswer(
          404,
          `The session template ${ref.templateName} does not exist in this service config.`,
        ),
      };
    }
    if (!sessionNamePattern.test(ref.name)) {
      return {
        ok: false,
        answer: textAnswer(400, 'Session names are 1 to 100 letters, digits, "_", "-" or ".".'),
      };
    }
    return {
      ok: true,
      template,
      ref: { scid: ref.scid.toLowerCase(), templateName: template.name, name: ref.name },
    };
  }

  /** Reads a session after applying its lazy timers (and storing what they changed). */
  #readSession(ref: SessionRef, key = sessionKey(ref)): Awaitable<SessionRecord | undefined> {
    const now = this.#deps.clock.now();
    const read = this.#deps.store.update(key, (current): Mutation<SessionRecord | undefined> => {
      if (!current) return { action: 'keep', result: undefined };
      const timers = applyTimers(current, now);
      if (timers.kind === 'deleted') return { action: 'delete', result: undefined };
      if (timers.kind === 'changed')
        return { action: 'store', record: timers.record, result: timers.record };
      return { action: 'keep', result: current };
    });
    return andThen(read, (record) => {
      if (!record) this.#renderer.forget(key);
      return record;
    });
  }

  /** The answer carrying a session's whole document. */
  #sessionAnswer(status: 200 | 201 | 412, key: string, record: SessionRecord): DirectoryAnswer {
    return { kind: 'session', status, record, document: this.#renderer.render(key, record) };
  }

  #loadHandle(rawId: string): Awaitable<LoadedHandle> {
    const id = parseHandleId(rawId);
    if (id === undefined) return { ok: false, answer: textAnswer(400, badHandleMessage) };
    return andThen(this.#deps.store.getHandle(id), (handle): Awaitable<LoadedHandle> => {
      if (!handle)
        return {
          ok: false,
          answer: textAnswer(
            404,
            'The handle was not found: it never existed, was deleted, or has expired.',
          ),
        };
      if (this.#deps.clock.now() >= handle.expiresAt) {
        return andThen(this.#deps.store.deleteHandle(id), () => ({
          ok: false,
          answer: textAnswer(404, 'The handle was not found: it has expired.'),
        }));
      }
      return { ok: true, handle };
    });
  }

  /** `POST /handles`. */
  async createHandle(caller: CallerIdentity, body: unknown): Promise<DirectoryAnswer> {
    const parsed = parseHandleRequest(body);
    if (!parsed.success) return invalidBody(parsed.error);
    const request = parsed.data;
    const resolved = this.resolveRef(request.sessionRef);
    if (!resolved.ok) return resolved.answer;
    const now = this.#deps.clock.now();
    const base = {
      id: randomUUID(),
      version: 1 as const,
      sessionRef: resolved.ref,
      createdAt: now,
      expiresAt: now + this.#deps.handleLifetimeMs,
    };
    let handle: HandleRecord;
    if (request.type === 'transfer') {
      const origin = this.resolveRef(request.originSessionRef);
      if (!origin.ok) return origin.answer;
      const [target, lobby] = await Promise.all([
        this.#readSession(resolved.ref),
        this.#readSession(origin.ref),
      ]);
      if (!target) {
        return textAnswer(403, 'A transfer handle needs an existing target session.');
      }
      if (!lobby?.members.some((member) => member.xuid === caller.xuid && !member.reserved)) {
        return textAnswer(403, 'Only members of the origin session can create a transfer handle.');
      }
      handle = {
        ...base,
        type: 'transfer',
        originSessionRef: origin.ref,
        creatorXuid: caller.xuid,
        titleId: caller.titleId,
      };
    } else {
      const session = await this.#readSession(resolved.ref);
      const self = session?.members.find(
        (member) => member.xuid === caller.xuid && !member.reserved,
      );
      if (!session) return textAnswer(404, 'The session the handle would point to was not found.');
      if (!self) {
        return textAnswer(
          403,
          `Only members of the session can create ${request.type} handles for it.`,
        );
      }
      if (request.type === 'invite') {
        handle = {
          ...base,
          type: 'invite',
          invitedXuid: request.invitedXuid,
          senderXuid: caller.xuid,
          titleId: request.inviteAttributes.titleId,
          inviteAttributes: request.inviteAttributes,
        };
      } else {
        if (self.propertiesSystem.active !== true) {
          return textAnswer(403, 'Only active members can publish an activity handle.');
        }
        await this.#deps.store.deleteHandlesOf(caller.xuid, 'activity', resolved.ref.scid);
        handle = { ...base, type: 'activity', ownerXuid: caller.xuid, titleId: caller.titleId };
      }
    }
    await this.#deps.store.putHandle(handle);
    return { kind: 'json', status: 201, body: renderHandle(handle) };
  }

  /**
   * The SCID a handle points into (undefined for no such handle), for the HTTP layer's title
   * check; the handle itself is loaded again, with its expiry, by the call that follows.
   */
  handleScid(rawId: string): Awaitable<string | undefined> {
    const id = parseHandleId(rawId);
    if (id === undefined) return undefined;
    return andThen(this.#deps.store.getHandle(id), (handle) => handle?.sessionRef.scid);
  }

  /** `GET /handles/{id}`. */
  getHandle(_caller: CallerIdentity, rawId: string): Awaitable<DirectoryAnswer> {
    return andThen(this.#loadHandle(rawId), (loaded) => {
      if (!loaded.ok) return loaded.answer;
      return { kind: 'json', status: 200, body: renderHandle(loaded.handle) };
    });
  }

  /**
   * An invite handle and its session for the web invite page (src/directory/invite-page), found,
   * not expired and with a session still there; undefined otherwise (also for activity and
   * transfer handles, which are no invites). No caller: the page decides what an anonymous
   * visitor may see from the session's visibility and read restriction.
   */
  invitePageFacts(rawId: string): Awaitable<InvitePageFacts | undefined> {
    return andThen(this.#loadHandle(rawId), (loaded): Awaitable<InvitePageFacts | undefined> => {
      if (!loaded.ok || loaded.handle.type !== 'invite') return undefined;
      const { handle } = loaded;
      const resolved = this.resolveRef(handle.sessionRef);
      if (!resolved.ok) return undefined;
      return andThen(this.#readSession(resolved.ref), (session) =>
        session === undefined ? undefined : { handle, session },
      );
    });
  }

  /**
   * `DELETE /handles/{id}`: the handle's creator (sender, owner) may delete it, and so may the
   * player an invite handle was sent to: that is how a launcher's inbox declines an invite.
   */
  deleteHandle(caller: CallerIdentity, rawId: string): Awaitable<DirectoryAnswer> {
    return andThen(this.#loadHandle(rawId), (loaded): Awaitable<DirectoryAnswer> => {
      if (!loaded.ok) return loaded.answer;
      const { handle } = loaded;
      const owner = handle.creatorXuid ?? handle.senderXuid ?? handle.ownerXuid;
      // Stryker disable next-line ConditionalExpression: only invite handles carry an invitedXuid
      const invitee = handle.type === 'invite' && handle.invitedXuid === caller.xuid;
      if (owner !== undefined && owner !== caller.xuid && !invitee) {
        return textAnswer(
          403,
          'Only the user who created the handle, or the user an invite was sent to, can delete it.',
        );
      }
      if (invitee) this.#log(`invite handle ${handle.id.slice(0, 8)}… declined by its invitee`);
      return andThen(this.#deps.store.deleteHandle(handle.id), () => ({
        kind: 'empty',
        status: 204,
      }));
    });
  }

  /**
   * `POST /handles/query`: activity handles of listed owners or of the people the caller follows,
   * or the invites sent to the caller; only handles whose session the caller may read. `include`
   * (lower case) may ask for `relatedinfo` and `customproperties`.
   */
  async queryHandles(
    caller: CallerIdentity,
    body: unknown,
    include: ReadonlySet<string>,
  ): Promise<DirectoryAnswer> {
    const parsed = parseHandleQuery(body);
    if (!parsed.success) return invalidBody(parsed.error);
    const request = parsed.data;
    let query: HandleQuery;
    if (request.type === 'activity') {
      let owners: readonly string[];
      if ('xuids' in request.owners) {
        owners = request.owners.xuids;
      } else {
        if (request.owners.people.monikerXuid !== caller.xuid) {
          return textAnswer(
            403,
            "A people query can only ask for the calling user's own social graph.",
          );
        }
        owners = caller.follows;
      }
      query = { type: 'activity', ownerXuids: owners, scid: request.scid };
    } else {
      if (request.invitedXuid !== undefined && request.invitedXuid !== caller.xuid) {
        return textAnswer(403, 'Only the invited user can query the invites sent to them.');
      }
      query = { type: 'invite', invitedXuid: caller.xuid, scid: request.scid };
    }
    const now = this.#deps.clock.now();
    const handles = await this.#deps.store.queryHandles(query, maxQueryScan);
    const results: Record<string, unknown>[] = [];
    for (const handle of handles) {
      if (results.length >= maxQueryResults) break;
      if (now >= handle.expiresAt) continue;
      const resolved = this.resolveRef(handle.sessionRef);
      if (!resolved.ok) continue;
      const session = await this.#readSession(resolved.ref);
      if (!session || checkRead(session, caller, this.#accessOf(handle))) continue;
      const result = renderHandle(handle);
      if (include.has('relatedinfo')) result.relatedInfo = relatedInfo(session, handle);
      if (include.has('customproperties')) result.customProperties = session.propertiesCustom;
      results.push(result);
    }
    this.#log(`handle query (${request.type}) by ${caller.xuid}: ${results.length} result(s)`);
    return { kind: 'json', status: 200, body: { results } };
  }

  #accessOf(handle: HandleRecord): SessionAccess {
    // Stryker disable next-line StringLiteral: an invite without invitee names no caller either way (XUIDs are digits)
    if (handle.type === 'invite') return { via: 'invite', invitedXuid: handle.invitedXuid ?? '' };
    return { via: handle.type };
  }

  /** `GET /handles/{id}/session`. */
  getSessionByHandle(
    caller: CallerIdentity,
    rawId: string,
    ifNoneMatch?: string,
  ): Awaitable<DirectoryAnswer> {
    return andThen(this.#loadHandle(rawId), (loaded) => {
      if (!loaded.ok) return loaded.answer;
      const resolved = this.resolveRef(loaded.handle.sessionRef);
      if (!resolved.ok) return resolved.answer;
      return this.#getSession(caller, resolved.ref, this.#accessOf(loaded.handle), ifNoneMatch);
    });
  }

  /** `PUT /handles/{id}/session`: the join by invite or activity. */
  putSessionByHandle(
    caller: CallerIdentity,
    rawId: string,
    body: unknown,
    options: WriteOptions,
  ): Awaitable<DirectoryAnswer> {
    return andThen(this.#loadHandle(rawId), (loaded) => {
      if (!loaded.ok) return loaded.answer;
      const { handle } = loaded;
      const resolved = this.resolveRef(handle.sessionRef);
      if (!resolved.ok) return resolved.answer;
      const join = () =>
        this.#putSession(
          caller,
          resolved.ref,
          resolved.template,
          body,
          this.#accessOf(handle),
          options,
        );
      if (handle.type !== 'transfer') return join();
      const origin = handle.originSessionRef;
      return andThen(origin ? this.#readSession(origin) : undefined, (lobby) => {
        if (!lobby?.members.some((member) => member.xuid === caller.xuid && !member.reserved)) {
          return textAnswer(
            403,
            'Only members of the origin session can use this transfer handle.',
          );
        }
        return join();
      });
    });
  }

  /** `GET /serviceconfigs/{scid}/sessionTemplates/{template}/sessions/{name}`. */
  getSession(
    caller: CallerIdentity,
    ref: SessionRef,
    ifNoneMatch?: string,
  ): Awaitable<DirectoryAnswer> {
    const resolved = this.resolveRef(ref);
    if (!resolved.ok) return resolved.answer;
    // Stryker disable next-line ObjectLiteral,StringLiteral: the access rules single out invite and transfer only, any other access is direct
    return this.#getSession(caller, resolved.ref, { via: 'direct' }, ifNoneMatch);
  }

  /** `PUT /serviceconfigs/{scid}/sessionTemplates/{template}/sessions/{name}`. */
  putSession(
    caller: CallerIdentity,
    ref: SessionRef,
    body: unknown,
    options: WriteOptions,
  ): Awaitable<DirectoryAnswer> {
    const resolved = this.resolveRef(ref);
    if (!resolved.ok) return resolved.answer;
    return this.#putSession(
      caller,
      resolved.ref,
      resolved.template,
      body,
      // Stryker disable next-line ObjectLiteral,StringLiteral: the access rules single out invite and transfer only, any other access is direct
      { via: 'direct' },
      options,
    );
  }

  /** `DELETE .../sessions/{name}/members/me`: the caller leaves. */
  leaveSession(
    caller: CallerIdentity,
    ref: SessionRef,
    options: WriteOptions,
  ): Awaitable<DirectoryAnswer> {
    const resolved = this.resolveRef(ref);
    if (!resolved.ok) return resolved.answer;
    const left = this.#putSession(
      caller,
      resolved.ref,
      resolved.template,
      { members: { me: null } },
      // Stryker disable next-line ObjectLiteral,StringLiteral: the access rules single out invite and transfer only, any other access is direct
      { via: 'direct' },
      options,
    );
    return andThen(left, (answer): DirectoryAnswer => {
      // Stryker disable next-line ConditionalExpression: only a session answer has status 200 here
      if (answer.kind === 'session' && answer.status === 200) {
        return { kind: 'empty', status: 204, etag: answer.record.etag };
      }
      return answer;
    });
  }

  #getSession(
    caller: CallerIdentity,
    ref: SessionRef,
    access: SessionAccess,
    ifNoneMatch: string | undefined,
  ): Awaitable<DirectoryAnswer> {
    const key = sessionKey(ref);
    return andThen(this.#readSession(ref, key), (record): DirectoryAnswer => {
      if (!record) return { kind: 'empty', status: 204 };
      const denied = checkRead(record, caller, access);
      if (denied) return textAnswer(denied.status, denied.message);
      if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, record.etag)) {
        return { kind: 'empty', status: 304, etag: record.etag };
      }
      return this.#sessionAnswer(200, key, record);
    });
  }

  #putSession(
    caller: CallerIdentity,
    ref: SessionRef,
    template: SessionTemplate,
    body: unknown,
    access: SessionAccess,
    options: WriteOptions,
  ): Awaitable<DirectoryAnswer> {
    const parsed = parseSessionDelta(body);
    if (!parsed.success) return invalidBody(parsed.error);
    const delta: SessionDelta = parsed.data;
    const claimed = delta.members?.me?.constants?.system?.xuid;
    if (claimed !== undefined && claimed !== caller.xuid) this.#noteClaim(caller, claimed);
    const now = this.#deps.clock.now();
    const key = sessionKey(ref);
    const documentBytes = (record: SessionRecord) => this.#renderer.render(key, record).bytes;
    const written = this.#deps.store.update(key, (current): Mutation<WriteOutcome> => {
      let base = current;
      let timersChanged = false;
      if (current) {
        const timers = applyTimers(current, now);
        if (timers.kind !== 'unchanged') timersChanged = true;
        // Stryker disable next-line ConditionalExpression,StringLiteral: a deleted outcome carries no record, so it reads undefined either way
        base = timers.kind === 'deleted' ? undefined : timers.record;
      }
      const result = writeSession(base, {
        caller,
        ref: current?.ref ?? ref,
        template,
        delta,
        access,
        now,
        ifMatch: options.ifMatch,
        ifNoneMatch: options.ifNoneMatch,
        documentBytes,
      });
      if (!options.noCommit) {
        switch (result.kind) {
          case 'created':
            return { action: 'store', record: result.record, result };
          case 'updated':
            if (result.changed) return { action: 'store', record: result.record, result };
            break;
          case 'deleted':
            return { action: 'delete', result };
          // Stryker disable next-line ConditionalExpression: the last case's break ends the switch as its end does
          default:
            break;
        }
      }
      // Nothing of the write is stored; only what the timers changed, if anything.
      if (!timersChanged) return { action: 'keep', result };
      return base ? { action: 'store', record: base, result } : { action: 'delete', result };
    });
    return andThen(written, (outcome) => this.#writeAnswer(key, outcome));
  }

  /** Reports once per caller that `members.me` named another XUID and the caller was recorded. */
  #noteClaim(caller: CallerIdentity, claimed: string): void {
    if (this.#claimsLogged.has(caller.xuid) || this.#claimsLogged.size >= maxLoggedClaims) return;
    this.#claimsLogged.add(caller.xuid);
    this.#log(
      `members.me of ${caller.xuid} names xuid ${claimed}: accepted, and the caller ${caller.xuid} is recorded`,
    );
  }

  /** The answer to a session write, from how it ended. */
  #writeAnswer(key: string, outcome: WriteOutcome): DirectoryAnswer {
    switch (outcome.kind) {
      case 'created':
        return this.#sessionAnswer(201, key, outcome.record);
      case 'updated':
        return this.#sessionAnswer(200, key, outcome.record);
      case 'deleted':
      case 'not-created':
        // No session is stored under the key now (a timer may have deleted it before the write).
        this.#renderer.forget(key);
        return { kind: 'empty', status: 204 };
      case 'precondition-failed':
        return outcome.record
          ? this.#sessionAnswer(412, key, outcome.record)
          : { kind: 'empty', status: 412 };
      case 'rejected':
        return textAnswer(outcome.status, outcome.message);
    }
  }
}
