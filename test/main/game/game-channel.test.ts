/**
 * The game channel with real processes: the built demo game started by Play against a real local
 * directory on 127.0.0.1:0, every message both ways, and each kind of bad message (broken JSON,
 * unknown type, invalid fields, another version, a 10 MB line, a flood). The demo game prints what
 * it hears from the launcher on stderr, so each answer is seen arriving at the game itself.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../../src/directory/directory-options';
import { createPlayController, type PlayController } from '../../../src/main/game/play-controller';
import { createLauncherJoin, type LauncherJoin } from '../../../src/main/join/join-service';
import type { Invite } from '../../../src/shared/invite';
import type { PlayView } from '../../../src/shared/play-view';
import { recordingLogger, type RecordingLogger } from '../../fakes/recording-logger';
import {
  authorization,
  builtPrograms,
  launcherConfig,
  player,
  removeBuiltPrograms,
  testDirectory,
} from '../join/join-service-fixture';
import { call } from '../../directory/directory-test-client';

afterAll(removeBuiltPrograms);

let directory: RunningDirectory | undefined;
const running: { launcher: LauncherJoin; controller: PlayController }[] = [];
afterEach(async () => {
  for (const { launcher, controller } of running.splice(0)) {
    await controller.stop();
    await launcher.close();
  }
  await directory?.close();
  directory = undefined;
});

/** How long a poll may wait on a loaded machine: a bound on waiting, not a speed requirement. */
const patience = { timeout: 20_000 } as const;

const alice = player(701);
const bob = player(702);

interface Played {
  readonly launcher: LauncherJoin;
  readonly controller: PlayController;
  readonly log: RecordingLogger;
  readonly output: string[];
  readonly views: PlayView[];
  /** Resolves with the first game output line matching `pattern` (seen so far or later). */
  heard(pattern: RegExp): Promise<string>;
}

