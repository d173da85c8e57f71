import { describe, expect, it } from 'vitest';
import { LinkIntake } from '../../../src/main/intake/link-intake';
import { wireLinkIntake } from '../../../src/main/intake/wire-link-intake';
import {
  defaultInviteLinkConfig,
  developmentInviteLinkConfig,
} from '../../../src/shared/invite-link';
import { FakeElectronApp } from './fake-electron-app';
import { FakeInviteTarget } from './fake-invite-target';
import { RecordingLogger } from './recording-logger';

const handleA = 'd7853aa1-6500-4fa8-a744-e093e77a4ba8';
const handleB = '0f3c12ab-1111-4222-8333-944455556666';
const local = '2814616402722312';
const remote = '2814650950488554';
const inviteLink = (handle: string, extra = '') =>
  `rallypoint://inviteHandleAccept?handle=${handle}&invitedXuid=${local}&senderXuid=${remote}${extra}`;
const joinLink = (handle: string) =>
  `ms-xbl-multiplayer://activityHandleJoin?&handle=${handle}&joinerXuid=${local}&joineeXuid=${remote}`;
const exe = 'C:\\Program Files\\Rallypoint\\Rallypoint.exe';

function setUp(options: { primary?: boolean; argv?: string[]; maxPending?: number } = {}) {
  const logger = new RecordingLogger();
  const app = new FakeElectronApp(options.primary ?? true);
  let windowRequests = 0;
  const intake = new LinkIntake({
    config: defaultInviteLinkConfig,
    logger,
    onArrivalWhileDetached: () => void windowRequests++,
    ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
  });
  const role = wireLinkIntake(app, intake, { argv: options.argv ?? [exe], logger });
  const target = new FakeInviteTarget();
  return { logger, app, intake, role, target, windowRequests: () => windowRequests };
}

