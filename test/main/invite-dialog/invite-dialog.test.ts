/**
 * The invite dialog's main-process side against a real local directory on 127.0.0.1:0: friends
 * listed with names, pictures and online state (a friend holding a real presence connection is
 * online), one invite handle per chosen friend with the message as its context, failures per
 * friend, the web invite link copied only for invites it sent, and a game's request answered when
 * the player closes the dialog.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../../src/directory/directory-options';
import { hostSession } from '../../../src/main/game/session-hosting';
import {
  InviteDialog,
  type InviteDialogSession,
} from '../../../src/main/invite-dialog/invite-dialog';
import { createDirectoryClient } from '../../../src/main/join/directory-client';
import { defaultGameTitle } from '../../../src/main/join/launcher-config';
import { createDevTokenProvider } from '../../../src/main/join/token-provider';
import { holdPresence } from '../../directory/directory-test-client';
import { authorization, player, testDirectory, type Identity } from '../join/join-service-fixture';

let directory: RunningDirectory | undefined;
const releases: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(releases.splice(0).map((release) => release()));
  await directory?.close();
  directory = undefined;
});

const alice = player(901);
const bob = player(902);
const carol = player(903);
/** Followed, but never seen by this directory: no name, no picture. */
const dave = player(904);
const signal = () => AbortSignal.timeout(10_000);

function callsAs(who: Identity, follows: readonly string[] = []) {
  const url = directory?.url ?? '';
  return createDirectoryClient({
    baseUrl: url,
    tokens: createDevTokenProvider({ baseUrl: url, ...who, follows }),
  });
}

/** Alice hosts a session of `seats` and follows Bob, Carol and Dave; Bob is online. */
async function aliceInASession(seats: number): Promise<InviteDialogSession> {
  directory = await testDirectory();
  const url = directory.url;
  const calls = callsAs(alice, [bob.xuid, carol.xuid, dave.xuid]);
  const hosted = await hostSession(
    calls,
    defaultGameTitle,
    { xuid: alice.xuid, seats, joinRestriction: 'followed', connection: '10.0.0.1:7777' },
    signal(),
  );
  if (!hosted.ok) throw new Error(hosted.error.message);
  await authorization(url, carol);
  releases.push(await holdPresence(url, { ...bob, authorization: await authorization(url, bob) }));
  return { sessionRef: hosted.value.sessionRef, playerXuid: alice.xuid, calls };
}

function dialogFor(session: InviteDialogSession | undefined) {
  const clipboard: string[] = [];
  let shown = 0;
  const dialog = new InviteDialog({
    session: () => session,
    title: defaultGameTitle,
    webInviteBase: directory?.url ?? 'http://127.0.0.1:1',
    pictureOrigin: directory?.url ?? '',
    show: () => (shown += 1),
    writeClipboard: (text) => clipboard.push(text),
  });
  return { dialog, clipboard, shown: () => shown };
}

describe('InviteDialog', () => {
  it('lists followed people with names, pictures and online state', async () => {
    const session = await aliceInASession(4);
    const { dialog } = dialogFor(session);
    const friends = await dialog.friends();
    expect(friends).toEqual({
      ok: true,
      friends: [
        {
          xuid: bob.xuid,
          gamertag: bob.gamertag,
          pictureUrl: `${directory?.url}/people/pictures/${bob.xuid}.svg`,
          online: true,
        },
        {
          xuid: carol.xuid,
          gamertag: carol.gamertag,
          pictureUrl: `${directory?.url}/people/pictures/${carol.xuid}.svg`,
          online: false,
        },
        { xuid: dave.xuid, online: false },
      ],
    });
  });

  it('sends one invite handle per chosen friend with the message, and copies its web link', async () => {
    const session = await aliceInASession(4);
    const { dialog, clipboard } = dialogFor(session);
    await dialog.friends();
    const stranger = '2533274800000555';
    const sent = await dialog.send([bob.xuid, carol.xuid, stranger, bob.xuid], '  Harbor, now!  ');
    if (!sent.ok) throw new Error(sent.code);
    expect(sent.outcomes.map((outcome) => [outcome.xuid, outcome.sent])).toEqual([
      [bob.xuid, true],
      [carol.xuid, true],
      [stranger, false],
    ]);
    expect(sent.outcomes[2]).toEqual({ xuid: stranger, sent: false, code: 'unknown-player' });

    const toBob = await callsAs(bob).call(
      'POST',
      '/handles/query',
      { type: 'invite' },
      { signal: signal() },
    );
    const handles = toBob.ok
      ? (JSON.parse(toBob.value.text) as {
          results: { id: string; inviteAttributes?: { context?: string } }[];
        })
      : { results: [] };
    const bobHandle = sent.outcomes[0]?.sent ? sent.outcomes[0].handleId : '';
    expect(handles.results.map((handle) => handle.id)).toEqual([bobHandle]);
    expect(handles.results[0]?.inviteAttributes?.context).toBe('Harbor, now!');

    expect(dialog.copyLink(bobHandle.toUpperCase())).toBe(true);
    expect(clipboard).toEqual([`${directory?.url}/invite/${bobHandle}`]);
    const page = await fetch(clipboard[0] ?? '');
    expect(page.status).toBe(200);
    expect(dialog.copyLink('8f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d')).toBe(false);
    expect(clipboard).toHaveLength(1);
  });

  it('says why per friend when the session is full, and not-in-session without one', async () => {
    const session = await aliceInASession(1);
    const { dialog } = dialogFor(session);
    await dialog.friends();
    expect(await dialog.send([bob.xuid, carol.xuid], '')).toEqual({
      ok: true,
      outcomes: [
        { xuid: bob.xuid, sent: false, code: 'session-full' },
        { xuid: carol.xuid, sent: false, code: 'session-full' },
      ],
    });
    const outside = dialogFor(undefined).dialog;
    expect(await outside.friends()).toEqual({ ok: false, code: 'not-in-session' });
    expect(await outside.send([bob.xuid], '')).toEqual({ ok: false, code: 'not-in-session' });
  });

  it('a game request shows the dialog and hears whom the player invited once it closes', async () => {
    const session = await aliceInASession(4);
    // No joined session of the window's own: the game's session is the one used.
    const { dialog, shown } = dialogFor(undefined);
    const first = dialog.requestFromGame(session);
    const second = dialog.requestFromGame(session);
    expect(await first).toEqual({ reason: 'closed', invited: [] });
    expect(shown()).toBe(2);
    expect(dialog.pendingRequest()).toEqual({ requestedBy: 'game' });
    await dialog.friends();
    await dialog.send([bob.xuid], '');
    dialog.closed();
    expect(await second).toEqual({ reason: 'sent', invited: [bob.xuid] });
    expect(dialog.pendingRequest()).toBeUndefined();
    expect(await dialog.friends()).toEqual({ ok: false, code: 'not-in-session' });
  });
});
