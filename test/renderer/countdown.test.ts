import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startCountdown } from '../../src/renderer/countdown';

/** The line the countdown writes to; only `textContent` is touched. */
const line = () => ({ textContent: '' }) as unknown as Element;
const text = {
  remaining: (seconds: number) => `next try in ${seconds} s`,
  due: () => 'trying now',
};

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retry countdown', () => {
  it('rounds every part of a second up, so it never says 0 while time is left', () => {
    const shown = (remainingMs: number) => {
      const target = line();
      const stop = startCountdown(target, 10_000, text, () => 10_000 - remainingMs);
      stop();
      return target.textContent;
    };
    expect(shown(5_000)).toBe('next try in 5 s');
    expect(shown(4_001)).toBe('next try in 5 s');
    expect(shown(4_999)).toBe('next try in 5 s');
    expect(shown(1_000)).toBe('next try in 1 s');
    expect(shown(1)).toBe('next try in 1 s');
    expect(shown(0)).toBe('trying now');
    expect(shown(-250)).toBe('trying now');
  });

  it('ticks on its own until stopped, reaching "now" at the deadline', () => {
    const target = line();
    const stop = startCountdown(target, 2_000, text, () => Date.now());
    expect(target.textContent).toBe('next try in 2 s');
    vi.advanceTimersByTime(1_000);
    expect(target.textContent).toBe('next try in 1 s');
    vi.advanceTimersByTime(750);
    expect(target.textContent).toBe('next try in 1 s');
    vi.advanceTimersByTime(250);
    expect(target.textContent).toBe('trying now');
    stop();
    target.textContent = 'stopped';
    vi.advanceTimersByTime(5_000);
    expect(target.textContent).toBe('stopped');
  });
});
