import { describe, expect, it } from 'vitest';
import { catalogueFor, createTranslator, displayName } from '../../src/renderer/i18n/translator';
import { en } from '../../src/renderer/i18n/en';
import { ja } from '../../src/renderer/i18n/ja';
import { errorText } from '../../src/renderer/error-text';
import { joinActions } from '../../src/renderer/join-actions';
import { stepStates } from '../../src/renderer/join-steps';
import { joinErrorCodes, type JoinView } from '../../src/shared/join-view';

const statuses = (view: JoinView) => stepStates(view).map((s) => s.status);

describe('join steps', () => {
  it('derives each step status from the phase', () => {
    expect(statuses({ phase: 'activating', attempt: 0, canRetry: false })).toEqual([
      'done',
      'inProgress',
      'pending',
      'pending',
      'pending',
    ]);
    expect(statuses({ phase: 'retrying', attempt: 1, canRetry: false })).toEqual([
      'done',
      'done',
      'inProgress',
      'pending',
      'pending',
    ]);
    expect(statuses({ phase: 'joining', attempt: 1, canRetry: false })).toEqual([
      'done',
      'done',
      'done',
      'inProgress',
      'pending',
    ]);
    expect(statuses({ phase: 'joined', attempt: 1, canRetry: false })).toEqual(
      Array(5).fill('done'),
    );
  });

  it('marks exactly one failed step, the one the error code belongs to', () => {
    const failedAt = (code: (typeof joinErrorCodes)[number], attempt = 1) =>
      statuses({
        phase: 'failed',
        attempt,
        canRetry: false,
        error: { code, message: '' },
      }).indexOf('failed');
    expect(failedAt('invalid-link')).toBe(0);
    expect(failedAt('wrong-account')).toBe(1);
    expect(failedAt('session-full')).toBe(2);
    expect(failedAt('game-failed')).toBe(3);
    expect(failedAt('cancelled', 0)).toBe(1);
    expect(failedAt('cancelled', 2)).toBe(2);
    for (const code of joinErrorCodes) {
      const all = statuses({
        phase: 'failed',
        attempt: 1,
        canRetry: false,
        error: { code, message: '' },
      });
      expect(all.filter((s) => s === 'failed')).toHaveLength(1);
      expect(all.slice(0, all.indexOf('failed')).every((s) => s === 'done')).toBe(true);
    }
  });
});

describe('join actions', () => {
  it('offers Cancel while in progress, Try now only when the view allows it, Dismiss once finished', () => {
    for (const phase of ['activating', 'writingSession', 'joining', 'retrying'] as const) {
      expect(joinActions({ phase, attempt: 1, canRetry: false })).toEqual({
        actions: ['cancel'],
        primary: 'cancel',
      });
      expect(joinActions({ phase, attempt: 1, canRetry: true })).toEqual({
        actions: ['retry', 'cancel'],
        primary: 'cancel',
      });
    }
    expect(joinActions({ phase: 'joined', attempt: 1, canRetry: false }).actions).toEqual([
      'dismiss',
    ]);
    expect(joinActions({ phase: 'idle', attempt: 0, canRetry: false }).actions).toEqual([]);
  });

  it('offers Try again exactly when the view says so, and Switch account for wrong-account', () => {
    for (const code of joinErrorCodes) {
      for (const canRetry of [false, true]) {
        const { actions, primary } = joinActions({
          phase: 'failed',
          attempt: 1,
          canRetry,
          error: { code, message: '' },
        });
        if (code === 'wrong-account') {
          expect({ actions, primary }).toEqual({
            actions: ['switchAccount', 'dismiss'],
            primary: 'switchAccount',
          });
        } else if (canRetry) {
          expect({ actions, primary }).toEqual({ actions: ['retry', 'dismiss'], primary: 'retry' });
        } else {
          expect({ actions, primary }).toEqual({ actions: ['dismiss'], primary: 'dismiss' });
        }
      }
    }
  });
});

describe('translator', () => {
  it('picks Japanese for any ja tag and English otherwise, whatever the input', () => {
    for (const tag of ['ja', 'ja-JP', 'JA_jp', ' ja-Jpan-JP ']) expect(catalogueFor(tag)).toBe(ja);
    for (const tag of ['en-US', 'jam', 'fr', '', undefined, 42, null])
      expect(catalogueFor(tag)).toBe(en);
  });

  it('formats plurals and numbers with Intl', () => {
    const t = createTranslator('en-GB');
    expect(t.plural('progress.countdown', 1)).toBe('Next try in 1 second');
    expect(t.plural('progress.countdown', 2)).toBe('Next try in 2 seconds');
    expect(t.plural('session.players', 1, { count: 1, max: 1 })).toBe('1 of 1 player');
    expect(t.plural('session.players', 12000, { count: 1500, max: 12000 })).toBe(
      '1,500 of 12,000 players',
    );
    expect(createTranslator('ja-JP').plural('progress.countdown', 1)).toBe('あと 1 秒で再試行');
  });

  it('inserts values as text and leaves a missing placeholder visible rather than blank', () => {
    const t = createTranslator('en');
    expect(t.text('join.title.invite', { from: '<img src=x>' })).toBe(
      '<img src=x> invited you to play',
    );
    expect(t.text('join.title.invite')).toBe('{from} invited you to play');
  });

  it('strips bidi and control characters from names and shortens absurd ones', () => {
    const t = createTranslator('en');
    expect(t.text('join.title.invite', { from: 'Evil\u202Eyalp' })).toBe(
      'Evilyalp invited you to play',
    );
    expect(t.text('session.host', { host: 'a\u0000b\u2067c\u200Fd' })).toBe('Hosted by abcd');
    expect(displayName('x'.repeat(48))).toBe('x'.repeat(48));
    // Zero-width and other format characters go too (player-text.ts), not only bidi controls.
    expect(displayName('Ri\u200Bva\uFEFFl\u200D\u{E0041}')).toBe('Rival');
    expect(displayName('😀'.repeat(60))).toBe('😀'.repeat(47) + '…');
  });

  it('says how long ago in the player’s language', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    const t = createTranslator('en');
    expect(t.relativeTime(now - 2_000, now)).toBe('now');
    expect(t.relativeTime(now - 5 * 60_000, now)).toBe('5 minutes ago');
    expect(t.relativeTime(now - 26 * 3_600_000, now)).toBe('yesterday');
    expect(createTranslator('ja').relativeTime(now - 5 * 60_000, now)).toBe('5 分前');
  });
});

describe('error text', () => {
  it('has a title, body and short label for every code, and a generic one for unknown codes', () => {
    for (const code of joinErrorCodes) {
      const text = errorText(code);
      for (const key of [text.title, text.body, text.short]) expect(en[key]).toBeTruthy();
    }
    expect(errorText('from-a-newer-version').title).toBe('error.unknown.title');
    expect(errorText(undefined).short).toBe('error.unknown.short');
    const view = {
      phase: 'failed',
      attempt: 1,
      canRetry: false,
      error: { code: 'from-a-newer-version', message: '' },
    } as unknown as JoinView;
    expect(stepStates(view).map((s) => s.status)).toEqual([
      'done',
      'done',
      'failed',
      'pending',
      'pending',
    ]);
    expect(joinActions(view).actions).toEqual(['dismiss']);
  });
});
