/**
 * Who may write a session, over real HTTP: every answer of a random sequence of joins, leaves,
 * reservations and property writes by five players is compared with the status a model of
 * mpsd-protocol.md §6 expects (visibility, closed, joinRestriction, seats, reservations), and the
 * members the directory answers with are compared with the model's. A permission mistake in the
 * directory (an outsider let in, a member shut out) changes a status or a member list here.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectory } from '../../src/directory/start-directory';
import type { RunningDirectory } from '../../src/directory/directory-options';
import {
  call,
  expectSessionDocument,
  joinBody,
  player,
  sessionUrl,
  type Answer,
  type Player,
} from './directory-test-client';

/** The clock never moves: no timer removes anyone, so only writes change the membership. */
const clock = { t: Date.parse('2026-06-01T00:00:00Z'), now: () => clock.t };
let directory: RunningDirectory;
let url: string;
let run = 0;

/**
 * Five players. 0 and 1 share a device; 0 follows 2; nobody follows 3 or 4. So under
 * `joinRestriction: local` only 1 may join besides members' own devices, and under `followed`
 * 2 may join too, once 0 is in.
 */
const xuids = ['2533274911000000', '2533274911000001', '2533274911000002', '2533274911000003'];
xuids.push('2533274911000004');
const devices = ['device-shared', 'device-shared', 'device-2', 'device-3', 'device-4'];
const follows: string[][] = [[xuids[2] as string], [], [], [], []];
let players: Player[];

beforeAll(async () => {
  directory = await startDirectory({ rateLimits: false, clock });
  url = directory.url;
  players = [];
  for (let i = 0; i < 5; i += 1) {
    players.push(
      await player(url, `Writer ${i}`, {
        xuid: xuids[i] as string,
        deviceId: devices[i] as string,
        follows: follows[i] as string[],
      }),
    );
  }
});
afterAll(() => directory.close());

type Visibility = 'open' | 'visible' | 'private';
type Restriction = 'none' | 'local' | 'followed';
type State = 'active' | 'ready' | 'inactive';

type Operation =
  | { readonly kind: 'join'; readonly who: number; readonly state: State }
  | { readonly kind: 'leave'; readonly who: number }
  | { readonly kind: 'reserve'; readonly who: number; readonly target: number }
  | { readonly kind: 'custom'; readonly who: number; readonly value: number | null }
  | { readonly kind: 'close'; readonly who: number; readonly closed: boolean };

interface ModelMember {
  readonly who: number;
  readonly reserved: boolean;
  readonly state: State | 'reserved';
}

/** The session as the protocol says it must be after the writes so far. */
interface Model {
  exists: boolean;
  members: ModelMember[];
  closed: boolean;
  /** Who has joined this session (not only been reserved) since it was created. */
  joined: number[];
}

interface Setting {
  readonly seats: number;
  readonly visibility: Visibility;
  readonly restriction: Restriction;
}

/**
 * The status MPSD answers for one write, and the model after it (mpsd-protocol.md §6): open
 * sessions take writes from anyone, visible and private ones only from joined or reserved members;
 * a new member needs an open, unclosed session with a free seat that meets the join restriction,
 * unless a seat is already reserved for them; only joined members reserve seats, and a reservation
 * ignores the join restriction; a session left empty is deleted (sessionEmptyTimeout 0); an
 * outsider's leave changes nothing, and a private session answers it 403 unless they were in it.
 */
