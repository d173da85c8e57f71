/**
 * The window's account state on its own, over an in-memory account manager whose browser
 * sign-in the test finishes, fails or throws by hand: every view published and in which order,
 * the invite kept while signed out (latest wins) and handed on once, cancel and sign-out aborting
 * a sign-in, and the account picture added only to the view it was looked up for. The real
 * sign-in over HTTP is in account-service.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AccountManager, AccountSummary } from '../../../src/main/account/account-manager';
import {
  createAccountService,
  type AccountServiceDeps,
} from '../../../src/main/account/account-service';
import { signInError, type SignInError } from '../../../src/main/account/sign-in-error';
import type { AccountView } from '../../../src/shared/account-view';
import type { Invite } from '../../../src/shared/invite';
import type { Result } from '../../../src/shared/result';

const ann: AccountSummary = { xuid: '2535400000000001', gamertag: 'Ann' };
const bea: AccountSummary = { xuid: '2535400000000002', gamertag: 'Bea' };

const invite = (n: number): Invite => ({
  kind: 'invite',
  handleId: `0f3c12ab-0000-4000-8000-00000000000${n}`,
  localXuid: ann.xuid,
  remoteXuid: '2533274811111111',
});

type SignInOutcome = Result<AccountSummary, SignInError> | Error | string;

/** An account manager in memory: `accounts[0]` is current; browser sign-ins wait for `finish`. */
function memoryAccounts(initial: AccountSummary[] = []) {
  let cached = [...initial];
  let currentXuid = cached[0]?.xuid;
  const signIns: { signal: AbortSignal; finish: (outcome: SignInOutcome) => void }[] = [];
  let signedOut = 0;
  const manager: AccountManager = {
    signInWithDeviceCode: () => Promise.reject(new Error('not used here')),
    signInWithBrowser(openBrowser, signal) {
      return new Promise((resolve, reject) => {
        signIns.push({
          signal,
          finish(outcome) {
            if (typeof outcome === 'string') {
              reject(outcome);
            } else if (outcome instanceof Error) reject(outcome);
            else {
              if (outcome.ok) {
                cached = [outcome.value, ...cached.filter((a) => a.xuid !== outcome.value.xuid)];
                currentXuid = outcome.value.xuid;
              }
              resolve(outcome);
            }
          },
        });
        void openBrowser('http://127.0.0.1:9/authorize');
      });
    },
    current: async () => cached.find((account) => account.xuid === currentXuid),
    accounts: async () => [...cached],
    async switchTo(xuid) {
      if (!cached.some((account) => account.xuid === xuid)) return false;
      currentXuid = xuid;
      return true;
    },
    async signOut() {
      signedOut += 1;
      cached = [];
      currentXuid = undefined;
    },
    tokenProvider: () => {
      throw new Error('not used here');
    },
  };
  return { manager, signIns, signedOut: () => signedOut };
}

/** The service over `accounts`, with every view, log line, join and opened URL kept. */
function service(
  accounts: ReturnType<typeof memoryAccounts>,
  extra: Partial<AccountServiceDeps> = {},
) {
  const views: AccountView[] = [];
  const lines: string[] = [];
  const joined: Invite[] = [];
  const opened: string[] = [];
  const created = createAccountService({
    accounts: accounts.manager,
    openBrowser: (url) => {
      opened.push(url);
    },
    join: (next) => joined.push(next),
    log: (line) => lines.push(line),
    ...extra,
  });
  created.subscribe((view) => views.push(view));
  return { service: created, views, lines, joined, opened };
}

/** Waits until the manager got a browser sign-in. */
async function nextSignIn(accounts: ReturnType<typeof memoryAccounts>, count: number) {
  await expect.poll(() => accounts.signIns.length).toBe(count);
  const started = accounts.signIns[count - 1];
  if (!started) throw new Error('no sign-in');
  return started;
}

