/**
 * The join machine's target (src/main/join/join-target.ts): what each kind of target yields for
 * the view and for session writes, and that a new run forgets who was seated.
 */
import { describe, expect, it } from 'vitest';
import {
  invitedTo,
  noTarget,
  targetInvite,
  targetSeat,
  unseated,
  type JoinTarget,
} from '../../../src/main/join/join-target';
import { invite, playerXuid } from './join-machine-fakes';

const invited: JoinTarget = { kind: 'invited', invite: invite() };
const seated: JoinTarget = { kind: 'seated', invite: invite(), xuid: playerXuid };

describe('join target', () => {
  it('an invite makes an invited target; no invite makes none', () => {
    expect(invitedTo(invite())).toEqual({ kind: 'invited', invite: invite() });
    expect(invitedTo(undefined)).toBe(noTarget);
    expect(noTarget).toEqual({ kind: 'none' });
  });

  it('names the invite of an invited or seated target, and none before any invite', () => {
    expect(targetInvite(noTarget)).toBeUndefined();
    expect(targetInvite(invited)).toEqual(invite());
    expect(targetInvite(seated)).toEqual(invite());
  });

  it('gives a seat to write with only once sign-in seated the player', () => {
    expect(targetSeat(noTarget)).toBeUndefined();
    expect(targetSeat(invited)).toBeUndefined();
    expect(targetSeat(seated)).toEqual({ invite: invite(), xuid: playerXuid });
  });

  it('unseats a seated target for a new run and leaves the others as they are', () => {
    expect(unseated(seated)).toEqual({ kind: 'invited', invite: invite() });
    expect(unseated(invited)).toBe(invited);
    expect(unseated(noTarget)).toBe(noTarget);
  });
});
