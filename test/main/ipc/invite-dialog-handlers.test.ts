/**
 * The invite dialog's IPC channels: main checks their arguments like every channel's (XUIDs only,
 * a bounded message without control or format characters, a GUID handle), refuses them while
 * there is no dialog, and refuses to copy a link for a handle the dialog did not send.
 */
import { describe, expect, it } from 'vitest';
import {
  inviteDialogHandlers,
  type InviteDialogPort,
} from '../../../src/main/ipc/invite-dialog-handlers';
import { parseInvokeArguments } from '../../../src/main/ipc/invoke-arguments';

const handle = '8f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('invite dialog channel arguments', () => {
  const send = (...args: unknown[]) => parseInvokeArguments('invite-dialog:send', args).ok;
  it('take one to a hundred XUIDs and a message of at most 256 characters', () => {
    expect(send(['2535400000000202', '2535400000000203'], 'Harbor at 9? 🎮')).toBe(true);
    expect(send([], '')).toBe(false);
    expect(send(['gamertag'], '')).toBe(false);
    expect(send(['0123'], '')).toBe(false);
    expect(
      send(
        Array.from({ length: 101 }, (_, i) => String(2535400000000000 + i)),
        '',
      ),
    ).toBe(false);
    expect(send(['2535400000000202'], '🎮'.repeat(256))).toBe(true);
    expect(send(['2535400000000202'], '🎮'.repeat(257))).toBe(false);
    expect(send(['2535400000000202'], 'line\nbreak')).toBe(false);
    expect(send(['2535400000000202'], 'evil\u202etxt')).toBe(false);
    expect(send(['2535400000000202'])).toBe(false);
  });

  it('name the rule a message broke in the refusal, never the message itself', () => {
    const detail = (message: string) => {
      const parsed = parseInvokeArguments('invite-dialog:send', [['2535400000000202'], message]);
      return parsed.ok ? 'accepted' : parsed.error.detail;
    };
    expect(detail('🎮'.repeat(257))).toBe('2 argument(s) refused: 1: too long');
    expect(detail('line\nbreak')).toBe('2 argument(s) refused: 1: control or format characters');
    expect(detail('x\u202e'.repeat(200))).toBe(
      '2 argument(s) refused: 1: too long, 1: control or format characters',
    );
    // Past twice the limit in UTF-16 units, zod's own length check refuses it before counting.
    expect(detail('a'.repeat(512))).toBe('2 argument(s) refused: 1: too long');
    expect(detail('a'.repeat(513))).toBe('2 argument(s) refused: 1: too_big, 1: too long');
  });

  it('copy-link takes a GUID only', () => {
    expect(parseInvokeArguments('invite-dialog:copy-link', [handle]).ok).toBe(true);
    expect(parseInvokeArguments('invite-dialog:copy-link', ['https://evil.example/']).ok).toBe(
      false,
    );
  });
});

describe('invite dialog handlers', () => {
  it('refuse not-available without a dialog', () => {
    const handlers = inviteDialogHandlers(undefined);
    expect(() => handlers['invite-dialog:friends']()).toThrow('rallypoint-ipc:not-available');
    expect(() => handlers['invite-dialog:closed']()).toThrow('rallypoint-ipc:not-available');
  });

  it('pass calls through, and refuse a copy the dialog turned down', async () => {
    const calls: string[] = [];
    const dialog: InviteDialogPort = {
      friends: async () => ({ ok: true, friends: [] }),
      send: async (xuids, message) => {
        calls.push(`send ${xuids.join(',')} ${message}`);
        return { ok: true, outcomes: [] };
      },
      copyLink: (handleId) => handleId === handle,
      closed: () => void calls.push('closed'),
    };
    const handlers = inviteDialogHandlers(dialog);
    await expect(handlers['invite-dialog:friends']()).resolves.toEqual({ ok: true, friends: [] });
    await handlers['invite-dialog:send'](['2535400000000202'], 'hi');
    handlers['invite-dialog:closed']();
    expect(calls).toEqual(['send 2535400000000202 hi', 'closed']);
    await expect(handlers['invite-dialog:copy-link'](handle)).resolves.toBeUndefined();
    await expect(
      handlers['invite-dialog:copy-link']('00000000-0000-4000-8000-000000000000'),
    ).rejects.toThrow('rallypoint-ipc:not-available');
  });
});
