/**
 * Hand-written stand-ins for the directory client, token provider and game, for the join machine's
 * unit tests. Each records what the machine asked of it and answers from a script, so a test can
 * say "the second write fails with a 503" and then check exactly which calls followed.
 */
import type { Invite } from '../../../src/shared/invite';
import {
  parseSessionDocument,
  type SessionDocument,
} from '../../../src/shared/mpsd/session-document';
import { err, ok, type Result } from '../../../src/shared/result';
import type {
  DirectoryClient,
  MemberJoin,
  SessionWrite,
} from '../../../src/main/join/directory-client';
import { directoryError, type DirectoryError } from '../../../src/main/join/directory-error';
import type { GameFailure } from '../../../src/main/join/game-failure';
import type {
  GameCancelled,
  GameHandOff,
  GameJoined,
  GameJoinRequest,
} from '../../../src/main/join/game-hand-off';
import type { AccessToken, TokenError, TokenProvider } from '../../../src/main/join/token-provider';
import { Secret } from '../../../src/main/account/secret';

export const hostXuid = '2814650950488554';
export const playerXuid = '2814616402722312';

export const invite = (handleId = '8d2c1e4a-7b3f-4c2d-9e1a-5f6b7c8d9e0a'): Invite => ({
  kind: 'invite',
  handleId,
  localXuid: playerXuid,
  remoteXuid: hostXuid,
});

/** A two-member session (the host and the player), validated by the real schema. */
export function sessionWithPlayer(): SessionDocument {
  const parsed = parseSessionDocument({
    membersInfo: { first: 0, next: 2, count: 2, accepted: 2, active: 2 },
    constants: { system: { maxMembersCount: 8, visibility: 'open' } },
    properties: { system: { host: 'DEVICE-1' } },
    members: {
      '0': {
        next: 1,
        constants: { system: { xuid: hostXuid, index: 0 } },
        properties: { system: { active: true, secureDeviceAddress: 'SG9zdEFkZHJlc3M=' } },
        gamertag: 'HostPlayer',
        deviceToken: 'device-1',
      },
      '1': {
        next: 2,
        constants: { system: { xuid: playerXuid, index: 1 } },
        properties: { system: { active: true } },
        gamertag: 'InvitedPlayer',
      },
    },
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

export const written = (
  location = '/serviceconfigs/s/sessionTemplates/t/sessions/a',
): Result<SessionWrite, DirectoryError> =>
  ok({ session: sessionWithPlayer(), contentLocation: location, joined: true });

export const unavailable = (ambiguous = false, retryAfterMs?: number) =>
  err(
    directoryError('directory-unavailable', 'directory answered 503', {
      status: 503,
      ambiguous,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }),
  );

export const throttled = (retryAfterMs = 1000) =>
  err(directoryError('rate-limited', 'directory answered 429', { status: 429, retryAfterMs }));

export const expired = () =>
  err(directoryError('invite-expired', 'directory answered 404', { status: 404 }));

type Answer<T> = T | ((signal: AbortSignal) => Promise<T>);

/** A promise that settles only when the signal aborts, as a hung request would. */
export function hang<T>(onAbort: T): (signal: AbortSignal) => Promise<T> {
  return (signal) =>
    new Promise((resolve) => {
      if (signal.aborted) resolve(onAbort);
      signal.addEventListener('abort', () => resolve(onAbort), { once: true });
    });
}

export interface JoinCall {
  readonly handleId: string;
  readonly member: MemberJoin;
  readonly checkMembershipFirst: boolean;
  readonly signal: AbortSignal;
}

/** A directory client that answers writes from a queue and records reads and leaves. */
export class FakeDirectory implements DirectoryClient {
  readonly joins: JoinCall[] = [];
  readonly leaves: string[] = [];
  readonly reads: string[] = [];
  /** What readByHandle answers (default: the player is a member). */
  readAnswer: Result<SessionDocument | undefined, DirectoryError> = ok(sessionWithPlayer());
  leaveAnswer: Answer<Result<void, DirectoryError>> = ok(undefined);
  readonly #writes: Answer<Result<SessionWrite, DirectoryError>>[];

  constructor(writes: Answer<Result<SessionWrite, DirectoryError>>[] = [written()]) {
    this.#writes = [...writes];
  }

  /** Queue more write answers. */
  answerWrites(...writes: Answer<Result<SessionWrite, DirectoryError>>[]): void {
    this.#writes.push(...writes);
  }

  /** Forget queued answers: from now on every write succeeds. */
  clearWrites(): void {
    this.#writes.length = 0;
  }

  async joinByHandle(
    handleId: string,
    member: MemberJoin,
    options: { signal: AbortSignal; checkMembershipFirst?: boolean },
  ): Promise<Result<SessionWrite, DirectoryError>> {
    this.joins.push({
      handleId,
      member,
      checkMembershipFirst: options.checkMembershipFirst === true,
      signal: options.signal,
    });
    const next = this.#writes.shift() ?? written();
    return typeof next === 'function' ? next(options.signal) : next;
  }

  async readByHandle(
    handleId: string,
  ): Promise<Result<SessionDocument | undefined, DirectoryError>> {
    this.reads.push(handleId);
    return this.readAnswer;
  }

  async leave(
    contentLocation: string,
    options: { signal: AbortSignal },
  ): Promise<Result<void, DirectoryError>> {
    this.leaves.push(contentLocation);
    const answer = this.leaveAnswer;
    return typeof answer === 'function' ? answer(options.signal) : answer;
  }
}

/** Signs in as one fixed player; `answer` replaces the result (errors, hangs). */
export class FakeTokens implements TokenProvider {
  calls = 0;
  signals: (AbortSignal | undefined)[] = [];
  answer: Answer<Result<AccessToken, TokenError>>;

  constructor(xuid = playerXuid) {
    this.answer = ok({ xuid, userHash: 'uhs', token: new Secret('secret-token-value') });
  }

  async getToken(options: { forceRefresh: boolean; signal?: AbortSignal }) {
    this.calls += 1;
    this.signals.push(options.signal);
    const answer = this.answer;
    return typeof answer === 'function'
      ? answer(options.signal ?? new AbortController().signal)
      : answer;
  }
}

/** A game that confirms every join unless told otherwise. */
export class FakeGame implements GameHandOff {
  readonly joins: { request: GameJoinRequest; signal: AbortSignal }[] = [];
  answer: Answer<Result<GameJoined, GameFailure | GameCancelled>> = ok({
    connection: 'SG9zdEFkZHJlc3M=',
    handedToRunningGame: false,
  });
  closed = 0;
  readonly #exitListeners = new Set<(description: string) => void>();

  onExit(listener: (description: string) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /** The player quits the game. */
  exit(description = 'exit code 0'): void {
    for (const listener of this.#exitListeners) listener(description);
  }

  async join(request: GameJoinRequest, options: { signal: AbortSignal }) {
    this.joins.push({ request, signal: options.signal });
    const answer = this.answer;
    return typeof answer === 'function' ? answer(options.signal) : answer;
  }

  isRunning(): boolean {
    return this.joins.length > 0;
  }

  async close(): Promise<void> {
    this.closed += 1;
  }
}

/** Collects log lines so tests can assert on them (and that no token leaks). */
export class MemoryLog {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
}

/**
 * Holds every leave of `directory` until the returned function is called, which answers the
 * latest one as left: for tests of what happens while the machine is leaving.
 */
export function holdLeaves(directory: FakeDirectory): () => void {
  let release: () => void = () => undefined;
  directory.leaveAnswer = () => new Promise((resolve) => (release = () => resolve(ok(undefined))));
  return () => release();
}
