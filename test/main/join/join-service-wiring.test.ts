/**
 * What `createJoinService` adds around the join machine: the default retry policy and clock, the
 * view stream (one view per change, a failing listener isolated), the joined session, sender
 * names, and a stop that waits for leaving. Scripted directory, tokens and game
 * (join-machine-fakes.ts) on fake timers, so each point is exact and fast.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createJoinService, type JoinServiceDeps } from '../../../src/main/join/join-service';
import type { JoinClock } from '../../../src/main/join/leave-session';
import { nextRetryDelay } from '../../../src/main/join/retry-policy';
import { directoryError } from '../../../src/main/join/directory-error';
import type { GameHandOff } from '../../../src/main/join/game-hand-off';
import type { JoinView } from '../../../src/shared/join-view';
import { ok } from '../../../src/shared/result';
import {
  FakeDirectory,
  FakeGame,
  FakeTokens,
  MemoryLog,
  hang,
  invite,
  playerXuid,
  unavailable,
  written,
} from './join-machine-fakes';

const location = '/serviceconfigs/s/sessionTemplates/t/sessions/a';
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-27T09:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

function start(overrides: Partial<JoinServiceDeps> = {}) {
  const directory = (overrides.client as FakeDirectory | undefined) ?? new FakeDirectory();
  const game = (overrides.game as FakeGame | undefined) ?? new FakeGame();
  const log = new MemoryLog();
  const service = createJoinService({
    log,
    tokens: new FakeTokens(),
    ...overrides,
    client: directory,
    game,
  });
  const views: JoinView[] = [];
  service.subscribe((view) => views.push(view));
  return { service, directory, game, log, views };
}

describe('createJoinService: defaults', () => {
  it('without a policy, a 503 is retried with the default backoff, tuned and jittered as given', async () => {
    const retry = { baseDelayMs: 700, maxDelayMs: 700 };
    const random = () => 0.5;
    const directory = new FakeDirectory([unavailable()]);
    const { service } = start({ client: directory, retry, random });
    service.submit(invite());
    await settle();

    const expected = nextRetryDelay({
      attempt: 1,
      error: directoryError('directory-unavailable', 'directory answered 503', { status: 503 }),
      now: Date.now(),
      deadline: Date.now() + 20_000,
      random,
      policy: retry,
    });
    expect(expected).toBeDefined();
    expect(service.view()).toMatchObject({
      phase: 'retrying',
      nextRetryAt: Date.now() + expected!,
    });
    await vi.advanceTimersByTimeAsync(expected!);
    expect(service.view().phase).toBe('joined');
    expect(directory.joins).toHaveLength(2);
  });

  it('the default budget is 20 s of the system clock', async () => {
    const directory = new FakeDirectory([hang(unavailable(true))]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(19_999);
    expect(service.view().phase).toBe('writingSession');
    await vi.advanceTimersByTimeAsync(1);
    expect(service.view().phase).not.toBe('writingSession');
  });

  it('the system clock clears a deadline left behind: a later invite gets its own 20 s', async () => {
    // The first write is answered at once; had its 20 s deadline timer stayed armed, it would end
    // the next invite's write 10 s early.
    const directory = new FakeDirectory([written(), hang(unavailable(true))]);
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('joined');
    await vi.advanceTimersByTimeAsync(10_000);
    service.submit(invite('0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f'));
    await settle();
    expect(directory.joins).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(service.view().phase).toBe('writingSession');
    await vi.advanceTimersByTimeAsync(1);
    expect(service.view().phase).not.toBe('writingSession');
  });

  it('the deadline is counted on the injected clock, not the wall clock', async () => {
    // A clock 15 s ahead of the wall clock: 20 s of it pass when 20 s of timers have run.
    const clock: JoinClock = {
      now: () => Date.now() + 15_000,
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
    };
    const directory = new FakeDirectory([hang(unavailable(true))]);
    const { service } = start({ client: directory, clock, deadlineMs: 20_000 });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(20_000);
    expect(service.view()).toMatchObject({ phase: 'failed' });
  });

  it('a later attempt’s deadline is counted on the injected clock too', async () => {
    // The first attempt has no deadline yet (the whole budget); the second counts what is left.
    const clock: JoinClock = {
      now: () => Date.now() + 15_000,
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
    };
    const directory = new FakeDirectory([unavailable(), hang(unavailable(true))]);
    const { service } = start({
      client: directory,
      clock,
      deadlineMs: 20_000,
      retryPolicy: () => 1000,
    });
    service.submit(invite());
    await vi.advanceTimersByTimeAsync(1000);
    expect(directory.joins).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(18_999);
    expect(service.view().phase).toBe('writingSession');
    await vi.advanceTimersByTimeAsync(1);
    expect(service.view().phase).toBe('failed');
  });

  it('writes the extra member fields with the player', async () => {
    const member = { secureDeviceAddress: 'QUJD' };
    const { service, directory } = start({ member });
    service.submit(invite());
    await settle();
    expect(directory.joins[0]?.member).toEqual({ secureDeviceAddress: 'QUJD', xuid: playerXuid });
  });

  it('works with a game that cannot report its exit', async () => {
    const fake = new FakeGame();
    const game: GameHandOff = {
      join: (request, options) => fake.join(request, options),
      isRunning: () => fake.isRunning(),
      close: () => fake.close(),
    };
    const { service } = start({ game: game as FakeGame });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('joined');
    const stopped = service.stop();
    await settle();
    await stopped;
  });
});

describe('createJoinService: the view stream', () => {
  it('publishes each changed view once, in order, and stops after unsubscribe', async () => {
    const { service, views } = start();
    const second: JoinView[] = [];
    const unsubscribe = service.subscribe((view) => second.push(view));
    service.submit(invite());
    await settle();

    const texts = views.map((view) => JSON.stringify(view));
    expect(texts.every((text, i) => i === 0 || text !== texts[i - 1])).toBe(true);
    expect(views.at(-1)?.phase).toBe('joined');
    expect(second).toEqual(views);

    unsubscribe();
    service.dismiss();
    await settle();
    expect(views.at(-1)?.phase).toBe('idle');
    expect(second.at(-1)?.phase).toBe('joined');
  });

  it('a listener that throws is logged; the others still hear every view', async () => {
    const { service, log, views } = start();
    service.subscribe(() => {
      throw new Error('renderer gone');
    });
    const after: JoinView[] = [];
    service.subscribe((view) => after.push(view));
    service.submit(invite());
    await settle();

    expect(after).toEqual(views);
    expect(log.lines).toContain('warn a join view listener failed: Error: renderer gone');
  });

  it('names the sender when the profile arrives, while the write still runs', async () => {
    let answer: (profile: { gamertag: string }) => void = () => undefined;
    const lookUp = vi.fn(() => new Promise<{ gamertag: string }>((resolve) => (answer = resolve)));
    const directory = new FakeDirectory([hang(unavailable(true))]);
    const { service, log } = start({ client: directory, senders: { lookUp } });
    service.submit(invite());
    await settle();
    expect(lookUp).toHaveBeenCalledWith(invite().remoteXuid);
    expect(service.view().invite?.from).toBeUndefined();

    answer({ gamertag: 'Named Host' });
    await settle();
    expect(service.view()).toMatchObject({
      phase: 'writingSession',
      invite: { from: 'Named Host' },
    });
    expect(log.lines.some((line) => line.startsWith('info ') && line.includes('sender'))).toBe(
      true,
    );
  });

  it('a sender named after stop() does not publish', async () => {
    let answer: (profile: { gamertag: string }) => void = () => undefined;
    const lookUp = () => new Promise<{ gamertag: string }>((resolve) => (answer = resolve));
    const directory = new FakeDirectory([hang(unavailable(true))]);
    const { service, views } = start({ client: directory, senders: { lookUp } });
    service.submit(invite());
    await settle();
    const stopped = service.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    await stopped;
    const seen = views.length;

    const last = service.view();
    answer({ gamertag: 'Named Host' });
    await settle();
    expect(views).toHaveLength(seen);
    expect(service.view()).toBe(last);
  });
});

describe('createJoinService: the joined session', () => {
  it('is the written session and its XUID only while joined', async () => {
    const { service } = start();
    expect(service.joinedSession()).toBeUndefined();
    service.submit(invite());
    await settle();
    expect(service.joinedSession()).toEqual({ sessionRef: location, xuid: playerXuid });

    service.dismiss();
    await settle();
    expect(service.view().phase).toBe('idle');
    expect(service.joinedSession()).toBeUndefined();
  });

  it('is none while the game is still joining', async () => {
    const game = new FakeGame();
    game.answer = hang(ok({ connection: 'x', handedToRunningGame: false }));
    const { service } = start({ game });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('joining');
    expect(service.joinedSession()).toBeUndefined();
  });
});

describe('createJoinService: stop()', () => {
  it('waits for the leave to finish before stopping, and stops once', async () => {
    const { service, directory, log } = start({ leaveTimeoutMs: 5000 });
    let release: () => void = () => undefined;
    directory.leaveAnswer = () =>
      new Promise((resolve) => (release = () => resolve(ok(undefined))));
    service.submit(invite());
    await settle();

    let done = false;
    const stopped = service.stop();
    expect(service.stop()).toBe(stopped);
    void stopped.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(done).toBe(false);
    release();
    await settle();
    expect(done).toBe(true);
    expect(directory.leaves).toEqual([location]);
    expect(log.lines).toContain('info left the session of handle=8d2c1e4a…');
    expect(log.lines.some((line) => line.includes('did not finish leaving'))).toBe(false);
  });

  it('a leave that hangs ends with the machine’s own leave timeout, not a stop timeout', async () => {
    const { service, directory, log } = start({ leaveTimeoutMs: 5000 });
    directory.leaveAnswer = hang(unavailable());
    service.submit(invite());
    await settle();

    let done = false;
    void service.stop().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(done).toBe(true);
    expect(log.lines.some((line) => line.includes('did not finish leaving'))).toBe(false);
  });

  it('gives up waiting a second after the leave budget when the machine never finishes', async () => {
    // A clock that never fires: the machine's own leave timeout cannot end the leave.
    const clock: JoinClock = {
      now: () => Date.now(),
      setTimeout: () => 0,
      clearTimeout: () => undefined,
    };
    const { service, directory, log } = start({ clock, leaveTimeoutMs: 3000 });
    directory.leaveAnswer = hang(unavailable());
    service.submit(invite());
    await settle();

    let done = false;
    void service.stop().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(3999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(log.lines).toContain(
      'warn the join machine did not finish leaving in time; stopping anyway',
    );
  });

  it('while stopping, nothing new is started and no button is taken', async () => {
    const lookUp = vi.fn(async () => undefined);
    const { service, directory, views } = start({ leaveTimeoutMs: 5000, senders: { lookUp } });
    let release: () => void = () => undefined;
    directory.leaveAnswer = () =>
      new Promise((resolve) => (release = () => resolve(ok(undefined))));
    service.submit(invite());
    await settle();
    const stopped = service.stop();
    await settle();
    const seen = views.length;

    service.submit(invite('11111111-2222-4333-8444-555555555555'));
    service.retry();
    service.cancel();
    service.dismiss();
    await settle();
    release();
    await vi.advanceTimersByTimeAsync(1000);
    await stopped;

    expect(directory.joins).toHaveLength(1);
    expect(views).toHaveLength(seen);
    // Not even the new invite's sender is looked up.
    expect(lookUp.mock.calls).toEqual([[invite().remoteXuid]]);
  });

  it('stops watching the game: an exit after stop() is not heard', async () => {
    const { service, game, log } = start();
    service.submit(invite());
    await settle();
    await Promise.all([service.stop(), vi.advanceTimersByTimeAsync(100)]);
    const lines = log.lines.length;
    game.exit('exit code 1');
    await settle();
    expect(log.lines).toHaveLength(lines);
  });
});

describe('createJoinService: which handle is in flight', () => {
  it('none once the join rests, the invite while it runs', async () => {
    const directory = new FakeDirectory([hang(unavailable(true))]);
    const { service } = start({ client: directory });
    expect(service.inFlightHandleId()).toBeUndefined();
    service.submit(invite());
    await settle();
    expect(service.inFlightHandleId()).toBe(invite().handleId);
    service.cancel();
    await settle();
    expect(service.inFlightHandleId()).toBeUndefined();
  });

  it('while leaving for a new invite: the new invite’s handle', async () => {
    const directory = new FakeDirectory([written()]);
    directory.leaveAnswer = hang(ok(undefined));
    const { service } = start({ client: directory });
    service.submit(invite());
    await settle();
    expect(service.view().phase).toBe('joined');

    const next = invite('11111111-2222-4333-8444-555555555555');
    service.submit(next);
    await settle();
    // The old session is still being left; the new invite waits for that, and is the one in flight.
    expect(directory.leaves).toEqual([location]);
    expect(directory.joins).toHaveLength(1);
    expect(service.inFlightHandleId()).toBe(next.handleId);

    // Cancelled while it waits: nothing is in flight, so the same link may start it again.
    service.cancel();
    await settle();
    expect(directory.leaves).toHaveLength(1);
    expect(service.inFlightHandleId()).toBeUndefined();
  });

  it('while leaving after a game failure: none (nothing waits to start)', async () => {
    const game = new FakeGame();
    game.answer = { ok: false, error: { code: 'game-failed', message: 'crashed' } } as never;
    const directory = new FakeDirectory([written()]);
    directory.leaveAnswer = hang(ok(undefined));
    const { service } = start({ client: directory, game });
    service.submit(invite());
    await settle();
    expect(directory.leaves).toHaveLength(1);
    expect(service.inFlightHandleId()).toBeUndefined();
  });
});

describe('createJoinService: the machine failing', () => {
  it('an error that stops the machine is logged, not rethrown', async () => {
    // A clock that cannot schedule: the machine fails when it first arms a delay (the write's
    // deadline), an error no state of the machine handles.
    const clock: JoinClock = {
      now: () => Date.now(),
      setTimeout: () => {
        throw new Error('no timers left');
      },
      clearTimeout: () => undefined,
    };
    const { service, directory, log } = start({ clock });
    service.submit(invite());
    await settle();

    expect(log.lines).toContain('warn join machine stopped on an error: Error: no timers left');
    expect(directory.joins).toHaveLength(0);
  });
});

describe('createJoinService: a logger that throws', () => {
  it('breaks no join and raises no unhandled error, from any line it is given', async () => {
    // Real timers: xstate rethrows a handler's error from a real setTimeout, as in Electron main.
    vi.useRealTimers();
    const unhandled: unknown[] = [];
    const record = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    const attempts: string[] = [];
    const log = {
      info: (line: string) => {
        attempts.push(`info ${line}`);
        throw new Error('log sink gone');
      },
      warn: (line: string) => {
        attempts.push(`warn ${line}`);
        throw new Error('log sink gone');
      },
    };
    try {
      // A 503 first (a retry line), a listener that throws (a warn line), a sender lookup (its
      // own line), and a stop that leaves (the leave's line).
      const directory = new FakeDirectory([unavailable(), written()]);
      const service = createJoinService({
        client: directory,
        tokens: new FakeTokens(),
        game: new FakeGame(),
        log,
        retryPolicy: () => 0,
        senders: { lookUp: async () => ({ gamertag: 'Named Host' }) },
      });
      service.subscribe(() => {
        throw new Error('renderer gone');
      });
      service.submit(invite());
      expect(await service.settled()).toMatchObject({ phase: 'joined' });
      await service.stop();
      expect(directory.leaves).toEqual([location]);
      // Let any error xstate deferred to a later tick arrive.
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(unhandled).toEqual([]);
      expect(attempts).toContain('info left the session of handle=8d2c1e4a…');
      expect(attempts).toContain('warn a join view listener failed: Error: renderer gone');
      expect(attempts.some((line) => line.startsWith('info ') && line.includes('sender'))).toBe(
        true,
      );
      expect(attempts).toContain(
        'info attempt 1 failed (directory-unavailable 503); retrying in 0 ms',
      );
    } finally {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    }
  });
});
