import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { err, ok } from '../../../src/shared/result';
import { joinErrorCodes, type JoinErrorCode, type JoinView } from '../../../src/shared/join-view';
import { directoryError } from '../../../src/main/join/directory-error';
import {
  joinMachine,
  remainingBudget,
  type HandOffInput,
  type HandOffResult,
  type JoinLogLine,
  type SignInInput,
  type SignInOutcome,
  type WriteInput,
  type WriteOutcome,
} from '../../../src/main/join/join-machine';
import type { LeaveInput } from '../../../src/main/join/leave-session';
import { createJoinService, type JoinServiceDeps } from '../../../src/main/join/join-service';
import {
  FakeDirectory,
  holdLeaves,
  FakeGame,
  FakeTokens,
  MemoryLog,
  expired,
  hang,
  invite,
  throttled,
  unavailable,
  written,
} from './join-machine-fakes';
import { Secret } from '../../../src/main/account/secret';

/** Delays the tests can predict: attempt n waits n seconds. */
const linearPolicy: JoinServiceDeps['retryPolicy'] = ({ attempt, error, now, deadline }) => {
  if (!error.retryable) return undefined;
  const delay = attempt * 1000;
  return now + delay < deadline ? delay : undefined;
};

function start(overrides: Partial<JoinServiceDeps> = {}) {
  const directory = (overrides.client as FakeDirectory | undefined) ?? new FakeDirectory();
  const tokens = (overrides.tokens as FakeTokens | undefined) ?? new FakeTokens();
  const game = (overrides.game as FakeGame | undefined) ?? new FakeGame();
  const log = new MemoryLog();
  const service = createJoinService({
    retryPolicy: linearPolicy,
    log,
    ...overrides,
    client: directory,
    tokens,
    game,
  });
  const views: JoinView[] = [];
  service.subscribe((view) => views.push(view));
  return { service, directory, tokens, game, log, views };
}