function expectedWrite(model: Model, setting: Setting, op: Operation): number {
  const mine = model.members.find((member) => member.who === op.who);
  const full = model.members.length >= setting.seats;
  if (!model.exists) {
    if (op.kind !== 'join') return op.kind === 'reserve' ? 403 : 204;
    model.exists = true;
    model.closed = false;
    model.members = [{ who: op.who, reserved: false, state: op.state }];
    model.joined = [op.who];
    return 201;
  }
  const outsiderMayWrite = setting.visibility === 'open';
  switch (op.kind) {
    case 'join': {
      if (!mine) {
        if (!outsiderMayWrite || model.closed || full || !meetsRestriction(model, setting, op.who))
          return 403;
      }
      model.members = [
        ...model.members.filter((member) => member.who !== op.who),
        { who: op.who, reserved: false, state: op.state },
      ];
      if (!model.joined.includes(op.who)) model.joined.push(op.who);
      return 200;
    }
    case 'leave': {
      // Leaving changes nothing for an outsider, but the answer is the session, which a private
      // session shows only to its members and reserved players, and to a player who was in it:
      // leaving again (a retry whose first answer was lost) answers as the first leave did.
      if (!mine)
        return setting.visibility === 'private' && !model.joined.includes(op.who) ? 403 : 200;
      model.members = model.members.filter((member) => member.who !== op.who);
      if (model.members.length > 0) return 200;
      model.exists = false;
      return 204;
    }
    case 'reserve': {
      if (!mine && !outsiderMayWrite) return 403;
      if (!mine || mine.reserved) return 403;
      if (model.members.some((member) => member.who === op.target)) return 200;
      if (full) return 403;
      model.members = [...model.members, { who: op.target, reserved: true, state: 'reserved' }];
      return 200;
    }
    case 'custom':
    case 'close': {
      if (!mine && !outsiderMayWrite) return 403;
      if (op.kind === 'close') model.closed = op.closed;
      return 200;
    }
  }
}

function meetsRestriction(model: Model, setting: Setting, who: number): boolean {
  if (setting.restriction === 'none') return true;
  const local = model.members.some(
    (member) => member.state === 'active' && devices[member.who] === devices[who],
  );
  if (local) return true;
  if (setting.restriction === 'local') return false;
  return model.members.some(
    (member) => !member.reserved && (follows[member.who] ?? []).includes(xuids[who] as string),
  );
}

function bodyFor(op: Operation, setting: Setting): Record<string, unknown> {
  const constants = {
    system: {
      maxMembersCount: setting.seats,
      visibility: setting.visibility,
      // Members who go inactive stay: the model has no timers.
      inactiveRemovalTimeout: 86_400_000,
    },
  };
  const me = players[op.who] as Player;
  switch (op.kind) {
    case 'join': {
      const system =
        op.state === 'active'
          ? { active: true }
          : op.state === 'ready'
            ? { ready: true, active: false }
            : { active: false, ready: false };
      const body: Record<string, unknown> = {
        constants,
        members: { me: { constants: { system: { xuid: me.xuid } }, properties: { system } } },
      };
      // The creator sets the join restriction with the session (a property anyone may change).
      if (setting.restriction !== 'none')
        body.properties = { system: { joinRestriction: setting.restriction } };
      return body;
    }
    case 'leave':
      return { constants, members: { me: null } };
    case 'reserve':
      return {
        constants,
        members: { reserve_0: { constants: { system: { xuid: xuids[op.target] } } } },
      };
    case 'custom':
      return { constants, properties: { custom: { score: op.value } } };
    case 'close':
      return { constants, properties: { system: { closed: op.closed } } };
  }
}

/** The members of an answer's session document, as the model writes them. */
function membersOf(answer: Answer): ModelMember[] {
  expectSessionDocument(answer);
  const raw = answer.json<{
    members?: Record<
      string,
      {
        reserved?: boolean;
        constants: { system: { xuid: string } };
        properties: { system: { active?: boolean; ready?: boolean } };
      }
    >;
  }>();
  return Object.values(raw.members ?? {}).map((member) => {
    const system = member.properties.system;
    const reserved = member.reserved === true;
    let state: ModelMember['state'] = 'inactive';
    if (system.active === true) state = 'active';
    else if (system.ready === true) state = 'ready';
    else if (reserved) state = 'reserved';
    return { who: xuids.indexOf(member.constants.system.xuid), reserved, state };
  });
}

const byWho = (members: readonly ModelMember[]) => [...members].sort((a, b) => a.who - b.who);

/**
 * Operations name their player by role (a joined member, a reserved one, an outsider, anyone) and
 * an index into that group, resolved against the model when the step runs: uniform players would
 * mostly be outsiders bouncing off private sessions, and rarely a reserved player acting.
 */
type Role = 'member' | 'reserved' | 'outsider' | 'anyone';
interface Pick {
  readonly role: Role;
  readonly n: number;
}
type Step =
  | { readonly kind: 'join'; readonly actor: Pick; readonly state: State }
  | { readonly kind: 'leave'; readonly actor: Pick }
  | { readonly kind: 'reserve'; readonly actor: Pick; readonly target: Pick }
  | { readonly kind: 'custom'; readonly actor: Pick; readonly value: number | null }
  | { readonly kind: 'close'; readonly actor: Pick; readonly closed: boolean };

