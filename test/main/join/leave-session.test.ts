/**
 * Leaving, step by step: `leaveSession` against the scripted directory of the join machine's tests
 * and a hand-driven clock, so every retry, wait, abort and log line of the way out is pinned. One
 * test goes through the real directory client to a loopback server that answers 404: a session
 * already gone counts as left.
 */
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectoryClient } from '../../../src/main/join/directory-client';
import { directoryError } from '../../../src/main/join/directory-error';
import {
  leaveSession,
  type JoinClock,
  type LeaveDeps,
  type LeaveInput,
  type Membership,
  type Seat,
} from '../../../src/main/join/leave-session';
import type { RetryPolicy } from '../../../src/main/join/retry-delay';
import { parseSessionDocument } from '../../../src/shared/mpsd/session-document';
import { err, ok } from '../../../src/shared/result';
import {
  FakeDirectory,
  FakeTokens,
  MemoryLog,
  invite,
  playerXuid,
  sessionWithPlayer,
  unavailable,
  written,
} from './join-machine-fakes';

const oldHandle = '11111111-2222-4333-8444-555555555555';
const newHandle = '66666666-7777-4888-9999-aaaaaaaaaaaa';
const oldLocation = '/serviceconfigs/s/sessionTemplates/t/sessions/old';
const foundLocation = '/serviceconfigs/s/sessionTemplates/t/sessions/found';

const seat = (handleId: string): Seat => ({ invite: invite(handleId), xuid: playerXuid });
const membership = (handleId = oldHandle): Membership => ({
  seat: seat(handleId),
  contentLocation: oldLocation,
  session: sessionWithPlayer(),
});

/**
 * A clock that runs a timer as soon as the test lets it: `now` moves to the timer's time when it
 * fires. Timers wait in `pending` until `fire()`, so a test can abort in the middle of a wait.
 */
class StepClock implements JoinClock {
  time = 1_000_000;
  readonly waits: number[] = [];
  readonly cleared: unknown[] = [];
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  #next = 1;
  /** Fire each timer at once (default) or keep it pending. */
  autoFire = true;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.waits.push(ms);
    this.pending.set(id, { callback, ms });
    if (this.autoFire) queueMicrotask(() => this.fire(id));
    return id;
  }
  clearTimeout(id: unknown): void {
    this.cleared.push(id);
    this.pending.delete(id as number);
  }
  fire(id: number): void {
    const timer = this.pending.get(id);
    if (!timer) return;
    this.pending.delete(id);
    this.time += timer.ms;
    timer.callback();
  }
}

interface PolicyCall {
  readonly attempt: number;
  readonly code: string;
  readonly now: number;
  readonly deadline: number;
}

/** Waits `wait` ms for every retryable error, as often as asked; records each question. */
function recordingPolicy(wait = 250): { policy: RetryPolicy; calls: PolicyCall[] } {
  const calls: PolicyCall[] = [];
  return {
    calls,
    policy: ({ attempt, error, now, deadline }) => {
      calls.push({ attempt, code: (error as { code?: string }).code ?? '', now, deadline });
      return error.retryable && now + wait < deadline ? wait : undefined;
    },
  };
}

function deps(directory: FakeDirectory, policy: RetryPolicy, clock = new StepClock()) {
  const log = new MemoryLog();
  const leaveDeps: LeaveDeps = { client: directory, retryPolicy: policy, clock, log };
  return { leaveDeps, log, clock };
}

const input = (fields: Omit<LeaveInput, 'timeoutMs'>, timeoutMs = 5000): LeaveInput => ({
  ...fields,
  timeoutMs,
});

const notFound = () =>
  err(directoryError('invite-expired', 'directory answered 404', { status: 404 }));