async function play(
  playArgs: readonly string[],
  options: {
    readonly who?: typeof alice;
    readonly follows?: readonly string[];
    readonly openInviteDialog?: Parameters<typeof createPlayController>[0]['openInviteDialog'];
    readonly executable?: string;
  } = {},
): Promise<Played> {
  directory ??= await testDirectory();
  const who = options.who ?? alice;
  const base = launcherConfig(directory.url, who);
  const config = {
    ...base,
    identity: { ...who, ...(options.follows ? { follows: options.follows } : {}) },
    game: {
      ...base.game,
      ...(options.executable ? { executable: options.executable } : {}),
      playArgs: options.executable ? [...playArgs] : [builtPrograms().demoGame, ...playArgs],
    },
  };
  const log = recordingLogger();
  const output: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const launcher = createLauncherJoin(config, {
    log,
    presence: false,
    onGameOutput: (_stream, line) => {
      output.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    },
  });
  if (!launcher.playable) throw new Error('no playable game');
  const controller = createPlayController({
    game: launcher.playable,
    calls: launcher.calls,
    identity: who,
    title: config.game.title ?? { titleId: '1717113201', scid: '', sessionTemplate: 'default' },
    log,
    membersPollMs: 100,
    ...(options.openInviteDialog ? { openInviteDialog: options.openInviteDialog } : {}),
  });
  const views: PlayView[] = [];
  controller.subscribe((view) => views.push(view));
  running.push({ launcher, controller });
  const started = controller.play();
  expect(started.ok).toBe(true);
  return {
    launcher,
    controller,
    log,
    output,
    views,
    heard: (pattern) => {
      const seen = output.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

async function invitesFor(who: typeof bob): Promise<Record<string, unknown>[]> {
  const answer = await call(directory?.url ?? '', 'POST', '/handles/query', {
    headers: { authorization: await authorization(directory?.url ?? '', who) },
    body: { type: 'invite' },
  });
  expect(answer.status).toBe(200);
  return answer.json<{ results: Record<string, unknown>[] }>().results;
}

describe('the game channel, every message both ways', () => {
  it('Play: hello, host-session → session-hosted and members, invite-players → invite-sent / invite-failed', async () => {
    const game = await play(['--play', '--invite', bob.xuid, '--invite', alice.xuid]);
    expect(await game.heard(/launcher says hello/)).toContain(
      `protocol 1, mode play, player ${alice.gamertag}`,
    );
    const hosted = await game.heard(/^hosting session /);
    const sessionRef = hosted.replace('hosting session ', '');
    expect(sessionRef).toMatch(/^\/serviceconfigs\/.+\/sessionTemplates\/default\/sessions\/.+$/);
    expect(await game.heard(/players in the session/)).toBe(
      `players in the session: ${alice.gamertag} (host)`,
    );
    expect(await game.heard(/invite sent to/)).toBe(`invite sent to ${bob.xuid}`);
    expect(await game.heard(/invite to .* failed/)).toBe(
      `invite to ${alice.xuid} failed: already-in-session`,
    );
    // The invite handle exists for Bob, with the title and the game's context.
    const invites = await invitesFor(bob);
    expect(invites).toHaveLength(1);
    expect(invites[0]).toMatchObject({
      type: 'invite',
      senderXuid: alice.xuid,
      inviteAttributes: { titleId: '1717113201', context: 'demo' },
    });
    const view = game.controller.view();
    expect(view.phase).toBe('playing');
    expect(view.session).toMatchObject({ sessionRef, role: 'host' });
  });

  it('an accepted invite goes to the running game over the channel (no second copy), and members follow', async () => {
    const host = await play(['--play']);
    const sessionRef = (await host.heard(/^hosting session /)).replace('hosting session ', '');
    const sent = await host.controller.invite([bob.xuid], 'join me');
    expect(sent.ok && sent.value[0]?.ok).toBe(true);
    const handleId = sent.ok && sent.value[0]?.ok ? sent.value[0].handleId : '';

    // Bob plays too; his running game then takes the invite he accepts.
    const guest = await play(['--play'], { who: bob });
    await guest.heard(/^hosting session /);
    const pid = guest.launcher.playable?.runningPid();
    const invite: Invite = {
      handleId,
      kind: 'invite',
      localXuid: bob.xuid,
      remoteXuid: alice.xuid,
    };
    guest.launcher.service.submit(invite);
    const joined = await guest.launcher.service.settled();
    expect(joined.phase).toBe('joined');
    expect(guest.launcher.playable?.runningPid()).toBe(pid);
    expect(await guest.heard(/the launcher handed over another join/)).toBeTruthy();
    expect(
      await guest.heard(
        new RegExp(`players in the session: ${alice.gamertag} \\(host\\), ${bob.gamertag}`),
      ),
    ).toBeTruthy();
    expect(
      await host.heard(
        new RegExp(`players in the session: ${alice.gamertag} \\(host\\), ${bob.gamertag}`),
      ),
    ).toBeTruthy();
    expect(guest.controller.view().session).toMatchObject({ sessionRef, role: 'member' });
  });

  it('open-invite-dialog: unavailable headless; with a dialog, its result goes back to the game', async () => {
    const headless = await play(['--play', '--invite-dialog']);
    expect(await headless.heard(/invite dialog closed/)).toBe('invite dialog closed (unavailable)');
    await headless.launcher.close();

    const withDialog = await play(['--play', '--invite-dialog'], {
      who: bob,
      openInviteDialog: () => Promise.resolve({ reason: 'sent', invited: [alice.xuid] }),
    });
    expect(await withDialog.heard(/invite dialog closed/)).toBe('invite dialog closed (sent)');
  });

  it('hosting (the game hosts its own session) and left: the launcher follows, then leaves a session it hosted', async () => {
    const game = await play(['--play', '--send-after-host', '{"v":1,"type":"left","id":"bye"}']);
    await game.heard(/^hosting session /);
    expect(await game.heard(/the launcher noted that we left/)).toBeTruthy();
    await expect.poll(() => game.controller.view().session, patience).toBeUndefined();
    expect(game.log.lines('info').join('\n')).toContain('left the session the launcher hosted');

    const ref =
      '/serviceconfigs/6f3a1e2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b/sessionTemplates/default/sessions/own-one';
    const own = await play(['--send', JSON.stringify({ type: 'hosting', sessionRef: ref })], {
      who: bob,
    });
    await expect.poll(() => own.controller.view().session?.sessionRef, patience).toBe(ref);
  });

  it('Play shows starting, playing, and a crash when the game exits badly; one copy at a time', async () => {
    const game = await play(['-e', 'setTimeout(() => process.exit(3), 300)'], {
      executable: process.execPath,
    });
    const again = game.controller.play();
    expect(!again.ok && again.error.code).toBe('already-running');
    await expect.poll(() => game.controller.view().phase, patience).toBe('idle');
    const phases = game.views.map((view) => view.phase);
    expect(phases.filter((phase, index) => phase !== phases[index - 1])).toEqual([
      'starting',
      'playing',
      'idle',
    ]);
    expect(game.controller.view().lastExit).toEqual({
      crashed: true,
      description: 'exit code 3',
      reason: { kind: 'exit-code', code: 3 },
    });

    const missing = await play([], { who: bob, executable: '/nonexistent/game' });
    await expect
      .poll(() => missing.controller.view().lastExit?.description, patience)
      .toBe('its program was not found');
    expect(missing.controller.view().lastExit?.reason).toEqual({ kind: 'not-found' });
  });
});

describe('bad messages from the game', () => {
  it.each([
    ['{not json', 'not-json'],
    ['{"type":42}', 'unknown-type'],
    ['{"type":"dance"}', 'unknown-type'],
    ['{"v":2,"type":"left"}', 'unsupported-version'],
    ['{"type":"host-session","seats":0,"connection":"x"}', 'invalid-message'],
    ['{"type":"invite-players","xuids":["not-a-xuid"]}', 'invalid-message'],
    [
      '{"type":"hosting","sessionRef":"/serviceconfigs/../sessionTemplates/x/sessions/y"}',
      'invalid-message',
    ],
  ])(
    '%s → an error line back (%s) and a log line; the game is still served',
    async (line, code) => {
      const game = await play(['--send', line, '--play']);
      expect(await game.heard(/launcher error/)).toMatch(new RegExp(`^launcher error: ${code}: `));
      expect(game.log.lines('warn').join('\n')).toContain(`game channel: ${code}`);
      // The channel keeps working: the hosting request after the bad line is answered.
      expect(await game.heard(/^hosting session /)).toBeTruthy();
    },
  );

  it('a 10 MB line: answered line-too-long as soon as it passes 64 KiB, the rest skipped, the next message served', async () => {
    const game = await play(['--send-bytes', String(10 * 1024 * 1024), '--play']);
    expect(await game.heard(/launcher error/)).toMatch(
      /^launcher error: line-too-long: A line passed 65536 bytes/,
    );
    expect(await game.heard(/^hosting session /)).toBeTruthy();
    expect(game.output.filter((line) => line.startsWith('launcher error'))).toHaveLength(1);
  });

  it('a flood of 2000 messages: rate-limited said at most once a second, the rest dropped and logged, and the game is served again once it slows down', async () => {
    const game = await play([
      '--flood',
      '2000',
      '--send-later',
      '{"type":"open-invite-dialog","id":"after-flood"}',
    ]);
    expect(await game.heard(/launcher error: rate-limited/)).toContain('at most 50 at once');
    expect(await game.heard(/invite dialog closed/)).toBe('invite dialog closed (unavailable)');
    const answered = game.output.filter((line) => line.includes('the launcher noted that we left'));
    expect(answered.length).toBeGreaterThanOrEqual(50);
    expect(answered.length).toBeLessThan(2000);
    // Told at most once a second while it floods, not once per dropped message.
    const told = game.output.filter((line) => line.includes('rate-limited')).length;
    expect(told).toBeGreaterThanOrEqual(1);
    expect(told).toBeLessThan(10);
    expect(game.log.lines('warn').join('\n')).toMatch(
      /game channel: \d+ message\(s\) dropped by the rate limit/,
    );
  });
});