function resolve(model: Model, pick: Pick): number {
  const everyone = [0, 1, 2, 3, 4];
  const group = everyone.filter((index) => {
    const member = model.members.find((m) => m.who === index);
    if (pick.role === 'member') return member !== undefined && !member.reserved;
    if (pick.role === 'reserved') return member?.reserved === true;
    if (pick.role === 'outsider') return member === undefined;
    return true;
  });
  const from = group.length > 0 ? group : everyone;
  return from[pick.n % from.length] as number;
}

function resolveStep(model: Model, step: Step): Operation {
  const who = resolve(model, step.actor);
  switch (step.kind) {
    case 'reserve':
      return { kind: 'reserve', who, target: resolve(model, step.target) };
    case 'join':
      return { kind: 'join', who, state: step.state };
    case 'leave':
      return { kind: 'leave', who };
    case 'custom':
      return { kind: 'custom', who, value: step.value };
    case 'close':
      return { kind: 'close', who, closed: step.closed };
  }
}

const actor: fc.Arbitrary<Pick> = fc.record({
  role: fc.constantFrom<Role>('member', 'reserved', 'outsider', 'anyone'),
  n: fc.nat({ max: 4 }),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      actor,
      state: fc.constantFrom<State>('active', 'ready', 'inactive'),
    }),
  },
  fc.record({ kind: fc.constant('leave' as const), actor }),
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('reserve' as const), actor, target: actor }),
  },
  fc.record({
    kind: fc.constant('custom' as const),
    actor,
    value: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(null)),
  }),
  fc.record({ kind: fc.constant('close' as const), actor, closed: fc.boolean() }),
);
const setting: fc.Arbitrary<Setting> = fc.record({
  seats: fc.integer({ min: 1, max: 4 }),
  visibility: fc.constantFrom<Visibility>('open', 'visible', 'private'),
  restriction: fc.constantFrom<Restriction>('none', 'local', 'followed'),
});

