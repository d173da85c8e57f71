import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StateValueFrom } from 'xstate';
import {
  joinMachine,
  type JoinContext,
  type JoinMachine,
} from '../../../src/main/join/join-machine';
import { toJoinView } from '../../../src/main/join/join-view-mapper';
import { parseSessionDocument } from '../../../src/shared/mpsd/session-document';
import { joinErrorCodes, type JoinPhase } from '../../../src/shared/join-view';
import { hostXuid, invite, sessionWithPlayer } from './join-machine-fakes';

const base: JoinContext = {
  budget: { deadlineMs: 20_000, leaveTimeoutMs: 5_000 },
  attempt: 2,
  signInAttempt: 1,
  checkMembershipFirst: false,
  retryDelayMs: 0,
  target: { kind: 'invited', invite: invite() },
};

/** A state of the join machine: typed by the machine, so renaming a state fails the type check. */
type JoinStateValue = StateValueFrom<JoinMachine>;

/** A real snapshot of the machine in `value` with `context`: its tags and `can()` are the machine's. */
const viewIn = (value: JoinStateValue, context: JoinContext) =>
  toJoinView(joinMachine.resolveState({ value, context }));

/** Every state the machine rests in, with the phase the window must show for it. */
const phaseByState: readonly [JoinStateValue, JoinPhase][] = [
  ['idle', 'idle'],
  [{ activating: 'signingIn' }, 'activating'],
  [{ activating: 'waiting' }, 'retrying'],
  ['writingSession', 'writingSession'],
  ['retrying', 'retrying'],
  ['joining', 'joining'],
  ['joined', 'joined'],
  ['failed', 'failed'],
  ['stopped', 'idle'],
];

