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
