import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { viewOf } from '../../src/main/join/join-view-mapper';
import type { JoinContext } from '../../src/main/join/join-machine';
import { parseSessionDocument } from '../../src/shared/mpsd/session-document';
import { joinErrorCodes } from '../../src/shared/join-view';
import { invite, sessionWithPlayer } from './join-machine-fakes';

const base: JoinContext = {
  attempt: 2,
  signInAttempt: 1,
  checkMembershipFirst: false,
  retryDelayMs: 0,
  invite: invite(),
};

describe('snapshot → JoinView', () => {
  it('reads members, capacity and host from an XSAPI fixture (host token matching no member)', () => {
    const parsed = parseSessionDocument(
      JSON.parse(
        readFileSync('/work/shared/reference/xsapi-fixtures/xsapi-session-full.json', 'utf8'),
      ) as unknown,
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const view = viewOf('joined', { ...base, session: parsed.value });
    expect(view.session?.membersCount).toBe(parsed.value.membersInfo.count);
    expect(view.session?.maxMembersCount).toBe(
      parsed.value.constants?.system?.maxMembersCount ?? 100,
    );
    expect(view.session?.hostGamertag).toBeUndefined();
  });

  it('every state gives a flat, JSON-safe view that carries no internals', () => {
    const rich: JoinContext = {
      ...base,
      session: sessionWithPlayer(),
      nextRetryAt: 1_000,
      error: { code: 'game-failed', message: 'crashed', retryable: true },
      membership: { handleId: invite().handleId, xuid: '1', contentLocation: '/secret/path' },
      unsure: { handleId: invite().handleId, xuid: '1' },
      pendingInvite: invite('0f0e0d0c-0b0a-4909-8807-060504030201'),
    };
    const states = [
      'idle',
      'activating',
      'signInWaiting',
      'writingSession',
      'retrying',
      'joining',
      'joined',
      'failed',
      'leaving',
      'afterLeaving',
      'stopped',
    ];
    for (const state of states) {
      for (const afterLeave of ['failed', 'idle', 'activate', 'stopped'] as const) {
        const view = viewOf(state, { ...rich, afterLeave });
        expect(JSON.parse(JSON.stringify(view))).toEqual(view);
        const text = JSON.stringify(view);
        expect(text).not.toContain('/secret/path');
        expect(text).not.toContain('deviceToken');
        if (view.error) expect(joinErrorCodes).toContain(view.error.code);
        if (view.phase !== 'retrying') expect(view.nextRetryAt).toBeUndefined();
      }
    }
  });

  it('while leaving, shows where the machine is heading', () => {
    const failing = viewOf('leaving', {
      ...base,
      afterLeave: 'failed',
      error: { code: 'cancelled', message: 'x', retryable: true },
    });
    expect(failing).toMatchObject({ phase: 'failed', error: { code: 'cancelled' } });
    const next = invite('0f0e0d0c-0b0a-4909-8807-060504030201');
    expect(viewOf('leaving', { ...base, afterLeave: 'activate', pendingInvite: next })).toEqual({
      phase: 'activating',
      attempt: 0,
      invite: { kind: 'invite', handleId: next.handleId, from: next.remoteXuid },
    });
    expect(viewOf('leaving', { ...base, afterLeave: 'stopped' })).toEqual({
      phase: 'idle',
      attempt: 0,
    });
  });
});