describe('load and the views', () => {
  it('starts signed out and loads to signed out when nothing is cached', async () => {
    const run = service(memoryAccounts());
    expect(run.service.view()).toStrictEqual({ state: 'signed-out', inviteWaiting: false });
    await run.service.load();
    expect(run.views).toStrictEqual([{ state: 'signed-out', inviteWaiting: false }]);
  });

  it('loads the current account with the others Switch account offers', async () => {
    const run = service(memoryAccounts([bea, ann]));
    await run.service.load();
    expect(run.service.view()).toStrictEqual({
      state: 'signed-in',
      xuid: bea.xuid,
      gamertag: 'Bea',
      others: [ann],
    });
  });

  it('stops telling a listener once it unsubscribed; others still hear', async () => {
    const run = service(memoryAccounts());
    const heard: AccountView[] = [];
    const unsubscribe = run.service.subscribe((view) => heard.push(view));
    await run.service.load();
    unsubscribe();
    run.service.offerInvite(invite(1));
    expect(heard).toHaveLength(1);
    expect(run.views).toHaveLength(2);
  });
});

describe('sign-in', () => {
  it('publishes signing-in, opens the browser, and on success the signed-in view', async () => {
    const accounts = memoryAccounts([bea]);
    const run = service(accounts);
    await run.service.load();
    const signing = run.service.signIn();
    expect(run.service.view()).toStrictEqual({ state: 'signing-in', inviteWaiting: false });
    (await nextSignIn(accounts, 1)).finish({ ok: true, value: ann });
    await signing;
    expect(run.opened).toStrictEqual(['http://127.0.0.1:9/authorize']);
    expect(run.service.view()).toStrictEqual({
      state: 'signed-in',
      xuid: ann.xuid,
      gamertag: 'Ann',
      others: [bea],
    });
    expect(run.joined).toStrictEqual([]);
  });

  it('a second sign-in while one runs does nothing; after it ends, one can start again', async () => {
    const accounts = memoryAccounts();
    const run = service(accounts);
    const first = run.service.signIn();
    await run.service.signIn();
    expect(accounts.signIns).toHaveLength(1);
    expect(run.views).toHaveLength(1);
    (await nextSignIn(accounts, 1)).finish({ ok: false, error: signInError('cancelled', 'x') });
    await first;
    const second = run.service.signIn();
    (await nextSignIn(accounts, 2)).finish({ ok: true, value: ann });
    await second;
    expect(run.service.view()).toMatchObject({ state: 'signed-in', gamertag: 'Ann' });
  });

  it('a failed sign-in is a failed view with its code and a log line', async () => {
    const accounts = memoryAccounts();
    const run = service(accounts);
    const signing = run.service.signIn();
    (await nextSignIn(accounts, 1)).finish({
      ok: false,
      error: signInError('no-xbox-profile', 'XSTS refused the account (XErr 2148916233)'),
    });
    await signing;
    expect(run.views).toStrictEqual([
      { state: 'signing-in', inviteWaiting: false },
      { state: 'failed', code: 'no-xbox-profile', inviteWaiting: false },
    ]);
    expect(run.lines).toStrictEqual(['account: sign-in failed: no-xbox-profile']);
  });

  it.each([
    [new Error('no browser on this system'), 'no browser on this system'],
    ['a thrown string', 'error'],
  ])('a sign-in that throws (%s) fails as service-unavailable', async (thrown, logged) => {
    const accounts = memoryAccounts();
    const run = service(accounts);
    const signing = run.service.signIn();
    (await nextSignIn(accounts, 1)).finish(thrown);
    await signing;
    expect(run.service.view()).toStrictEqual({
      state: 'failed',
      code: 'service-unavailable',
      inviteWaiting: false,
    });
    expect(run.lines).toStrictEqual([
      `account: sign-in could not start: ${logged}`,
      'account: sign-in failed: service-unavailable',
    ]);
  });

  it('cancel aborts the running sign-in; with none running it does nothing', async () => {
    const accounts = memoryAccounts();
    const run = service(accounts);
    run.service.cancelSignIn();
    const signing = run.service.signIn();
    const started = await nextSignIn(accounts, 1);
    expect(started.signal.aborted).toBe(false);
    run.service.cancelSignIn();
    expect(started.signal.aborted).toBe(true);
    started.finish({ ok: false, error: signInError('cancelled', 'sign-in cancelled') });
    await signing;
    expect(run.service.view()).toStrictEqual({
      state: 'failed',
      code: 'cancelled',
      inviteWaiting: false,
    });
  });
});