/** Lets promise callbacks (fake actors) run without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-27T09:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('join machine: the way in', () => {
  it('goes activating → writingSession → joining → joined and names the inviter by gamertag', async () => {
    const { service, directory, game, views } = start();
    service.submit(invite());
    await settle();

    expect(views.map((view) => view.phase)).toEqual([
      'activating',
      'writingSession',
      'joining',
      'joined',
    ]);
    expect(service.view()).toEqual({
      phase: 'joined',
      attempt: 1,
      canRetry: false,
      invite: { kind: 'invite', handleId: invite().handleId, from: 'HostPlayer' },
      session: { membersCount: 2, maxMembersCount: 8, hostGamertag: 'HostPlayer' },
    });
    // Before the session names them (and with no profile lookup), the inviter is unnamed: never
    // their XUID.
    expect(views[0]?.invite).toEqual({ kind: 'invite', handleId: invite().handleId });
    expect(directory.joins).toHaveLength(1);
    expect(directory.joins[0]?.member).toEqual({ xuid: invite().localXuid });
    expect(directory.joins[0]?.checkMembershipFirst).toBe(false);
    expect(game.joins[0]?.request.sessionRef).toBe(
      '/serviceconfigs/s/sessionTemplates/t/sessions/a',
    );
    expect(directory.leaves).toEqual([]);
    expect(service.inFlightHandleId()).toBeUndefined();
  });

  it('refuses an invite meant for another account before writing anything', async () => {
    const { service, directory } = start({ tokens: new FakeTokens('1111111111') });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('failed');
    expect(service.view()).toMatchObject({ canRetry: false, error: { code: 'wrong-account' } });
    expect(service.view().error?.message).toBe(
      `The invite is for player xuid …${invite().localXuid.slice(-4)}, but xuid …1111 is signed in.`,
    );
    expect(directory.joins).toHaveLength(0);
    service.retry();
    await settle();
    expect(service.view().error?.code).toBe('wrong-account');
  });

  it('retries a sign-in the directory could not serve, with the same countdown', async () => {
    const tokens = new FakeTokens();
    const signedIn = tokens.answer;
    let calls = 0;
    tokens.answer = async () =>
      ++calls < 3
        ? err({ code: 'directory-unavailable' as const, message: 'no answer', retryable: true })
        : typeof signedIn === 'function'
          ? signedIn(new AbortController().signal)
          : signedIn;
    const { service, directory } = start({ tokens });
    const t0 = Date.now();
    service.submit(invite());
    await settle();
    expect(service.view()).toMatchObject({ phase: 'retrying', attempt: 0, nextRetryAt: t0 + 1000 });
    expect(service.inFlightHandleId()).toBe(invite().handleId);
    service.retry(); // skips the wait
    await settle();
    expect(service.view()).toMatchObject({ phase: 'retrying', nextRetryAt: t0 + 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 1 });
    expect(directory.joins).toHaveLength(1);
  });

  it('a sign-in that keeps failing ends with its own code once the budget is spent', async () => {
    const tokens = new FakeTokens();
    tokens.answer = err({ code: 'directory-unavailable', message: 'no answer', retryable: true });
    const { service, directory } = start({ tokens, deadlineMs: 5_000 });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(service.view()).toMatchObject({
      canRetry: true,
      error: { code: 'directory-unavailable' },
    });
    expect(tokens.calls).toBe(3); // waits of 1 s and 2 s fit in 5 s; a third (3 s) does not
    expect(directory.joins).toHaveLength(0);
  });

  it('a refused sign-in fails at once', async () => {
    const tokens = new FakeTokens();
    tokens.answer = err({ code: 'unauthorized', message: 'refused', retryable: false });
    const { service } = start({ tokens });
    service.submit(invite());
    await settle();
    expect(service.view()).toMatchObject({ canRetry: false, error: { code: 'unauthorized' } });
    expect(tokens.calls).toBe(1);
  });

  it('fails at once on an error retrying cannot fix', async () => {
    const { service, directory } = start({ client: new FakeDirectory([expired()]) });
    service.submit(invite());
    await settle();
    expect(service.view()).toMatchObject({
      phase: 'failed',
      attempt: 1,
      canRetry: false,
      error: { code: 'invite-expired' },
    });
    expect(directory.joins).toHaveLength(1);
    // A definite refusal wrote nothing: no leave, no membership check.
    expect(directory.leaves).toEqual([]);
    expect(directory.reads).toEqual([]);
  });

  it('never logs the token', async () => {
    const { service, log } = start({ client: new FakeDirectory([unavailable(), written()]) });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(5000);
    expect(service.view().phase).toBe('joined');
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.join('\n')).not.toContain('secret-token-value');
    // Handles grant access to their session: logs carry only their first characters.
    expect(log.lines.join('\n')).not.toContain(invite().handleId);
    expect(log.lines.join('\n')).not.toContain(invite().localXuid);
    expect(JSON.stringify(service.view())).not.toContain('secret-token-value');
  });
});

describe('join machine: retries and the countdown', () => {
  it('shows each countdown with nextRetryAt and tries again when it runs out', async () => {
    const directory = new FakeDirectory([unavailable(), unavailable(), written()]);
    const { service } = start({ client: directory });
    const t0 = Date.now();
    service.submit(invite());
    await settle();

    expect(service.view()).toMatchObject({ phase: 'retrying', attempt: 1, nextRetryAt: t0 + 1000 });
    expect(service.inFlightHandleId()).toBe(invite().handleId);
    await vi.advanceTimersByTimeAsync(999);
    expect(service.view().phase).toBe('retrying');
    expect(directory.joins).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(directory.joins).toHaveLength(2);
    expect(service.view()).toMatchObject({
      phase: 'retrying',
      attempt: 2,
      nextRetryAt: t0 + 1000 + 2000,
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 3 });
    expect(service.view().nextRetryAt).toBeUndefined();
  });

  it('RETRY during a countdown skips the wait', async () => {
    const directory = new FakeDirectory([unavailable(), written()]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('retrying');
    service.retry();
    await settle();
    expect(directory.joins).toHaveLength(2);
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 2 });
  });

  it('asks "am I already a member?" on every attempt after an ambiguous failure', async () => {
    const directory = new FakeDirectory([unavailable(true), unavailable(false), written()]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(service.view().phase).toBe('joined');
    expect(directory.joins.map((call) => call.checkMembershipFirst)).toEqual([false, true, true]);
  });

  it('stops at the deadline with directory-unavailable, and RETRY starts afresh', async () => {
    const directory = new FakeDirectory(Array.from({ length: 50 }, () => unavailable()));
    const { service } = start({ client: directory, deadlineMs: 20_000 });
    const t0 = Date.now();
    let failedAt = 0;
    service.subscribe((next) => {
      if (next.phase === 'failed') failedAt = Date.now();
    });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(25_000);
    const view = service.view();
    expect(view).toMatchObject({
      phase: 'failed',
      canRetry: true,
      error: { code: 'directory-unavailable' },
    });
    // Waits of 1, 2, 3, 4, 5 s fit in 20 s; the sixth (6 s) would not.
    expect(directory.joins).toHaveLength(6);
    expect(view.attempt).toBe(6);
    expect(view.error?.message).toMatch(/6 attempts/);
    // The last attempt started at 1+2+3+4+5 = 15 s; the policy refused a sixth wait.
    expect(failedAt - t0).toBe(15_000);

    // The directory recovers; RETRY starts a new run with a fresh deadline and attempt count.
    directory.clearWrites();
    service.retry();
    await settle();
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 1 });
  });

  it('gives up on throttling with rate-limited', async () => {
    const directory = new FakeDirectory(Array.from({ length: 50 }, () => throttled(4000)));
    const { service } = start({
      client: directory,
      retryPolicy: ({ error, now, deadline }) =>
        error.retryAfterMs !== undefined && now + error.retryAfterMs < deadline
          ? error.retryAfterMs
          : undefined,
    });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(30_000);
    expect(service.view()).toMatchObject({ canRetry: true, error: { code: 'rate-limited' } });
    expect(directory.joins).toHaveLength(5);
  });

  it('abandons an attempt that hangs past the deadline and checks whether it landed', async () => {
    const directory = new FakeDirectory([
      hang(err(directoryError('cancelled', 'aborted', { ambiguous: true }))),
    ]);
    const { service } = start({ client: directory, deadlineMs: 20_000 });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(19_999);
    expect(service.view().phase).toBe('writingSession');
    await vi.advanceTimersByTimeAsync(1);
    expect(directory.joins[0]?.signal.aborted).toBe(true);
    expect(service.view()).toMatchObject({
      phase: 'failed',
      canRetry: true,
      error: { code: 'directory-unavailable' },
    });
    // The write might have landed: the machine looked, found the player, and left.
    expect(directory.reads).toEqual([invite().handleId]);
    expect(directory.leaves).toHaveLength(1);
  });
});

describe('join machine: CANCEL in each state', () => {
  it('while waiting to sign in again: stops the countdown', async () => {
    const tokens = new FakeTokens();
    tokens.answer = err({ code: 'directory-unavailable', message: 'no answer', retryable: true });
    const { service } = start({ tokens });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('retrying');
    service.cancel();
    await settle();
    expect(service.view()).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(tokens.calls).toBe(1);
  });

  it('while activating: aborts the token request', async () => {
    const tokens = new FakeTokens();
    tokens.answer = hang(err({ code: 'cancelled', message: 'aborted', retryable: false }));
    const { service, directory } = start({ tokens });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('activating');
    service.cancel();
    await settle();
    expect(tokens.signals[0]?.aborted).toBe(true);
    expect(service.view()).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
    expect(directory.joins).toHaveLength(0);
  });

  it('while writing: aborts the PUT, then leaves if it landed after all', async () => {
    const directory = new FakeDirectory([hang(err(directoryError('cancelled', 'aborted')))]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('writingSession');
    service.cancel();
    await settle();
    expect(directory.joins[0]?.signal.aborted).toBe(true);
    expect(directory.reads).toEqual([invite().handleId]);
    expect(directory.leaves).toHaveLength(1);
    expect(service.view()).toMatchObject({
      phase: 'failed',
      canRetry: true,
      error: { code: 'cancelled' },
    });
  });

  it('while writing: leaves nothing when the check shows the write did not land', async () => {
    const directory = new FakeDirectory([hang(err(directoryError('cancelled', 'aborted')))]);
    directory.readAnswer = { ok: true, value: undefined };
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    service.cancel();
    await settle();
    expect(directory.reads).toHaveLength(1);
    expect(directory.leaves).toEqual([]);
    expect(service.view().error?.code).toBe('cancelled');
  });

  it('while counting down after a definite failure: stops without touching the directory', async () => {
    const directory = new FakeDirectory([unavailable(false)]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('retrying');
    service.cancel();
    await settle();
    expect(service.view()).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
    expect(directory.reads).toEqual([]);
    expect(directory.leaves).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(directory.joins).toHaveLength(1);
  });

  it('while counting down after an ambiguous failure: checks and leaves', async () => {
    const directory = new FakeDirectory([unavailable(true)]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    service.cancel();
    await settle();
    expect(directory.reads).toEqual([invite().handleId]);
    // Located through a membership-first join (which finds, not adds), then left.
    expect(directory.joins.at(-1)?.checkMembershipFirst).toBe(true);
    expect(directory.leaves).toHaveLength(1);
  });

  it('while the game is joining: aborts the hand-off and leaves the session', async () => {
    const game = new FakeGame();
    game.answer = hang(err({ code: 'cancelled' as const, message: 'aborted' }));
    const { service, directory } = start({ game });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('joining');
    service.cancel();
    await settle();
    expect(game.joins[0]?.signal.aborted).toBe(true);
    expect(directory.leaves).toEqual(['/serviceconfigs/s/sessionTemplates/t/sessions/a']);
    expect(service.view()).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
  });

  it('while leaving for a newer invite: the newer invite is cancelled, the old session still left', async () => {
    const directory = new FakeDirectory();
    const release = holdLeaves(directory);
    const { service } = start({ client: directory });
    const newer = invite('0f0e0d0c-0b0a-4909-8807-060504030201');
    service.submit(invite());
    await settle();
    service.submit(newer);
    await settle();
    expect(service.view()).toMatchObject({
      phase: 'activating',
      invite: { handleId: newer.handleId },
    });
    service.cancel();
    await settle();
    release();
    await settle();
    expect(service.view()).toMatchObject({
      phase: 'failed',
      invite: { handleId: newer.handleId },
      error: { code: 'cancelled' },
    });
    expect(directory.leaves).toHaveLength(1);
    expect(directory.joins).toHaveLength(1);
  });

  it('once joined: CANCEL changes nothing (the player is in the game)', async () => {
    const { service, directory } = start();
    service.submit(invite());
    await settle();
    service.cancel();
    await settle();
    expect(service.view().phase).toBe('joined');
    expect(directory.leaves).toEqual([]);
  });
});

describe('join machine: nothing left behind', () => {
  it('leaves the session when the game fails, and still shows game-failed', async () => {
    const game = new FakeGame();
    game.answer = err({ code: 'game-failed' as const, message: 'The game closed before joining.' });
    const { service, directory } = start({ game });
    service.submit(invite());
    await settle();
    expect(directory.leaves).toEqual(['/serviceconfigs/s/sessionTemplates/t/sessions/a']);
    expect(service.view()).toMatchObject({
      phase: 'failed',
      canRetry: true,
      error: { code: 'game-failed', message: 'The game closed before joining.' },
    });
  });

  it('retries a leave that fails transiently (leaving is idempotent)', async () => {
    const game = new FakeGame();
    game.answer = err({ code: 'game-failed' as const, message: 'crashed' });
    const directory = new FakeDirectory();
    let leaves = 0;
    directory.leaveAnswer = async () =>
      ++leaves < 3
        ? err(directoryError('directory-unavailable', 'down', { status: 503 }))
        : { ok: true, value: undefined };
    const { service, log } = start({ game, client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().error?.code).toBe('game-failed');
    // Waits of 1 s and 2 s (the test policy), then the third leave succeeds.
    await vi.advanceTimersByTimeAsync(3000);
    expect(directory.leaves).toHaveLength(3);
    expect(log.lines).toContain(
      `info left the session of handle=${invite().handleId.slice(0, 8)}…`,
    );
  });

  it('logs a leave that keeps failing and still ends in the right state', async () => {
    const game = new FakeGame();
    game.answer = err({ code: 'game-failed' as const, message: 'crashed' });
    const directory = new FakeDirectory();
    directory.leaveAnswer = err(directoryError('directory-unavailable', 'down', { status: 503 }));
    const { service, log } = start({ game, client: directory });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(6000);
    expect(service.view().error?.code).toBe('game-failed');
    expect(directory.leaves.length).toBeGreaterThan(1);
    expect(log.lines.some((line) => line.startsWith('warn could not leave'))).toBe(true);
    expect(service.inFlightHandleId()).toBeUndefined();
    const view = await service.settled();
    expect(view.error?.code).toBe('game-failed');
  });

  it('a leave that hangs is abandoned after the leave timeout', async () => {
    const game = new FakeGame();
    game.answer = err({ code: 'game-failed' as const, message: 'crashed' });
    const directory = new FakeDirectory();
    directory.leaveAnswer = hang(err(directoryError('cancelled', 'aborted')));
    const { service, log } = start({ game, client: directory, leaveTimeoutMs: 3000 });
    service.submit(invite());
    await settle();
    // The player already sees the failure while the leave is pending.
    expect(service.view().error?.code).toBe('game-failed');
    expect(service.inFlightHandleId()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2999);
    expect(log.lines).not.toContain('warn leaving the session took too long; moving on');
    await vi.advanceTimersByTimeAsync(1);
    expect(log.lines).toContain('warn leaving the session took too long; moving on');
    expect(service.view().error?.code).toBe('game-failed');
    // The machine is free again: a retry with a working game joins.
    game.answer = { ok: true, value: { connection: 'x', handedToRunningGame: true } };
    directory.leaveAnswer = { ok: true, value: undefined };
    service.retry();
    await settle();
    expect(service.view().phase).toBe('joined');
  });

  it('a newer invite supersedes a joined one: leave the old session, join the new', async () => {
    const directory = new FakeDirectory([
      written('/serviceconfigs/s/sessionTemplates/t/sessions/old'),
      written('/serviceconfigs/s/sessionTemplates/t/sessions/new'),
    ]);
    const { service, game } = start({ client: directory });
    const second = invite('0f0e0d0c-0b0a-4909-8807-060504030201');
    service.submit(invite());
    await settle();
    service.submit(second);
    await settle();
    expect(directory.leaves).toEqual(['/serviceconfigs/s/sessionTemplates/t/sessions/old']);
    expect(service.view()).toMatchObject({
      phase: 'joined',
      invite: { handleId: second.handleId },
    });
    expect(game.joins.map((call) => call.request.invite.handleId)).toEqual([
      invite().handleId,
      second.handleId,
    ]);
  });

  it('a newer invite during a write aborts it, cleans up, and joins the new one', async () => {
    const directory = new FakeDirectory([
      hang(err(directoryError('cancelled', 'aborted'))),
      written('/serviceconfigs/s/sessionTemplates/t/sessions/new'),
      written('/serviceconfigs/s/sessionTemplates/t/sessions/old-found'),
    ]);
    const { service } = start({ client: directory });
    const second = invite('0f0e0d0c-0b0a-4909-8807-060504030201');
    service.submit(invite());
    await settle();
    service.submit(second);
    expect(service.inFlightHandleId()).toBe(second.handleId);
    await settle();
    expect(directory.joins[0]?.signal.aborted).toBe(true);
    expect(service.view()).toMatchObject({
      phase: 'joined',
      invite: { handleId: second.handleId },
    });
    expect(directory.reads).toEqual([invite().handleId]);
  });

  it('the same invite again while it is running changes nothing', async () => {
    const directory = new FakeDirectory([unavailable()]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    service.submit(invite());
    await settle();
    expect(service.view()).toMatchObject({ phase: 'retrying', attempt: 1 });
  });

  it('DISMISS returns to idle; a joined session stays until stop() leaves it', async () => {
    const { service, directory } = start();
    service.submit(invite());
    await settle();
    service.dismiss();
    await settle();
    expect(service.view()).toEqual({ phase: 'idle', attempt: 0, canRetry: false });
    expect(directory.leaves).toEqual([]);
    const stopped = service.stop();
    await settle();
    await stopped;
    expect(directory.leaves).toEqual(['/serviceconfigs/s/sessionTemplates/t/sessions/a']);
    // After stop nothing is accepted.
    service.submit(invite());
    await settle();
    expect(directory.joins).toHaveLength(1);
  });

  it('DISMISS of a failure goes back to idle and the next invite starts cleanly', async () => {
    const directory = new FakeDirectory([expired(), written()]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    service.dismiss();
    await settle();
    expect(service.view().phase).toBe('idle');
    service.submit(invite());
    await settle();
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 1 });
  });

  it('the player quitting the game leaves the session and returns to idle', async () => {
    const { service, directory, game } = start();
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('joined');
    game.exit('exit code 0');
    await settle();
    expect(directory.leaves).toEqual(['/serviceconfigs/s/sessionTemplates/t/sessions/a']);
    expect(service.view()).toEqual({ phase: 'idle', attempt: 0, canRetry: false });
    // Also after DISMISS: the membership is still known and left when the game goes.
    service.submit(invite('0f0e0d0c-0b0a-4909-8807-060504030201'));
    await settle();
    service.dismiss();
    await settle();
    game.exit();
    await settle();
    expect(directory.leaves).toHaveLength(2);
    // A game exit with nothing joined changes nothing.
    game.exit();
    await settle();
    expect(directory.leaves).toHaveLength(2);
  });

  it('a late INVITE cannot undo a shutdown in progress', async () => {
    // Straight on the machine, its actors provided the way xstate tests do: the service itself
    // already drops events once stop() was called.
    const writes: string[] = [];
    const leaves: string[] = [];
    const machine = joinMachine.provide({
      actors: {
        identify: fromPromise<SignInOutcome, SignInInput>(async () => ({
          result: {
            ok: true as const,
            value: { xuid: invite().localXuid, userHash: 'u', token: new Secret('t') },
          },
          deadlineAt: Date.now() + 20_000,
        })),
        writeSession: fromPromise(async ({ input }) => {
          writes.push(input.seat?.invite.handleId ?? 'none');
          return { result: written(), deadlineAt: Date.now() + 20_000 };
        }),
        handOff: fromPromise<HandOffResult, HandOffInput>(async () => ({
          ok: true as const,
          value: { connection: 'x', handedToRunningGame: false },
        })),
        leaveSession: fromPromise(async ({ input }) => {
          leaves.push(input.membership?.contentLocation ?? 'none');
        }),
      },
    });
    const actor = createActor(machine, { input: { deadlineMs: 20_000, leaveTimeoutMs: 5_000 } });
    actor.start();
    actor.send({ type: 'INVITE', invite: invite() });
    await settle();
    expect(actor.getSnapshot().hasTag('joined')).toBe(true);
    actor.send({ type: 'SHUTDOWN' });
    // Arrives while the session is being left.
    actor.send({ type: 'INVITE', invite: invite('0f0e0d0c-0b0a-4909-8807-060504030201') });
    await settle();
    expect(actor.getSnapshot().status).toBe('done');
    expect(writes).toEqual([invite().handleId]);
    expect(leaves).toEqual(['/serviceconfigs/s/sessionTemplates/t/sessions/a']);
  });

  it('stop() during a write aborts it and cleans up', async () => {
    const directory = new FakeDirectory([hang(err(directoryError('cancelled', 'aborted')))]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    const stopped = service.stop();
    await settle();
    await stopped;
    expect(directory.joins[0]?.signal.aborted).toBe(true);
    expect(directory.leaves).toHaveLength(1);
  });
});

describe('join machine: injectable clock', () => {
  it("runs its countdown on xstate's SimulatedClock, with no real or fake timers", async () => {
    vi.useRealTimers();
    const clock = new SimulatedClock();
    clock.set(1_000_000);
    const directory = new FakeDirectory([unavailable(), written()]);
    const { service } = start({ client: directory, clock });
    service.submit(invite());
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.view()).toMatchObject({
      phase: 'retrying',
      attempt: 1,
      nextRetryAt: 1_001_000,
    });
    clock.increment(999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(directory.joins).toHaveLength(1);
    clock.increment(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 2 });
  });
});

describe('join machine: giving up never leaves a ghost member', () => {
  it('an ambiguous failure with no time left: checks whether the write landed, and leaves', async () => {
    // The policy refuses any wait: the machine gives up right after the unanswered attempt.
    const directory = new FakeDirectory([unavailable(true)]);
    const { service } = start({ client: directory, retryPolicy: () => undefined });
    service.submit(invite());
    await settle();
    expect(service.view()).toMatchObject({
      phase: 'failed',
      error: { code: 'directory-unavailable' },
    });
    expect(directory.reads).toEqual([invite().handleId]);
    expect(directory.joins.at(-1)?.checkMembershipFirst).toBe(true);
    expect(directory.leaves).toHaveLength(1);
  });

  it('an ambiguous, non-retryable answer (the write may have landed): checks and leaves', async () => {
    const directory = new FakeDirectory([
      err(directoryError('malformed-response', 'session answer is not JSON', { ambiguous: true })),
    ]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().error?.code).toBe('malformed-response');
    expect(directory.reads).toEqual([invite().handleId]);
    expect(directory.leaves).toHaveLength(1);
  });

  it('a definite refusal after an unanswered attempt: the earlier write is still checked and left', async () => {
    const directory = new FakeDirectory([unavailable(true), expired()]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(1000);
    expect(service.view().error?.code).toBe('invite-expired');
    expect(directory.reads).toEqual([invite().handleId]);
    expect(directory.leaves).toHaveLength(1);
  });

  it('a definite refusal with nothing unanswered before it touches nothing', async () => {
    const directory = new FakeDirectory([unavailable(false), expired()]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(1000);
    expect(service.view().error?.code).toBe('invite-expired');
    expect(directory.reads).toEqual([]);
    expect(directory.leaves).toEqual([]);
  });
});

describe('join machine: RETRY after a failure', () => {
  /** Drives a run into the failure `code` through the real machine, with scripted dependencies. */
  async function failWith(code: JoinErrorCode) {
    const directory = new FakeDirectory([]);
    const tokens = new FakeTokens();
    const game = new FakeGame();
    const failure = (c: Parameters<typeof directoryError>[0]) =>
      err(directoryError(c, `directory said ${c}`));
    switch (code) {
      case 'invite-expired':
      case 'session-full':
      case 'not-allowed':
      case 'conflict':
      case 'malformed-response':
        directory.answerWrites(failure(code));
        break;
      case 'unauthorized':
        tokens.answer = err({ code, message: 'refused', retryable: false });
        break;
      case 'wrong-account':
        tokens.answer = {
          ok: true,
          value: { xuid: '1111', userHash: 'u', token: new Secret('t') },
        };
        break;
      case 'directory-unavailable':
      case 'rate-limited':
        // Retryable, but the policy has no time left: the machine gives up with the code.
        directory.answerWrites(failure(code));
        break;
      case 'game-failed':
        game.answer = err({ code: 'game-failed' as const, message: 'crashed' });
        break;
      case 'cancelled':
        directory.answerWrites(hang(err(directoryError('cancelled', 'aborted'))));
        break;
      case 'invalid-link':
        return undefined; // refused before the machine: the launcher view shows it
    }
    const started = start({ client: directory, tokens, game, retryPolicy: () => undefined });
    started.service.submit(invite());
    await settle();
    if (code === 'cancelled') started.service.cancel();
    await settle();
    expect(started.service.view()).toMatchObject({ phase: 'failed', error: { code } });
    // From here on every dependency works: an accepted RETRY joins.
    directory.clearWrites();
    tokens.answer = ok({ xuid: invite().localXuid, userHash: 'u', token: new Secret('t') });
    game.answer = ok({ connection: 'x', handedToRunningGame: false });
    return { ...started, directory, tokens };
  }

  const expectedTryAgain: Record<JoinErrorCode, boolean> = {
    'invalid-link': false,
    'invite-expired': false,
    'session-full': false,
    'not-allowed': false,
    conflict: true,
    unauthorized: false,
    'wrong-account': false,
    'directory-unavailable': true,
    'rate-limited': true,
    'malformed-response': true,
    'game-failed': true,
    cancelled: true,
  };

  for (const code of joinErrorCodes.filter((c) => c !== 'invalid-link')) {
    it(`${code}: ${expectedTryAgain[code] ? 'Try again is offered and RETRY joins' : 'no Try again, and RETRY does nothing'}`, async () => {
      const run = await failWith(code);
      if (!run) return;
      const { service, directory, tokens } = run;
      expect(service.view().canRetry).toBe(expectedTryAgain[code]);
      const writes = directory.joins.length;
      const signIns = tokens.calls;
      service.retry();
      await settle();
      if (expectedTryAgain[code]) {
        expect(service.view()).toMatchObject({ phase: 'joined' });
        expect(tokens.calls).toBe(signIns + 1);
      } else {
        expect(service.view()).toMatchObject({ phase: 'failed', error: { code } });
        expect(directory.joins).toHaveLength(writes);
        expect(tokens.calls).toBe(signIns);
      }
    });
  }

  it('RETRY while the failed run is still leaving: refused for a failure Try again cannot fix', async () => {
    const directory = new FakeDirectory([
      err(directoryError('not-allowed', 'closed', { ambiguous: true })),
    ]);
    const release = holdLeaves(directory);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    // Still leaving the maybe-written session, but the player already sees the failure.
    expect(service.view()).toMatchObject({ phase: 'failed', canRetry: false });
    service.retry();
    release();
    await settle();
    expect(service.view()).toMatchObject({ phase: 'failed', error: { code: 'not-allowed' } });
    expect(directory.joins.filter((call) => !call.checkMembershipFirst)).toHaveLength(1);
  });
});