describe('who may write a session', () => {
  // About 500 writes over loopback: on a busy two-core machine that can outlast the default 30 s.
  it('answers every write with the status the protocol model expects, and the same members', async () => {
    await fc.assert(
      fc.asyncProperty(
        setting,
        fc.array(step, { minLength: 1, maxLength: 12 }),
        async (chosen, steps) => {
          const path = sessionUrl(`perm-${++run}`);
          // Every run starts with player 0 creating the session, so most operations meet one.
          const create: Step = {
            kind: 'join',
            actor: { role: 'anyone', n: 0 },
            state: 'active',
          };
          const model: Model = { exists: false, members: [], closed: false, joined: [] };
          for (const [index, next] of [create, ...steps].entries()) {
            const op = resolveStep(model, next);
            const expected = expectedWrite(model, chosen, op);
            const answer = await call(url, 'PUT', path, {
              as: players[op.who] as Player,
              body: bodyFor(op, chosen),
            });
            const context = `step ${index}: ${JSON.stringify(op)} -> ${answer.text.slice(0, 160)}`;
            expect(answer.status, context).toBe(expected);
            if (answer.status === 200 || answer.status === 201) {
              expect(byWho(membersOf(answer)), context).toEqual(byWho(model.members));
            } else if (answer.status === 403) {
              expect(answer.headers.get('content-type'), context).toMatch(/^text\/plain/);
            }
          }
          // What a member reads afterwards is what the model holds, and a gone session reads 204.
          const reader = model.members.find((member) => !member.reserved)?.who ?? 0;
          const final = await call(url, 'GET', path, { as: players[reader] as Player });
          if (!model.exists) expect(final.status).toBe(204);
          else if (final.status === 200)
            expect(byWho(membersOf(final))).toEqual(byWho(model.members));
          else expect(model.members.some((member) => member.who === reader)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('who may reserve seats in an open session', () => {
  const reserveFor = (target: Player) => ({
    members: { reserve_0: { constants: { system: { xuid: target.xuid } } } },
  });

  async function openSession(restriction: Restriction = 'none'): Promise<string> {
    const path = sessionUrl(`reserve-${++run}`);
    const body = joinBody(players[0] as Player);
    if (restriction !== 'none') body.properties = { system: { joinRestriction: restriction } };
    const created = await call(url, 'PUT', path, { as: players[0] as Player, body });
    expect(created.status, created.text).toBe(201);
    return path;
  }

  it('a player who is not in the session may not reserve, even though anyone may join it', async () => {
    const path = await openSession();
    const [, , , outsider, target] = players as [Player, Player, Player, Player, Player];
    const refused = await call(url, 'PUT', path, { as: outsider, body: reserveFor(target) });
    expect(refused.status).toBe(403);
    expect(refused.text).toBe('Only members of the session can reserve seats for other users.');
    const read = await call(url, 'GET', path, { as: players[0] as Player });
    expect(byWho(membersOf(read)).map((member) => member.who)).toEqual([0]);
  });

  it('a player with only a reservation may not reserve for others until they join', async () => {
    const path = await openSession();
    const [host, , , reservedOne, target] = players as [Player, Player, Player, Player, Player];
    expect((await call(url, 'PUT', path, { as: host, body: reserveFor(reservedOne) })).status).toBe(
      200,
    );
    const refused = await call(url, 'PUT', path, { as: reservedOne, body: reserveFor(target) });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/^Only members of the session can reserve/);
    const joined = await call(url, 'PUT', path, { as: reservedOne, body: joinBody(reservedOne) });
    expect(joined.status).toBe(200);
    const reserved = await call(url, 'PUT', path, { as: reservedOne, body: reserveFor(target) });
    expect(reserved.status).toBe(200);
    expect(byWho(membersOf(reserved))).toEqual([
      { who: 0, reserved: false, state: 'active' },
      { who: 3, reserved: false, state: 'active' },
      { who: 4, reserved: true, state: 'reserved' },
    ]);
  });

  it('a player may join and reserve a seat for a friend in one write', async () => {
    const path = await openSession();
    const [, , , joiner, friend] = players as [Player, Player, Player, Player, Player];
    const both = await call(url, 'PUT', path, {
      as: joiner,
      body: {
        members: {
          ...(joinBody(joiner).members as Record<string, unknown>),
          ...reserveFor(friend).members,
        },
      },
    });
    expect(both.status, both.text).toBe(200);
    expect(byWho(membersOf(both)).map((member) => [member.who, member.reserved])).toEqual([
      [0, false],
      [3, false],
      [4, true],
    ]);
  });

  it('a reservation ignores the join restriction, and lets its player in past it', async () => {
    const path = await openSession('followed');
    const [host, , , stranger, friend] = players as [Player, Player, Player, Player, Player];
    // Nobody follows 3 or 4: the restriction keeps them out on their own...
    const denied = await call(url, 'PUT', path, { as: stranger, body: joinBody(stranger) });
    expect(denied.status).toBe(403);
    expect(denied.text).toMatch(/join restriction/);
    // ...but a member may reserve a seat for one of them, who may then take it.
    expect((await call(url, 'PUT', path, { as: host, body: reserveFor(friend) })).status).toBe(200);
    const joined = await call(url, 'PUT', path, { as: friend, body: joinBody(friend) });
    expect(joined.status, joined.text).toBe(200);
    expect(byWho(membersOf(joined)).map((member) => member.who)).toEqual([0, 4]);
  });

  it('a reservation takes a seat: the last seat reserved, the session is full for others', async () => {
    const path = sessionUrl(`reserve-${++run}`);
    const [host, other, , , friend] = players as [Player, Player, Player, Player, Player];
    const created = await call(url, 'PUT', path, {
      as: host,
      body: { ...joinBody(host), constants: { system: { maxMembersCount: 2 } } },
    });
    expect(created.status).toBe(201);
    expect((await call(url, 'PUT', path, { as: host, body: reserveFor(friend) })).status).toBe(200);
    const full = await call(url, 'PUT', path, { as: other, body: joinBody(other) });
    expect(full.status).toBe(403);
    expect(full.text).toBe('The session is full: all 2 of its 2 seats are taken.');
    const moreReserved = await call(url, 'PUT', path, { as: host, body: reserveFor(other) });
    expect(moreReserved.status).toBe(403);
    expect((await call(url, 'PUT', path, { as: friend, body: joinBody(friend) })).status).toBe(200);
  });
});