describe('invites', () => {
  it('joins at once when signed in', async () => {
    const run = service(memoryAccounts([ann]));
    await run.service.load();
    expect(run.service.offerInvite(invite(1))).toBe(true);
    expect(run.joined).toStrictEqual([invite(1)]);
    expect(run.lines).toStrictEqual([]);
  });

  it('signed out, the latest invite waits and is handed on once after sign-in', async () => {
    const accounts = memoryAccounts();
    const run = service(accounts);
    await run.service.load();
    expect(run.service.offerInvite(invite(1))).toBe(false);
    expect(run.service.view()).toStrictEqual({ state: 'signed-out', inviteWaiting: true });
    expect(run.lines).toStrictEqual([
      'account: an invite arrived while signed out; it waits for sign-in',
    ]);
    expect(run.service.offerInvite(invite(2))).toBe(false);
    const signing = run.service.signIn();
    expect(run.service.view()).toStrictEqual({ state: 'signing-in', inviteWaiting: true });
    (await nextSignIn(accounts, 1)).finish({ ok: true, value: ann });
    await signing;
    expect(run.joined).toStrictEqual([invite(2)]);
    expect(run.lines.at(-1)).toBe(
      'account: signed in; continuing the invite that arrived while signed out',
    );

    // Handed on once: signing in again (another account) joins nothing more.
    const again = run.service.signIn();
    (await nextSignIn(accounts, 2)).finish({ ok: true, value: bea });
    await again;
    expect(run.joined).toStrictEqual([invite(2)]);
    expect(run.lines.filter((line) => line.includes('continuing'))).toHaveLength(1);
  });

  it('an invite during sign-in keeps the signing-in view; after a failure, the failed one', async () => {
    const accounts = memoryAccounts();
    const run = service(accounts);
    const signing = run.service.signIn();
    expect(run.service.offerInvite(invite(1))).toBe(false);
    expect(run.service.view()).toStrictEqual({ state: 'signing-in', inviteWaiting: true });
    (await nextSignIn(accounts, 1)).finish({
      ok: false,
      error: signInError('code-expired', 'x'),
    });
    await signing;
    expect(run.service.view()).toStrictEqual({
      state: 'failed',
      code: 'code-expired',
      inviteWaiting: true,
    });
    expect(run.service.offerInvite(invite(2))).toBe(false);
    expect(run.service.view()).toStrictEqual({
      state: 'failed',
      code: 'code-expired',
      inviteWaiting: true,
    });
    expect(run.joined).toStrictEqual([]);
  });

  it('a failed view without an invite gets one waiting', async () => {
    const accounts = memoryAccounts();
    const run = service(accounts);
    const signing = run.service.signIn();
    (await nextSignIn(accounts, 1)).finish({ ok: false, error: signInError('cancelled', 'x') });
    await signing;
    run.service.offerInvite(invite(1));
    expect(run.service.view()).toStrictEqual({
      state: 'failed',
      code: 'cancelled',
      inviteWaiting: true,
    });
  });
});

