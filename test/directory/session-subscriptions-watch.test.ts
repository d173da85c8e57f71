/**
 * Session subscriptions and the change feed's watches: a subscription watches its session before
 * it reads it (so no write falls between the read and the first tap), holds the watch while it
 * lives and gives it back on every way out, and a watch the database cannot take is a typed RTA
 * refusal, never a thrown error. The PostgreSQL side of watching is in postgres-store.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../../src/directory/dev-tokens';
import type { DirectoryAnswer } from '../../src/directory/directory-answer';
import type { SessionRef } from '../../src/directory/session-ref';
import type { SessionRecord } from '../../src/directory/session-record';
import {
  rtaStatus,
  SessionSubscriptions,
  type SessionReader,
} from '../../src/directory/session-subscriptions';
import type { SessionChangeFeed } from '../../src/directory/store/session-change-feed';

const scid = '0b5f1c2a-3d4e-4f60-8a1b-2c3d4e5f6a7b';
const caller = { xuid: '2533274800000001', gamertag: 'Ana' } as CallerIdentity;
const resource = (name: string) =>
  `https://sessiondirectory.xboxlive.com/serviceconfigs/${scid}/sessiontemplates/game/sessions/${name}`;
const keyOf = (name: string) => `${scid}~game~${name}`;

/** A reader answering each session as found (or 204), logging each read after the watches. */
function reader(events: string[], missing: ReadonlySet<string> = new Set()): SessionReader {
  return {
    getSession(_caller: CallerIdentity, ref: SessionRef): DirectoryAnswer {
      events.push(`read ${ref.name}`);
      if (missing.has(ref.name)) return { kind: 'empty', status: 204 };
      const record = { ref, branch: 'b-1', changeNumber: 3 } as unknown as SessionRecord;
      return { kind: 'session', status: 200, record, document: { text: '{}', bytes: 2 } };
    },
  };
}

/** A feed that logs watches and releases, and refuses watches while `failing` is set. */
function feed(events: string[]) {
  const state = { failing: false };
  const changes: SessionChangeFeed = {
    subscribe: () => () => undefined,
    async watch(key: string) {
      if (state.failing) throw new Error('connection to the database lost');
      events.push(`watch ${key}`);
      return () => events.push(`release ${key}`);
    },
    close: async () => undefined,
  };
  return { changes, state };
}

function subscriptions(events: string[], missing?: ReadonlySet<string>) {
  const errors: string[] = [];
  const { changes, state } = feed(events);
  const hub = new SessionSubscriptions({
    sessions: reader(events, missing),
    changes,
    maxPerConnection: 2,
    reportError: (what) => errors.push(what),
  });
  hub.opened('c1', caller, () => undefined);
  return { hub, errors, state };
}

describe('a session subscription and its watch', () => {
  it('watches before it reads, and gives the watch back on unsubscribe, on a repeat and on close', async () => {
    const events: string[] = [];
    const { hub } = subscriptions(events);
    const first = await hub.subscribe('c1', resource('one'));
    expect(first).toMatchObject({ ok: true, state: { changeNumber: 3 } });
    expect(events).toEqual([`watch ${keyOf('one')}`, 'read one']);
    // The same session again: the same subscription, and the second watch is given back.
    const again = await hub.subscribe('c1', resource('one'));
    expect(again).toMatchObject({ ok: true, subscriptionId: first.ok ? first.subscriptionId : -1 });
    expect(events.slice(2)).toEqual([
      `watch ${keyOf('one')}`,
      'read one',
      `release ${keyOf('one')}`,
    ]);
    events.length = 0;
    expect(hub.unsubscribe('c1', first.ok ? first.subscriptionId : -1)).toBe(true);
    expect(events).toEqual([`release ${keyOf('one')}`]);
    events.length = 0;
    await hub.subscribe('c1', resource('two'));
    hub.closed('c1');
    expect(events).toEqual([`watch ${keyOf('two')}`, 'read two', `release ${keyOf('two')}`]);
  });

  it('gives the watch back when the session cannot be followed', async () => {
    const events: string[] = [];
    const { hub } = subscriptions(events, new Set(['gone']));
    const refused = await hub.subscribe('c1', resource('gone'));
    expect(refused).toEqual({
      ok: false,
      status: rtaStatus.unknownResource,
      message: 'No such session.',
    });
    expect(events).toEqual([`watch ${keyOf('gone')}`, 'read gone', `release ${keyOf('gone')}`]);
  });

  it('answers a watch the store cannot take with a typed refusal, and frees its place', async () => {
    const events: string[] = [];
    const { hub, errors, state } = subscriptions(events);
    state.failing = true;
    const refused = await hub.subscribe('c1', resource('one'));
    expect(refused).toEqual({
      ok: false,
      status: rtaStatus.serviceUnavailable,
      message: 'The directory cannot follow sessions right now; try again later.',
    });
    expect(errors).toEqual(['session subscription: following a session failed']);
    // Nothing was read for it, and the refused subscribe holds no place under the cap of two.
    expect(events).toEqual([]);
    state.failing = false;
    expect((await hub.subscribe('c1', resource('one'))).ok).toBe(true);
    expect((await hub.subscribe('c1', resource('two'))).ok).toBe(true);
  });
});