describe('join machine: the edges of its chart', () => {
  const budget = { deadlineMs: 20_000, leaveTimeoutMs: 5_000 };
  const other = invite('0f0e0d0c-0b0a-4909-8807-060504030201');
  const location = '/serviceconfigs/s/sessionTemplates/t/sessions/a';

  /** The machine's own log lines, as `level message`. */
  function logLines(actor: { on: (type: 'log', listener: (line: JoinLogLine) => void) => void }) {
    const lines: string[] = [];
    actor.on('log', (line) => lines.push(`${line.level} ${line.message}`));
    return lines;
  }

  const signedIn = fromPromise<SignInOutcome, SignInInput>(async () => ({
    result: {
      ok: true as const,
      value: { xuid: invite().localXuid, userHash: 'u', token: new Secret('t') },
    },
    deadlineAt: Date.now() + 20_000,
  }));
  const writes = fromPromise<WriteOutcome, WriteInput>(async () => ({
    result: written(location),
    deadlineAt: Date.now() + 20_000,
  }));

  it('fails with a typed error, never a crash, when an actor rejects (here: none provided)', async () => {
    const bare = createActor(joinMachine, { input: budget });
    const bareLines = logLines(bare);
    bare.start();
    bare.send({ type: 'INVITE', invite: invite() });
    await settle();
    expect(bare.getSnapshot().value).toBe('failed');
    expect(bare.getSnapshot().context.error).toEqual({
      code: 'unauthorized',
      message:
        "Could not get a sign-in token: Error: the join machine's identify actor was not provided",
    });
    expect(bareLines[0]).toBe(
      `info activating invite for handle=${invite().handleId.slice(0, 8)}…`,
    );

    const noWriter = createActor(joinMachine.provide({ actors: { identify: signedIn } }), {
      input: budget,
    });
    const noWriterLines = logLines(noWriter);
    noWriter.start();
    noWriter.send({ type: 'INVITE', invite: invite() });
    await settle();
    expect(noWriter.getSnapshot().value).toBe('failed');
    expect(noWriter.getSnapshot().context.error).toEqual({
      code: 'malformed-response',
      message:
        "The directory client failed unexpectedly: Error: the join machine's writeSession actor was not provided",
    });
    // The write may have landed, so the machine tried to leave, and logged that it could not.
    expect(noWriterLines).toContain(
      "warn leaving failed: Error: the join machine's leaveSession actor was not provided",
    );

    const noGame = createActor(
      joinMachine.provide({ actors: { identify: signedIn, writeSession: writes } }),
      { input: budget },
    );
    noGame.start();
    noGame.send({ type: 'INVITE', invite: invite() });
    await settle();
    expect(noGame.getSnapshot().value).toBe('failed');
    expect(noGame.getSnapshot().context.error).toEqual({
      code: 'game-failed',
      message:
        "The game hand-off failed unexpectedly: Error: the join machine's handOff actor was not provided",
    });
  });

  it('logs each decision of a run: the invite, every retry, giving up, the write, the game', async () => {
    const directory = new FakeDirectory([
      unavailable(),
      err(directoryError('directory-unavailable', 'connection refused')),
      expired(),
    ]);
    const first = start({ client: directory });
    first.service.submit(invite());
    await vi.advanceTimersByTimeAsync(3000);
    expect(first.service.view().error?.code).toBe('invite-expired');
    const label = `handle=${invite().handleId.slice(0, 8)}…`;
    const machineLines = (lines: string[]) =>
      lines.filter((line) => /^\w+ (activating|attempt|written|the game|game hand-off)/.test(line));
    expect(machineLines(first.log.lines)).toEqual([
      `info activating invite for ${label}`,
      'info attempt 1 failed (directory-unavailable 503); retrying in 1000 ms',
      'info attempt 2 failed (directory-unavailable); retrying in 2000 ms',
      'warn attempt 3 failed (invite-expired); giving up',
    ]);

    const game = new FakeGame();
    const second = start({ game });
    second.service.submit(invite());
    await settle();
    game.exit('exit code 3');
    await settle();
    expect(machineLines(second.log.lines)).toEqual([
      `info activating invite for ${label}`,
      `info written into the session of ${label}`,
      'info the game confirmed the join',
      'info the game exited (exit code 3); leaving the session',
    ]);

    const crashing = new FakeGame();
    crashing.answer = err({ code: 'game-failed' as const, message: 'crashed on start' });
    const third = start({ game: crashing });
    third.service.submit(invite());
    await settle();
    expect(third.log.lines).toContain('warn game hand-off failed: crashed on start');
  });

  it('a game exit with nothing joined does not even start leaving', async () => {
    let leaves = 0;
    const machine = joinMachine.provide({
      actors: {
        leaveSession: fromPromise<void, LeaveInput>(async () => void leaves++),
      },
    });
    const actor = createActor(machine, { input: budget });
    actor.start();
    actor.send({ type: 'GAME_EXITED', description: 'exit code 0' });
    await settle();
    expect(actor.getSnapshot().value).toBe('idle');
    expect(leaves).toBe(0);
  });

  it('a new invite after a joined one was dismissed leaves the old session first', async () => {
    const { service, directory } = start();
    service.submit(invite());
    await settle();
    service.dismiss();
    await settle();
    expect(service.view().phase).toBe('idle');
    expect(directory.leaves).toEqual([]);
    service.submit(other);
    await settle();
    expect(directory.leaves).toEqual([location]);
    expect(directory.joins.map((call) => call.handleId)).toEqual([
      invite().handleId,
      other.handleId,
    ]);
    expect(service.view()).toMatchObject({ phase: 'joined', invite: { handleId: other.handleId } });
  });

  /** A run whose game fails (Try again may fix it), stopped while it leaves the session. */
  async function leavingAfterGameFailure() {
    const game = new FakeGame();
    game.answer = err({ code: 'game-failed' as const, message: 'crashed' });
    const directory = new FakeDirectory();
    const release = holdLeaves(directory);
    const started = start({ client: directory, game });
    started.service.submit(invite());
    await settle();
    expect(started.service.view()).toMatchObject({ phase: 'failed', canRetry: true });
    expect(directory.leaves).toHaveLength(1);
    game.answer = ok({ connection: 'x', handedToRunningGame: false });
    return { ...started, game, release: () => release() };
  }

  it('RETRY while the failed run is still leaving: taken, and the same invite joins after the leave', async () => {
    const { service, directory, release } = await leavingAfterGameFailure();
    service.retry();
    await settle();
    expect(directory.joins).toHaveLength(1);
    release();
    await settle();
    expect(directory.joins.map((call) => call.handleId)).toEqual([
      invite().handleId,
      invite().handleId,
    ]);
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 1 });
  });

  it('a newer invite while the failed run is still leaving: taken, and joined after the leave', async () => {
    const { service, directory, release } = await leavingAfterGameFailure();
    service.submit(other);
    await settle();
    release();
    await settle();
    expect(directory.joins.map((call) => call.handleId)).toEqual([
      invite().handleId,
      other.handleId,
    ]);
    expect(service.view()).toMatchObject({ phase: 'joined', invite: { handleId: other.handleId } });
  });

  it('DISMISS while the failed run is still leaving: idle at once, and still idle after the leave', async () => {
    const { service, directory, release } = await leavingAfterGameFailure();
    service.dismiss();
    await settle();
    expect(service.view()).toEqual({ phase: 'idle', attempt: 0, canRetry: false });
    release();
    await settle();
    expect(service.view()).toEqual({ phase: 'idle', attempt: 0, canRetry: false });
    expect(directory.joins).toHaveLength(1);
  });

  it('DISMISS while leaving for a newer invite changes nothing: the newer invite joins', async () => {
    const directory = new FakeDirectory();
    const release = holdLeaves(directory);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    service.submit(other);
    await settle();
    service.dismiss();
    await settle();
    expect(service.view()).toMatchObject({
      phase: 'activating',
      invite: { handleId: other.handleId },
    });
    release();
    await settle();
    expect(service.view()).toMatchObject({ phase: 'joined', invite: { handleId: other.handleId } });
  });

  it('CANCEL while the failed run is still leaving changes nothing: the failure stays as it was', async () => {
    const { service, directory, release } = await leavingAfterGameFailure();
    const failed = service.view();
    service.cancel();
    await settle();
    expect(service.view()).toEqual(failed);
    release();
    await settle();
    expect(service.view()).toEqual(failed);
    expect(service.view()).toMatchObject({
      invite: { handleId: invite().handleId },
      error: { code: 'game-failed', message: 'crashed' },
    });
    expect(directory.joins).toHaveLength(1);
  });

  it('the same invite again once joined changes nothing: no leave, no second write', async () => {
    const { service, directory, game } = start();
    service.submit(invite());
    await settle();
    service.submit(invite());
    await settle();
    expect(service.view()).toMatchObject({
      phase: 'joined',
      invite: { handleId: invite().handleId },
    });
    expect(directory.leaves).toEqual([]);
    expect(directory.joins).toHaveLength(1);
    expect(game.joins).toHaveLength(1);
  });

  it('CANCEL while signing in records the cancel: Try again is offered, and joins', async () => {
    const tokens = new FakeTokens();
    const signedIn = tokens.answer;
    tokens.answer = hang(err({ code: 'cancelled', message: 'aborted', retryable: false }));
    const { service, directory } = start({ tokens });
    service.submit(invite());
    await settle();
    service.cancel();
    await settle();
    expect(service.view()).toEqual({
      phase: 'failed',
      attempt: 0,
      canRetry: true,
      invite: { kind: 'invite', handleId: invite().handleId },
      error: { code: 'cancelled', message: 'The join was cancelled.' },
    });
    tokens.answer = signedIn;
    service.retry();
    await settle();
    expect(service.view()).toMatchObject({ phase: 'joined', attempt: 1 });
    expect(directory.joins).toHaveLength(1);
  });

  it('a newer invite while signing in starts over for it: the first sign-in aborted, the newer one joined', async () => {
    const tokens = new FakeTokens();
    const signedIn = tokens.answer;
    tokens.answer = hang(err({ code: 'cancelled', message: 'aborted', retryable: false }));
    const { service, directory, log } = start({ tokens });
    service.submit(invite());
    await settle();
    // The same invite again is a duplicate: nothing starts over.
    service.submit(invite());
    await settle();
    expect(tokens.calls).toBe(1);
    tokens.answer = signedIn;
    service.submit(other);
    await settle();
    expect(tokens.signals[0]?.aborted).toBe(true);
    expect(tokens.calls).toBe(2);
    expect(directory.joins.map((call) => call.handleId)).toEqual([other.handleId]);
    expect(service.view()).toMatchObject({
      phase: 'joined',
      attempt: 1,
      invite: { handleId: other.handleId },
    });
    expect(log.lines.filter((line) => line.startsWith('info activating'))).toEqual([
      `info activating invite for handle=${invite().handleId.slice(0, 8)}…`,
      `info activating invite for handle=${other.handleId.slice(0, 8)}…`,
    ]);
  });

  it('a newer invite after a failure starts at once, with nothing to leave', async () => {
    const directory = new FakeDirectory([expired()]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('failed');
    service.submit(other);
    expect(service.view()).toMatchObject({
      phase: 'activating',
      invite: { handleId: other.handleId },
    });
    await settle();
    expect(service.view()).toMatchObject({ phase: 'joined', invite: { handleId: other.handleId } });
    expect(directory.leaves).toEqual([]);
    expect(directory.reads).toEqual([]);
  });

  it('names the invite in flight while signing in, writing and handing off, and none once resting', async () => {
    const tokens = new FakeTokens();
    let signIn: () => void = () => undefined;
    tokens.answer = () =>
      new Promise(
        (resolve) =>
          (signIn = () =>
            resolve(ok({ xuid: invite().localXuid, userHash: 'u', token: new Secret('t') }))),
      );
    const directory = new FakeDirectory([]);
    let write: () => void = () => undefined;
    directory.answerWrites(() => new Promise((resolve) => (write = () => resolve(written()))));
    const game = new FakeGame();
    let confirm: () => void = () => undefined;
    game.answer = () =>
      new Promise(
        (resolve) => (confirm = () => resolve(ok({ connection: 'x', handedToRunningGame: false }))),
      );
    const { service } = start({ tokens, client: directory, game });
    await expect(service.settled()).resolves.toEqual({
      phase: 'idle',
      attempt: 0,
      canRetry: false,
    });
    service.submit(invite());
    await settle();
    const inFlight: [string, string | undefined][] = [];
    const look = () => inFlight.push([service.view().phase, service.inFlightHandleId()]);
    look();
    signIn();
    await settle();
    look();
    write();
    await settle();
    look();
    confirm();
    await settle();
    look();
    expect(inFlight).toEqual([
      ['activating', invite().handleId],
      ['writingSession', invite().handleId],
      ['joining', invite().handleId],
      ['joined', undefined],
    ]);
    await expect(service.settled()).resolves.toMatchObject({ phase: 'joined' });
    await service.stop();
    await expect(service.settled()).resolves.toEqual({
      phase: 'idle',
      attempt: 0,
      canRetry: false,
    });
  });

  it('RETRY while a shutdown is leaving the session changes nothing: the machine stops', async () => {
    let signIns = 0;
    let release: () => void = () => undefined;
    const machine = joinMachine.provide({
      actors: {
        identify: fromPromise<SignInOutcome, SignInInput>(async () => {
          signIns += 1;
          return {
            result: {
              ok: true as const,
              value: { xuid: invite().localXuid, userHash: 'u', token: new Secret('t') },
            },
            deadlineAt: Date.now() + 20_000,
          };
        }),
        writeSession: writes,
        handOff: fromPromise<HandOffResult, HandOffInput>(async () =>
          err({ code: 'game-failed' as const, message: 'crashed' }),
        ),
        leaveSession: fromPromise<void, LeaveInput>(
          () => new Promise<void>((resolve) => (release = resolve)),
        ),
      },
    });
    const actor = createActor(machine, { input: budget });
    actor.start();
    actor.send({ type: 'INVITE', invite: invite() });
    await settle();
    expect(actor.getSnapshot().value).toBe('leaving');
    expect(actor.getSnapshot().can({ type: 'RETRY' })).toBe(true);
    actor.send({ type: 'SHUTDOWN' });
    actor.send({ type: 'RETRY' });
    release();
    await settle();
    expect(actor.getSnapshot().status).toBe('done');
    expect(signIns).toBe(1);
  });
});

describe('remainingBudget', () => {
  const context = {
    budget: { deadlineMs: 20_000, leaveTimeoutMs: 5_000 },
    target: { kind: 'none' as const },
    attempt: 0,
    signInAttempt: 0,
    checkMembershipFirst: false,
    retryDelayMs: 0,
  };

  it('is the whole budget before the first attempt, then the time left, never below zero', () => {
    expect(remainingBudget(context, 1_000)).toBe(20_000);
    expect(remainingBudget({ ...context, deadlineAt: 5_000 }, 1_000)).toBe(4_000);
    expect(remainingBudget({ ...context, deadlineAt: 5_000 }, 9_000)).toBe(0);
  });
});
