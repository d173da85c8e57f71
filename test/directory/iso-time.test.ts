import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/directory/iso-time';
import { seededRandom } from '../../src/directory/seeded-random';

describe('isoTime', () => {
  const same = (ms: number) => expect(isoTime(ms)).toBe(new Date(ms).toISOString());

  it('writes what toISOString writes across second boundaries, millisecond by millisecond', () => {
    const start = Date.UTC(2026, 10, 27, 23, 59, 58, 990);
    for (let ms = start; ms < start + 2_100; ms += 1) same(ms);
  });

  it('writes what toISOString writes when times jump between seconds and back', () => {
    const random = seededRandom(7);
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 2_000; i += 1) same(base + Math.floor(random() * 5_000));
    for (let i = 0; i < 2_000; i += 1) same(Math.floor(random() * 253_402_300_799_999));
  });

  it('handles times before 1970, fractions of a millisecond and years of six digits', () => {
    for (const ms of [-1, -999, -1000, -1001, -62_135_596_800_000, 0, 999.9, -0.5, 1.5, 1000.999]) {
      same(ms);
    }
    same(8.64e15);
    same(-8.64e15);
    same(Date.UTC(10_000, 0, 1, 0, 0, 0, 7));
    same(Date.UTC(10_000, 0, 1, 0, 0, 0, 8));
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