describe('switch and sign out', () => {
  it('switches to a cached account and says whether it could', async () => {
    const run = service(memoryAccounts([ann, bea]));
    await run.service.load();
    expect(await run.service.switchTo(bea.xuid)).toBe(true);
    expect(run.service.view()).toStrictEqual({
      state: 'signed-in',
      xuid: bea.xuid,
      gamertag: 'Bea',
      others: [ann],
    });
    expect(await run.service.switchTo('99')).toBe(false);
    expect(run.service.view()).toMatchObject({ xuid: bea.xuid });
  });

  it('signs out (aborting a running sign-in) to a view that still knows of a waiting invite', async () => {
    const accounts = memoryAccounts([ann]);
    const run = service(accounts);
    await run.service.signOut();
    expect(accounts.signedOut()).toBe(1);
    expect(run.service.view()).toStrictEqual({ state: 'signed-out', inviteWaiting: false });

    run.service.offerInvite(invite(1));
    const signing = run.service.signIn();
    const started = await nextSignIn(accounts, 1);
    await run.service.signOut();
    expect(started.signal.aborted).toBe(true);
    expect(run.service.view()).toStrictEqual({ state: 'signed-out', inviteWaiting: true });
    started.finish({ ok: false, error: signInError('cancelled', 'x') });
    await signing;
  });
});

describe('the account picture', () => {
  it('is added to the signed-in view once looked up, and not looked up again', async () => {
    const looked: string[] = [];
    const run = service(memoryAccounts([ann]), {
      picture: async (xuid) => {
        looked.push(xuid);
        return 'data:image/png;base64,AAAA';
      },
    });
    await run.service.load();
    await expect.poll(() => run.views.length).toBe(2);
    expect(run.views).toStrictEqual([
      { state: 'signed-in', xuid: ann.xuid, gamertag: 'Ann', others: [] },
      {
        state: 'signed-in',
        xuid: ann.xuid,
        gamertag: 'Ann',
        others: [],
        picture: 'data:image/png;base64,AAAA',
      },
    ]);
    await run.service.load();
    expect(looked).toStrictEqual([ann.xuid]);
    expect(run.views.at(-1)).toStrictEqual({
      state: 'signed-in',
      xuid: ann.xuid,
      gamertag: 'Ann',
      picture: 'data:image/png;base64,AAAA',
      others: [],
    });
  });

  it.each([
    ['none', async () => undefined],
    ['a failing lookup', () => Promise.reject(new Error('offline'))],
  ])('%s leaves the initial, with a log line', async (_name, picture) => {
    const run = service(memoryAccounts([ann]), { picture });
    await run.service.load();
    await expect
      .poll(() => run.lines)
      .toStrictEqual(['account: no picture for the account chip; it shows an initial']);
    expect(run.views).toStrictEqual([
      { state: 'signed-in', xuid: ann.xuid, gamertag: 'Ann', others: [] },
    ]);
  });

  it('without a picture lookup, nothing is looked up or logged', async () => {
    const run = service(memoryAccounts([ann]));
    await run.service.load();
    await run.service.load();
    expect(run.lines).toStrictEqual([]);
    expect(run.views).toHaveLength(2);
  });

  it('a picture that arrives after the player switched account is kept, not shown on the other', async () => {
    const answers = new Map<string, (picture: string) => void>();
    const run = service(memoryAccounts([ann, bea]), {
      picture: (xuid) => new Promise((resolve) => answers.set(xuid, resolve)),
    });
    await run.service.load();
    await expect.poll(() => answers.has(ann.xuid)).toBe(true);
    await run.service.switchTo(bea.xuid);
    answers.get(ann.xuid)?.('data:image/png;base64,QQ==');
    await expect.poll(() => answers.has(bea.xuid)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.service.view()).toStrictEqual({
      state: 'signed-in',
      xuid: bea.xuid,
      gamertag: 'Bea',
      others: [ann],
    });
    // Back on Ann, her picture is known at once.
    await run.service.switchTo(ann.xuid);
    expect(run.service.view()).toMatchObject({ picture: 'data:image/png;base64,QQ==' });
  });
});
