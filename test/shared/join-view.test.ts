import { describe, expect, it } from 'vitest';
import { idleJoinView, joinErrorCodes } from '../../src/shared/join-view';

describe('join view', () => {
  it('starts idle and survives a JSON round trip', () => {
    expect(JSON.parse(JSON.stringify(idleJoinView))).toEqual({ phase: 'idle', attempt: 0 });
  });

  it('names each error code once', () => {
    expect(new Set(joinErrorCodes).size).toBe(joinErrorCodes.length);
  });
});