describe('link intake on a faked Electron app', () => {
  it('cold start: the link in process.argv waits for the target, then is submitted', () => {
    const { intake, target, role, app } = setUp({ argv: [exe, '--', inviteLink(handleA)] });
    expect(role).toBe('primary');
    expect(intake.pendingCount).toBe(1);
    expect(app.exitCode).toBeUndefined();
    intake.attach(target);
    expect(target.deliveries).toEqual([`invite:${handleA}`]);
    expect(target.events[0]).toEqual({
      type: 'submit',
      invite: { kind: 'invite', handleId: handleA, localXuid: local, remoteXuid: remote },
    });
  });

  it('cold start without a link delivers nothing and says so', () => {
    const { intake, target, logger } = setUp({ argv: [exe, '--allow-file-access-from-files'] });
    intake.attach(target);
    expect(target.events).toEqual([]);
    expect(logger.text).toContain('cold-start command line holds no invite link');
  });

  it('warm start: a second launch reveals the window and its link is submitted', () => {
    const { intake, target, app } = setUp();
    intake.attach(target);
    app.launchSecond([exe, '--original-process-start-time=1337', '--', joinLink(handleA)]);
    expect(target.events.map((event) => event.type)).toEqual(['reveal', 'submit']);
    expect(target.deliveries).toEqual([`join:${handleA}`]);
  });

  it('a second launch without a link only reveals the window', () => {
    const { intake, target, app } = setUp();
    intake.attach(target);
    app.launchSecond([exe]);
    expect(target.events).toEqual([{ type: 'reveal' }]);
  });

  it('keeps every link that arrives before the target, parsed, and delivers them in order', () => {
    const { intake, target, app } = setUp({ argv: [exe, '--', inviteLink(handleA)] });
    app.openUrl('rallypoint://nonsense');
    app.launchSecond([exe, '--', joinLink(handleB)]);
    app.openUrl(inviteLink(handleA, '&context=rematch'));
    expect(target.events).toEqual([]);
    expect(intake.pendingCount).toBe(4);
    intake.attach(target);
    expect(target.deliveries).toEqual([
      `invite:${handleA}`,
      'reject:unknown-action',
      `join:${handleB}`,
      `invite:${handleA}`,
    ]);
    expect(intake.pendingCount).toBe(0);
  });

  it('macOS: open-url before ready is prevented, buffered and delivered', () => {
    const { intake, target, app } = setUp({
      argv: ['/Applications/Rallypoint.app/Contents/MacOS/Rallypoint'],
    });
    app.openUrl(inviteLink(handleA));
    expect(app.preventedUrls).toBe(1);
    expect(target.events).toEqual([]);
    intake.attach(target);
    expect(target.deliveries).toEqual([`invite:${handleA}`]);
  });

  it('attaches open-url before taking the lock, and second-instance only in the primary', () => {
    const primary = setUp();
    expect(primary.app.calls).toEqual([
      'on:open-url',
      'requestSingleInstanceLock',
      'on:second-instance',
    ]);
    const secondary = setUp({ primary: false, argv: [exe, '--', inviteLink(handleA)] });
    expect(secondary.role).toBe('secondary');
    expect(secondary.app.calls).toEqual(['on:open-url', 'requestSingleInstanceLock', 'exit']);
    expect(secondary.app.exitCode).toBe(0);
    // The primary gets this argv through second-instance; the secondary must not act on it.
    expect(secondary.intake.pendingCount).toBe(0);
    expect(secondary.app.listenerCount('second-instance')).toBe(0);
  });

  it('ignores the same handle while its join is in flight, and accepts it again afterwards', () => {
    const { intake, target, app, logger } = setUp();
    intake.attach(target);
    app.openUrl(inviteLink(handleA));
    app.openUrl(inviteLink(handleA.toUpperCase()));
    app.launchSecond([exe, '--', joinLink(handleA)]);
    expect(target.deliveries).toEqual([`invite:${handleA}`]);
    expect(logger.text).toContain('already joining; duplicate ignored');
    target.finish();
    app.openUrl(inviteLink(handleA));
    expect(target.deliveries).toEqual([`invite:${handleA}`, `invite:${handleA}`]);
  });

  it('a duplicate buffered before ready is dropped once the first is in flight', () => {
    const { intake, target, app } = setUp({ argv: [exe, '--', inviteLink(handleA)] });
    app.openUrl(inviteLink(handleA));
    intake.attach(target);
    expect(target.deliveries).toEqual([`invite:${handleA}`]);
  });

  it('a different handle supersedes the join in flight', () => {
    const { intake, target, app, logger } = setUp();
    intake.attach(target);
    app.openUrl(inviteLink(handleA));
    app.openUrl(joinLink(handleB));
    expect(target.deliveries).toEqual([`invite:${handleA}`, `join:${handleB}`]);
    expect(target.inFlightHandleId()).toBe(handleB);
    expect(logger.text).toContain('handle=0f3c12ab… supersedes handle=d7853aa1…');
  });

  it('invalid links reach the window as typed errors, in order with the rest', () => {
    const { intake, target, app } = setUp({
      argv: [exe, '--', inviteLink('nope')],
    });
    intake.attach(target);
    app.openUrl(`${inviteLink(handleA)}#x`);
    app.openUrl('https://evil.example/');
    expect(target.events).toEqual([
      {
        type: 'reject',
        error: { code: 'invalid-handle', message: expect.any(String) },
      },
      { type: 'reveal' },
      { type: 'reject', error: { code: 'forbidden-url-part', message: expect.any(String) } },
      { type: 'reveal' },
      { type: 'reject', error: { code: 'unknown-scheme', message: expect.any(String) } },
    ]);
  });

  it('two links in one command line are refused as a whole', () => {
    const { intake, target, app } = setUp({
      argv: [exe, '--', inviteLink(handleA), joinLink(handleB)],
    });
    intake.attach(target);
    app.launchSecond([exe, inviteLink(handleB), '--', inviteLink(handleB)]);
    expect(target.deliveries).toEqual(['reject:multiple-links', 'reject:multiple-links']);
  });

  it('survives a target that throws, and keeps delivering', () => {
    const { intake, app, logger } = setUp({ argv: [exe, '--', inviteLink(handleA)] });
    app.openUrl(joinLink(handleB));
    const target = new FakeInviteTarget();
    let first = true;
    const submit = target.submit.bind(target);
    target.submit = (invite) => {
      if (first) {
        first = false;
        throw new Error('join flow not ready');
      }
      submit(invite);
    };
    intake.attach(target);
    expect(target.deliveries).toEqual([`join:${handleB}`]);
    expect(logger.text).toContain(
      'the target failed to take a invite link (Error: join flow not ready)',
    );
  });

  it('after detach, links wait and a window is asked for; a new target gets them', () => {
    const { intake, target, app, windowRequests } = setUp();
    const detach = intake.attach(target);
    detach();
    app.openUrl(inviteLink(handleA));
    expect(windowRequests()).toBe(1);
    expect(intake.pendingCount).toBe(1);
    const next = new FakeInviteTarget();
    intake.attach(next);
    expect(next.deliveries).toEqual([`invite:${handleA}`]);
    expect(target.deliveries).toEqual([]);
  });

  it('logs each decision, in order, with the origin and a redacted label', () => {
    const { intake, target, app, logger } = setUp({ argv: [exe, '--', inviteLink(handleA)] });
    const detach = intake.attach(target);
    app.launchSecond([exe, 'rallypoint://nope']);
    const again = new FakeInviteTarget();
    intake.attach(again);
    detach();
    app.openUrl(joinLink(handleB));
    expect(logger.lines).toEqual([
      'info intake: this launcher holds the single-instance lock',
      'info intake: cold-start link accepted: rallypoint://inviteHandleAccept handle=d7853aa1…',
      'info intake: no target yet, 1 link(s) waiting',
      'info intake: target attached, delivering 1 waiting link(s)',
      'info intake: rallypoint://inviteHandleAccept handle=d7853aa1… submitted',
      'info intake: revealing the window for a second launch',
      'warn intake: second-instance link rejected (unknown-action): The link asks for something other than an invite or a join.',
      'warn intake: a second target attached; it replaces the first',
      'info intake: target attached, delivering 0 waiting link(s)',
      'info intake: revealing the window for an opened link',
      'info intake: open-url link accepted: ms-xbl-multiplayer://activityHandleJoin handle=0f3c12ab…',
      'info intake: ms-xbl-multiplayer://activityHandleJoin handle=0f3c12ab… submitted',
    ]);
    expect(again.deliveries).toEqual([`join:${handleB}`]);
  });

  it('a second launch whose argv is not a list counts as an empty command line', () => {
    const { intake, target, app, logger } = setUp();
    intake.attach(target);
    expect(() => app.emit('second-instance', {}, undefined, '/home/player')).not.toThrow();
    expect(target.events).toEqual([{ type: 'reveal' }]);
    expect(logger.lines.at(-1)).toBe(
      'info intake: second-instance command line holds no invite link',
    );
  });

  it('a second launch says it hands over and quits', () => {
    const { logger, role } = setUp({ primary: false, argv: [exe, '--', inviteLink(handleA)] });
    expect(role).toBe('secondary');
    expect(logger.lines).toEqual([
      'info intake: another launcher holds the single-instance lock; handed over, quitting',
    ]);
  });

  it('a cold start does not bring the window forward; a second launch and an opened link do', () => {
    const { intake, target, app } = setUp({ argv: [exe, '--', inviteLink(handleA)] });
    intake.attach(target);
    expect(target.events.map((event) => event.type)).toEqual(['submit']);
    intake.receiveArgv([exe], 'cold-start');
    expect(target.events.map((event) => event.type)).toEqual(['submit']);
    app.launchSecond([exe]);
    app.openUrl(inviteLink(handleA));
    expect(target.events.map((event) => event.type)).toEqual(['submit', 'reveal', 'reveal']);
  });

  it('detaching a target that was already replaced leaves the new one attached', () => {
    const { intake, target, app, logger } = setUp();
    const detachOld = intake.attach(target);
    const next = new FakeInviteTarget();
    intake.attach(next);
    detachOld();
    expect(logger.text).not.toContain('target detached');
    app.openUrl(inviteLink(handleA));
    expect(next.deliveries).toEqual([`invite:${handleA}`]);
    expect(intake.pendingCount).toBe(0);
  });

  it('a target that reacts to a link with another link gets them in arrival order', () => {
    const { intake, app } = setUp();
    const target = new FakeInviteTarget();
    const submit = target.submit.bind(target);
    let reacted = false;
    target.submit = (invite) => {
      if (!reacted) {
        reacted = true;
        app.openUrl(inviteLink(handleB));
      }
      submit(invite);
    };
    intake.attach(target);
    app.openUrl(inviteLink(handleA));
    expect(target.deliveries).toEqual([`invite:${handleA}`, `invite:${handleB}`]);
  });

  it('after detach without a window opener, a link waits and nothing throws', () => {
    const logger = new RecordingLogger();
    const intake = new LinkIntake({ config: defaultInviteLinkConfig, logger });
    const detach = intake.attach(new FakeInviteTarget());
    detach();
    expect(() => intake.receiveUrl(inviteLink(handleA), 'open-url')).not.toThrow();
    expect(intake.pendingCount).toBe(1);
    expect(logger.lines).toContain(
      'info intake: target detached; links will wait for the next one',
    );
    expect(logger.text).not.toContain('failed');
    expect(logger.text).toContain('intake: no window for an opened link; asking for one');
  });

  it('a window opener or a reveal that throws is logged, and the link still waits or arrives', () => {
    const logger = new RecordingLogger();
    const intake = new LinkIntake({
      config: defaultInviteLinkConfig,
      logger,
      onArrivalWhileDetached: () => {
        throw new Error('no display');
      },
    });
    intake.attach(new FakeInviteTarget())();
    intake.receiveUrl(inviteLink(handleA), 'open-url');
    expect(logger.lines).toContain('error intake: opening a window failed (no display)');
    expect(intake.pendingCount).toBe(1);
    const target = new FakeInviteTarget();
    target.revealWindow = () => {
      throw new Error('window gone');
    };
    intake.attach(target);
    intake.receiveUrl(inviteLink(handleB), 'open-url');
    expect(logger.lines).toContain('error intake: revealing the window failed (window gone)');
    expect(target.deliveries).toEqual([`invite:${handleA}`, `invite:${handleB}`]);
  });

  it('does not ask for a window before the first attach (one is on its way)', () => {
    const { app, windowRequests } = setUp();
    app.openUrl(inviteLink(handleA));
    expect(windowRequests()).toBe(0);
  });

  it('bounds the buffer against a flood, oldest first, and says so', () => {
    const { intake, target, app, logger } = setUp({ maxPending: 3 });
    const handles = [1, 2, 3, 4, 5].map((n) => `0000000${n}-0000-4000-8000-000000000000`);
    for (const handle of handles) app.openUrl(inviteLink(handle));
    intake.attach(target);
    expect(target.deliveries).toEqual(handles.slice(2).map((handle) => `invite:${handle}`));
    expect(logger.text).toContain('more than 3 links waiting');
  });

  it('never logs XUIDs, the context or a whole handle', () => {
    const { intake, target, app, logger } = setUp({
      argv: [exe, '--', inviteLink(handleA, '&context=secret-lobby-code')],
    });
    intake.attach(target);
    app.openUrl(inviteLink(handleB));
    app.launchSecond([exe, '--', `${inviteLink(handleB)}&senderXuid=${remote}`]);
    app.openUrl(`rallypoint://inviteHandleAccept?handle=${handleA}&invitedXuid=${local}`);
    expect(logger.lines.length).toBeGreaterThan(5);
    for (const secret of [local, remote, 'secret-lobby-code', handleA, handleB]) {
      expect(logger.text).not.toContain(secret);
    }
    expect(logger.text).toContain('rallypoint://inviteHandleAccept handle=d7853aa1…');
  });

  it('accepts the development scheme only with the development config', () => {
    const logger = new RecordingLogger();
    const intake = new LinkIntake({ config: developmentInviteLinkConfig, logger });
    const target = new FakeInviteTarget();
    intake.attach(target);
    intake.receiveUrl(inviteLink(handleA).replace('rallypoint:', 'rallypoint-dev:'), 'open-url');
    expect(target.deliveries).toEqual([`invite:${handleA}`]);
  });

  it('refuses a broken config at construction, where a developer sees it', () => {
    expect(
      () =>
        new LinkIntake({
          config: { schemes: ['rally point'], titleId: 'xyz' },
          logger: new RecordingLogger(),
        }),
    ).toThrow(TypeError);
    expect(
      () =>
        new LinkIntake({
          config: { schemes: ['rally point'], titleId: 'xyz' },
          logger: new RecordingLogger(),
        }),
    ).toThrow(/^invite link config: \S.*; \S/);
  });

  it('a target or window opener that throws something other than an Error is logged as unknown', () => {
    const logger = new RecordingLogger();
    const intake = new LinkIntake({
      config: defaultInviteLinkConfig,
      logger,
      onArrivalWhileDetached: () => {
        throw 'no display';
      },
    });
    intake.attach(new FakeInviteTarget())();
    intake.receiveUrl(inviteLink(handleA), 'open-url');
    const target = new FakeInviteTarget();
    target.revealWindow = () => {
      throw 'gone';
    };
    target.submit = () => {
      throw 'busy';
    };
    intake.attach(target);
    intake.receiveUrl(inviteLink(handleB), 'open-url');
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([
      'error intake: opening a window failed (unknown error)',
      'error intake: the target failed to take a invite link (unknown error)',
      'error intake: revealing the window failed (unknown error)',
      'error intake: the target failed to take a invite link (unknown error)',
    ]);
  });
});
