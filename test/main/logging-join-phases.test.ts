/** The join decision log lines derived from views: one line per decision, handle prefix only. */
import { describe, expect, it } from 'vitest';
import { idleJoinView, type JoinView } from '../../src/shared/join-view';
import { describeJoinChange, logJoinPhases } from '../../src/main/logging/join-phase-log';
import { recordingLogger } from '../fakes/recording-logger';

const invite = {
  kind: 'invite' as const,
  handleId: '0f3c12ab-9d4e-4b7a-8c11-5e2f90a1b2c3',
  from: 'RallyHost',
};

describe('join phase log', () => {
  it('logs each phase change, attempt and failure once, with the handle prefix only', () => {
    const listeners: ((view: JoinView) => void)[] = [];
    const log = recordingLogger();
    const unsubscribe = logJoinPhases(
      { subscribe: (listener) => (listeners.push(listener), () => listeners.pop()) },
      log,
      () => 10_000,
    );
    const emit = (view: JoinView) => listeners.forEach((listener) => listener(view));
    emit({ phase: 'activating', attempt: 0, canRetry: false, invite });
    emit({ phase: 'writingSession', attempt: 1, canRetry: false, invite });
    emit({
      phase: 'writingSession',
      attempt: 1,
      canRetry: false,
      invite,
      session: { membersCount: 1, maxMembersCount: 4 },
    });
    emit({
      phase: 'retrying',
      attempt: 1,
      canRetry: true,
      invite,
      nextRetryAt: 12_500,
      error: { code: 'directory-unavailable', message: '503' },
    });
    emit({ phase: 'writingSession', attempt: 2, canRetry: false, invite });
    emit({
      phase: 'failed',
      attempt: 2,
      canRetry: false,
      invite,
      error: { code: 'session-full', message: 'the session is full' },
    });
    unsubscribe();
    expect(log.lines()).toEqual([
      'join: activating handle=0f3c12ab…',
      'join: writing session handle=0f3c12ab… (attempt 1)',
      'join: retrying handle=0f3c12ab… in 2.5 s after directory-unavailable (attempt 1)',
      'join: writing session handle=0f3c12ab… (attempt 2)',
      'join: failed handle=0f3c12ab… after 2 attempt(s) (session-full: the session is full)',
    ]);
    expect(log.lines('warn')).toHaveLength(1);
    expect(log.lines().join('\n')).not.toContain('9d4e-4b7a');
  });

  it('says nothing when nothing a reader cares about changed', () => {
    const view: JoinView = { phase: 'joined', attempt: 1, canRetry: false, invite };
    expect(describeJoinChange(view, { ...view }, 0)).toBeUndefined();
    expect(describeJoinChange(undefined, idleJoinView, 0)?.text).toBe('join: idle no invite');
  });
});

describe('join phase log lines for the less common views', () => {
  const writing: JoinView = { phase: 'writingSession', attempt: 1, canRetry: false, invite };

  it('logs a new attempt or a new invite even when the phase stays the same', () => {
    expect(describeJoinChange(writing, { ...writing, attempt: 2 }, 0)?.text).toBe(
      'join: writing session handle=0f3c12ab… (attempt 2)',
    );
    const other = { ...invite, handleId: 'aa11bb22-0000-4000-8000-000000000000' };
    expect(describeJoinChange(writing, { ...writing, invite: other }, 0)?.text).toBe(
      'join: writing session handle=aa11bb22… (attempt 1)',
    );
  });

  it('logs the first invite after a view that had none', () => {
    const activating: JoinView = { phase: 'activating', attempt: 0, canRetry: false, invite };
    expect(describeJoinChange(idleJoinView, activating, 0)?.text).toBe(
      'join: activating handle=0f3c12ab…',
    );
    expect(describeJoinChange({ ...activating, invite: undefined }, activating, 0)?.text).toBe(
      'join: activating handle=0f3c12ab…',
    );
  });

  it('says whether a failure may be retried, and copes with a failure without detail', () => {
    const failed: JoinView = { phase: 'failed', attempt: 1, canRetry: true, invite };
    expect(
      describeJoinChange(
        writing,
        { ...failed, error: { code: 'conflict', message: 'etag moved' } },
        0,
      ),
    ).toEqual({
      level: 'warn',
      text: 'join: failed handle=0f3c12ab… after 1 attempt(s) (conflict, retryable: etag moved)',
    });
    expect(describeJoinChange(writing, { ...failed, canRetry: false }, 0)?.text).toBe(
      'join: failed handle=0f3c12ab… after 1 attempt(s) (no error detail)',
    );
  });

  it('leaves out the wait and the cause of a retry it does not know, and never counts below 0 s', () => {
    const retrying: JoinView = { phase: 'retrying', attempt: 1, canRetry: true, invite };
    expect(describeJoinChange(writing, retrying, 5_000)?.text).toBe(
      'join: retrying handle=0f3c12ab… (attempt 1)',
    );
    expect(describeJoinChange(writing, { ...retrying, nextRetryAt: 4_000 }, 5_000)?.text).toBe(
      'join: retrying handle=0f3c12ab… in 0.0 s (attempt 1)',
    );
    expect(describeJoinChange(writing, { ...retrying, nextRetryAt: 6_250 }, 5_000)?.text).toBe(
      'join: retrying handle=0f3c12ab… in 1.3 s (attempt 1)',
    );
  });
});
