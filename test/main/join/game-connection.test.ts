import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveGameConnection } from '../../../src/main/join/game-connection';
import {
  parseSessionDocument,
  type SessionDocument,
} from '../../../src/shared/mpsd/session-document';

const fixtures = new URL('../../fixtures/xsapi', import.meta.url).pathname;

function document(json: unknown): SessionDocument {
  const parsed = parseSessionDocument(json);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const fixture = (name: string) =>
  document(JSON.parse(readFileSync(`${fixtures}/${name}`, 'utf8')) as unknown);

const twoMembers = (host: string | undefined, extra: Record<string, unknown> = {}) =>
  document({
    membersInfo: { first: 0, next: 2, count: 2 },
    properties: { system: { ...(host ? { host } : {}), ...extra }, custom: { server: 'custom:1' } },
    members: {
      '0': {
        next: 1,
        constants: { system: { xuid: '1' } },
        properties: { system: { secureDeviceAddress: 'QUFB' } },
        deviceToken: 'AbCd',
      },
      '1': {
        next: 2,
        constants: { system: { xuid: '2' } },
        properties: { system: { secureDeviceAddress: 'QkJC' } },
        deviceToken: 'ef01',
      },
    },
  });

describe('where the game connects', () => {
  it("uses the host member's secure device address, matching the host token in any case", () => {
    expect(resolveGameConnection(twoMembers('EF01'), undefined)).toEqual({
      ok: true,
      value: { connection: 'QkJC', source: 'host-device' },
    });
  });

  it('falls back to the first server candidate (XSAPI fixture: host token matches no member)', () => {
    expect(resolveGameConnection(fixture('xsapi-session-full.json'), undefined)).toEqual({
      ok: true,
      value: { connection: 'west.azure.com', source: 'server-candidate' },
    });
    expect(resolveGameConnection(fixture('xsapi-session-large.json'), undefined)).toMatchObject({
      ok: true,
      value: { source: 'server-candidate' },
    });
  });

  it('then to the configured custom property', () => {
    expect(
      resolveGameConnection(
        fixture('xsapi-match-session-measuring.json'),
        'GameSessionTransferHandle',
      ),
    ).toEqual({
      ok: true,
      value: {
        connection: 'completed~TestGameSessionTransferHandle',
        source: 'custom-property',
      },
    });
    expect(resolveGameConnection(twoMembers(undefined), 'server')).toMatchObject({
      ok: true,
      value: { connection: 'custom:1' },
    });
  });

  it('says plainly why there is nowhere to connect', () => {
    const none = resolveGameConnection(
      fixture('xsapi-game-session-reserved-members.json'),
      undefined,
    );
    expect(none.ok).toBe(false);
    if (none.ok) return;
    expect(none.error.code).toBe('game-failed');
    expect(none.error.message).toContain('no host is set');
    expect(none.error.message).toContain('no custom connection property configured');
    const missing = resolveGameConnection(twoMembers('0000'), 'absent');
    expect(missing.ok ? '' : missing.error.message).toContain(
      'the host member has no secure device address',
    );
    expect(missing.ok ? '' : missing.error.message).toContain('no "absent" custom property');
  });

  it('ignores a custom property that is not a non-empty string', () => {
    const odd = document({
      membersInfo: { first: 0, next: 0 },
      properties: { custom: { address: 42, empty: '' } },
    });
    expect(resolveGameConnection(odd, 'address').ok).toBe(false);
    expect(resolveGameConnection(odd, 'empty').ok).toBe(false);
  });
});