describe('snapshot → JoinView', () => {
  it('reads members, capacity and host from an XSAPI fixture (host token matching no member)', () => {
    const parsed = parseSessionDocument(
      JSON.parse(
        readFileSync(
          new URL('../../fixtures/xsapi/xsapi-session-full.json', import.meta.url),
          'utf8',
        ),
      ) as unknown,
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const view = viewIn('joined', { ...base, session: parsed.value });
    expect(view.session?.membersCount).toBe(parsed.value.membersInfo.count);
    expect(view.session?.maxMembersCount).toBe(
      parsed.value.constants?.system?.maxMembersCount ?? 100,
    );
    expect(view.session?.hostGamertag).toBeUndefined();
  });

  it('shows the phase each state stands for (the tags, not the state names, decide)', () => {
    for (const [value, phase] of phaseByState) {
      expect(viewIn(value, base).phase, JSON.stringify(value)).toBe(phase);
    }
  });

  it('says Try again exactly where the machine accepts RETRY', () => {
    const failedWith = (code: (typeof joinErrorCodes)[number]): JoinContext => ({
      ...base,
      error: { code, message: 'x' },
    });
    // The countdowns may be skipped; nothing else in flight takes RETRY.
    expect(viewIn({ activating: 'waiting' }, base).canRetry).toBe(true);
    expect(viewIn('retrying', base).canRetry).toBe(true);
    const noRetry: JoinStateValue[] = [
      'idle',
      { activating: 'signingIn' },
      'writingSession',
      'joining',
      'joined',
    ];
    for (const value of noRetry) {
      expect(viewIn(value, base).canRetry, JSON.stringify(value)).toBe(false);
    }
    expect(viewIn('failed', failedWith('conflict')).canRetry).toBe(true);
    expect(viewIn('failed', failedWith('session-full')).canRetry).toBe(false);
    expect(viewIn('leaving', { ...failedWith('cancelled'), afterLeave: 'failed' }).canRetry).toBe(
      true,
    );
    expect(
      viewIn('leaving', { ...failedWith('invite-expired'), afterLeave: 'failed' }).canRetry,
    ).toBe(false);
    for (const code of joinErrorCodes) {
      const snapshot = joinMachine.resolveState({ value: 'failed', context: failedWith(code) });
      expect(toJoinView(snapshot).canRetry, code).toBe(snapshot.can({ type: 'RETRY' }));
    }
  });

  it('every state gives a flat, JSON-safe view that carries no internals', () => {
    const seat = { invite: invite(), xuid: '1' };
    const rich: JoinContext = {
      ...base,
      session: sessionWithPlayer(),
      nextRetryAt: 1_000,
      error: { code: 'game-failed', message: 'crashed' },
      membership: { seat, contentLocation: '/secret/path', session: sessionWithPlayer() },
      unsure: seat,
      pendingInvite: invite('0f0e0d0c-0b0a-4909-8807-060504030201'),
    };
    const states: JoinStateValue[] = [...phaseByState.map(([value]) => value), 'leaving'];
    for (const value of states) {
      for (const afterLeave of ['failed', 'idle', 'activate', 'stopped'] as const) {
        const view = viewIn(value, { ...rich, afterLeave });
        expect(JSON.parse(JSON.stringify(view))).toEqual(view);
        const text = JSON.stringify(view);
        expect(text).not.toContain('/secret/path');
        expect(text).not.toContain('deviceToken');
        if (view.error) expect(joinErrorCodes).toContain(view.error.code);
        if (view.phase !== 'retrying') expect(view.nextRetryAt).toBeUndefined();
        if (view.phase === 'retrying') expect(view.nextRetryAt).toBe(1_000);
      }
    }
  });

  it('while leaving, shows where the machine is heading', () => {
    const failing = viewIn('leaving', {
      ...base,
      afterLeave: 'failed',
      error: { code: 'cancelled', message: 'x' },
    });
    expect(failing).toMatchObject({
      phase: 'failed',
      canRetry: true,
      error: { code: 'cancelled' },
    });
    const next = invite('0f0e0d0c-0b0a-4909-8807-060504030201');
    expect(viewIn('leaving', { ...base, afterLeave: 'activate', pendingInvite: next })).toEqual({
      phase: 'activating',
      attempt: 0,
      canRetry: false,
      invite: { kind: 'invite', handleId: next.handleId },
    });
    expect(viewIn('leaving', { ...base, afterLeave: 'stopped' })).toEqual({
      phase: 'idle',
      attempt: 0,
      canRetry: false,
    });
  });

  it('names the sender by profile first, then by the session, else not at all (never a XUID)', () => {
    const sent = { ...invite(), remoteXuid: hostXuid };
    const writing: JoinContext = { ...base, target: { kind: 'invited', invite: sent } };
    const handleId = sent.handleId;
    expect(viewIn('writingSession', writing).invite).toEqual({ kind: 'invite', handleId });
    const profiles = new Map([
      [hostXuid, { gamertag: 'ProfileName', pictureUrl: 'http://127.0.0.1:9/p.svg' }],
    ]);
    const named = toJoinView(
      joinMachine.resolveState({ value: 'writingSession', context: writing }),
      profiles,
    );
    expect(named.invite).toEqual({
      kind: 'invite',
      handleId,
      from: 'ProfileName',
      pictureUrl: 'http://127.0.0.1:9/p.svg',
    });
    const joined = { ...writing, session: sessionWithPlayer() };
    expect(viewIn('joined', joined).invite).toEqual({
      kind: 'invite',
      handleId,
      from: 'HostPlayer',
    });
    expect(
      toJoinView(joinMachine.resolveState({ value: 'failed', context: joined }), profiles).invite
        ?.from,
    ).toBe('ProfileName');
    // Someone else's profile does not name this sender.
    const other = new Map([['1234', { gamertag: 'Stranger' }]]);
    expect(
      toJoinView(joinMachine.resolveState({ value: 'writingSession', context: writing }), other)
        .invite,
    ).toEqual({ kind: 'invite', handleId });
  });

  it('is total: a sparse context still gives a view, with nothing made up', () => {
    const bare: JoinContext = { ...base, attempt: 0, target: { kind: 'none' } };
    // A failure without a recorded error or invite reads as a stopped join, with no invite.
    expect(viewIn('failed', bare)).toEqual({
      phase: 'failed',
      attempt: 0,
      canRetry: false,
      error: { code: 'cancelled', message: 'The join stopped.' },
    });
    expect(viewIn('leaving', { ...bare, afterLeave: 'activate' })).toEqual({
      phase: 'activating',
      attempt: 0,
      canRetry: false,
    });
    // A countdown with no time set shows none (the key itself is absent, not undefined).
    const counting = viewIn('retrying', base);
    expect(counting.phase).toBe('retrying');
    expect(Object.keys(counting)).not.toContain('nextRetryAt');
  });
});