describe('leaveSession: the confirmed membership', () => {
  it('leaves the written session once and logs it by handle prefix only', async () => {
    const directory = new FakeDirectory([]);
    const { policy, calls } = recordingPolicy();
    const { leaveDeps, log } = deps(directory, policy);

    await leaveSession(
      leaveDeps,
      input({ membership: membership() }),
      new AbortController().signal,
    );

    expect(directory.leaves).toEqual([oldLocation]);
    expect(directory.reads).toEqual([]);
    expect(directory.joins).toEqual([]);
    expect(calls).toEqual([]);
    expect(log.lines).toEqual(['info left the session of handle=11111111…']);
  });

  it('retries a transient failure inside the budget, numbering attempts against one deadline', async () => {
    const directory = new FakeDirectory([]);
    let answers = 0;
    directory.leaveAnswer = async () => (++answers < 3 ? unavailable() : ok(undefined));
    const { policy, calls } = recordingPolicy(250);
    const { leaveDeps, log, clock } = deps(directory, policy);
    const signal = new AbortController().signal;

    await leaveSession(leaveDeps, input({ membership: membership() }, 5000), signal);

    expect(directory.leaves).toEqual([oldLocation, oldLocation, oldLocation]);
    expect(calls).toEqual([
      { attempt: 1, code: 'directory-unavailable', now: 1_000_000, deadline: 1_005_000 },
      { attempt: 2, code: 'directory-unavailable', now: 1_000_250, deadline: 1_005_000 },
    ]);
    expect(clock.waits).toEqual([250, 250]);
    expect(log.lines).toEqual(['info left the session of handle=11111111…']);
    // Each finished wait took its abort listener with it.
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('gives up when the policy does, and logs the error code', async () => {
    const directory = new FakeDirectory([]);
    directory.leaveAnswer = unavailable();
    const { policy, calls } = recordingPolicy(2000);
    const { leaveDeps, log } = deps(directory, policy);

    await leaveSession(
      leaveDeps,
      input({ membership: membership() }, 5000),
      new AbortController().signal,
    );

    // Waits at +0 and +2000 fit before +5000; at +4000 a wait of 2000 does not.
    expect(directory.leaves).toHaveLength(3);
    expect(calls.map((call) => call.attempt)).toEqual([1, 2, 3]);
    expect(log.lines).toEqual([
      'warn could not leave the session of handle=11111111…: directory-unavailable',
    ]);
  });

  it('asks nothing more once the signal has aborted during a request', async () => {
    const directory = new FakeDirectory([]);
    const controller = new AbortController();
    directory.leaveAnswer = async () => {
      controller.abort();
      return err(directoryError('cancelled', 'aborted'));
    };
    const { policy, calls } = recordingPolicy();
    const { leaveDeps, log } = deps(directory, policy);

    await leaveSession(leaveDeps, input({ membership: membership() }), controller.signal);

    expect(directory.leaves).toHaveLength(1);
    expect(calls).toEqual([]);
    expect(log.lines).toEqual(['warn could not leave the session of handle=11111111…: cancelled']);
  });

  it('an abort during the wait ends it at once: the timer is cleared, no further request', async () => {
    const directory = new FakeDirectory([]);
    directory.leaveAnswer = unavailable();
    const { policy } = recordingPolicy(250);
    const clock = new StepClock();
    clock.autoFire = false;
    const { leaveDeps, log } = deps(directory, policy, clock);
    const controller = new AbortController();

    const leaving = leaveSession(leaveDeps, input({ membership: membership() }), controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.waits).toEqual([250]);
    controller.abort();
    await leaving;

    expect(clock.cleared).toEqual([1]);
    expect(clock.pending.size).toBe(0);
    expect(directory.leaves).toHaveLength(1);
    expect(log.lines).toEqual([
      'warn could not leave the session of handle=11111111…: directory-unavailable',
    ]);
  });

  it('an unsure write of the same handle is the membership itself: nothing is read', async () => {
    const directory = new FakeDirectory([]);
    const { leaveDeps } = deps(directory, recordingPolicy().policy);

    await leaveSession(
      leaveDeps,
      input({ membership: membership(oldHandle), unsure: seat(oldHandle) }),
      new AbortController().signal,
    );

    expect(directory.leaves).toEqual([oldLocation]);
    expect(directory.reads).toEqual([]);
  });
});

describe('leaveSession: a write whose answer was lost', () => {
  it('nothing to leave: no request at all', async () => {
    const directory = new FakeDirectory([]);
    const { leaveDeps, log } = deps(directory, recordingPolicy().policy);

    await leaveSession(leaveDeps, input({}), new AbortController().signal);

    expect(directory.leaves).toEqual([]);
    expect(directory.reads).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('looks, finds the player, locates the session without writing, and leaves it', async () => {
    const directory = new FakeDirectory([written(foundLocation)]);
    const { leaveDeps, log } = deps(directory, recordingPolicy().policy);

    await leaveSession(
      leaveDeps,
      input({ membership: membership(oldHandle), unsure: seat(newHandle) }),
      new AbortController().signal,
    );

    expect(directory.reads).toEqual([newHandle]);
    expect(
      directory.joins.map(({ handleId, member, checkMembershipFirst }) => ({
        handleId,
        member,
        checkMembershipFirst,
      })),
    ).toEqual([{ handleId: newHandle, member: { xuid: playerXuid }, checkMembershipFirst: true }]);
    expect(directory.leaves).toEqual([oldLocation, foundLocation]);
    expect(log.lines).toEqual([
      'info left the session of handle=11111111…',
      'info left the session of handle=66666666… after an unanswered write',
    ]);
  });

  it('a session that answers as the caller (`me`) counts as the player being there', async () => {
    const parsed = parseSessionDocument({
      membersInfo: { first: 0, next: 1, count: 1, accepted: 1, active: 1 },
      constants: { system: { maxMembersCount: 8, visibility: 'open' } },
      members: {
        me: {
          constants: { system: { xuid: '2535400000000001', index: 0 } },
          properties: { system: { active: true } },
        },
      },
    });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const directory = new FakeDirectory([written(foundLocation)]);
    directory.readAnswer = ok(parsed.value);
    const { leaveDeps } = deps(directory, recordingPolicy().policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.leaves).toEqual([foundLocation]);
  });

  it('a session that does not list the player: nothing is written or left', async () => {
    const parsed = parseSessionDocument({
      membersInfo: { first: 0, next: 1, count: 1, accepted: 1, active: 1 },
      constants: { system: { maxMembersCount: 8, visibility: 'open' } },
      members: {
        '0': {
          next: 1,
          constants: { system: { xuid: '2535400000000001', index: 0 } },
          properties: { system: { active: true } },
        },
      },
    });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const directory = new FakeDirectory([]);
    directory.readAnswer = ok(parsed.value);
    const { leaveDeps, log } = deps(directory, recordingPolicy().policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.reads).toEqual([newHandle]);
    expect(directory.joins).toEqual([]);
    expect(directory.leaves).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('a session with no members at all: the player is not there', async () => {
    const parsed = parseSessionDocument({
      membersInfo: { first: 0, next: 0, count: 0, accepted: 0, active: 0 },
      constants: { system: { maxMembersCount: 8, visibility: 'open' } },
      members: {},
    });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const directory = new FakeDirectory([]);
    directory.readAnswer = ok(parsed.value);
    const { leaveDeps } = deps(directory, recordingPolicy().policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.joins).toEqual([]);
    expect(directory.leaves).toEqual([]);
  });

  it('no session behind the handle: nothing is written or left', async () => {
    const directory = new FakeDirectory([]);
    directory.readAnswer = ok(undefined);
    const { leaveDeps } = deps(directory, recordingPolicy().policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.joins).toEqual([]);
    expect(directory.leaves).toEqual([]);
  });

  it('a read that keeps failing is logged, and nothing is written', async () => {
    const directory = new FakeDirectory([]);
    directory.readAnswer = unavailable();
    const { policy, calls } = recordingPolicy(2000);
    const { leaveDeps, log } = deps(directory, policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.reads).toHaveLength(3);
    expect(calls.every((call) => call.deadline === 1_005_000)).toBe(true);
    expect(directory.joins).toEqual([]);
    expect(log.lines).toEqual([
      'warn could not check membership for handle=66666666…: directory-unavailable',
    ]);
  });

  it('a session that cannot be located is logged and not left', async () => {
    const directory = new FakeDirectory([notFound()]);
    const { leaveDeps, log } = deps(directory, recordingPolicy().policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.joins).toHaveLength(1);
    expect(directory.leaves).toEqual([]);
    expect(log.lines).toEqual([
      'warn could not locate the session of handle=66666666…: invite-expired',
    ]);
  });

  it('a located session that cannot be left is logged with the code', async () => {
    const directory = new FakeDirectory([written(foundLocation)]);
    directory.leaveAnswer = err(
      directoryError('not-allowed', 'directory answered 403', { status: 403 }),
    );
    const { leaveDeps, log } = deps(directory, recordingPolicy().policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.leaves).toEqual([foundLocation]);
    expect(log.lines).toEqual([
      'warn could not leave the session of handle=66666666…: not-allowed',
    ]);
  });

  it('the lookup and the leave after it retry too, all inside the one leave budget', async () => {
    const directory = new FakeDirectory([unavailable(), written(foundLocation)]);
    let leaves = 0;
    directory.leaveAnswer = async () => (++leaves < 2 ? unavailable() : ok(undefined));
    const { policy, calls } = recordingPolicy(250);
    const { leaveDeps, log } = deps(directory, policy);

    await leaveSession(leaveDeps, input({ unsure: seat(newHandle) }), new AbortController().signal);

    expect(directory.joins).toHaveLength(2);
    expect(directory.leaves).toEqual([foundLocation, foundLocation]);
    expect(calls.map((call) => call.deadline)).toEqual([1_005_000, 1_005_000]);
    expect(log.lines).toEqual([
      'info left the session of handle=66666666… after an unanswered write',
    ]);
  });
});

describe('leaveSession through the real directory client', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  it('a session already gone (404) counts as left: one request, logged as left', async () => {
    const requests: string[] = [];
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      request.resume();
      request.on('end', () => {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'NotFound' }));
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = createDirectoryClient({
      baseUrl: `http://127.0.0.1:${port}`,
      tokens: new FakeTokens(),
      locale: 'en-US',
    });
    const { policy, calls } = recordingPolicy();
    const log = new MemoryLog();

    await leaveSession(
      { client, retryPolicy: policy, clock: new StepClock(), log },
      input({ membership: membership() }),
      new AbortController().signal,
    );

    expect(requests).toEqual([`PUT ${oldLocation}`]);
    expect(calls).toEqual([]);
    expect(log.lines).toEqual(['info left the session of handle=11111111…']);
  });
});

/** The scripted directory, also recording the signal each request was given. */
class SignalRecordingDirectory extends FakeDirectory {
  readonly signals: (AbortSignal | undefined)[] = [];
  override async readByHandle(handleId: string, options?: { signal: AbortSignal }) {
    this.signals.push(options?.signal);
    return super.readByHandle(handleId);
  }
  override async leave(location: string, options: { signal: AbortSignal }) {
    this.signals.push(options?.signal);
    return super.leave(location, options);
  }
  override async joinByHandle(
    ...args: Parameters<FakeDirectory['joinByHandle']>
  ): ReturnType<FakeDirectory['joinByHandle']> {
    this.signals.push(args[2]?.signal);
    return super.joinByHandle(...args);
  }
}

describe('leaveSession: requests and logging', () => {
  it('every request of the way out carries the leave signal', async () => {
    const directory = new SignalRecordingDirectory([written(foundLocation)]);
    const { leaveDeps } = deps(directory, recordingPolicy().policy);
    const signal = new AbortController().signal;

    await leaveSession(
      leaveDeps,
      input({ membership: membership(oldHandle), unsure: seat(newHandle) }),
      signal,
    );

    // leave, read, locate, leave
    expect(directory.signals).toHaveLength(4);
    expect(directory.signals.every((given) => given === signal)).toBe(true);
  });

  it('without a log, every outcome is still reached quietly', async () => {
    const policy = recordingPolicy().policy;
    const quiet = (directory: FakeDirectory): LeaveDeps => ({
      client: directory,
      retryPolicy: policy,
      clock: new StepClock(),
    });
    const signal = new AbortController().signal;
    const ok1 = new FakeDirectory([written(foundLocation)]);
    await leaveSession(
      quiet(ok1),
      input({ membership: membership(), unsure: seat(newHandle) }),
      signal,
    );
    expect(ok1.leaves).toEqual([oldLocation, foundLocation]);

    const failing = new FakeDirectory([written(foundLocation)]);
    failing.leaveAnswer = err(directoryError('not-allowed', 'no', { status: 403 }));
    await leaveSession(
      quiet(failing),
      input({ membership: membership(), unsure: seat(newHandle) }),
      signal,
    );
    expect(failing.leaves).toEqual([oldLocation, foundLocation]);

    const unread = new FakeDirectory([]);
    unread.readAnswer = err(directoryError('not-allowed', 'no', { status: 403 }));
    await leaveSession(quiet(unread), input({ unsure: seat(newHandle) }), signal);
    expect(unread.reads).toEqual([newHandle]);

    const lost = new FakeDirectory([notFound()]);
    await leaveSession(quiet(lost), input({ unsure: seat(newHandle) }), signal);
    expect(lost.leaves).toEqual([]);
  });
});
