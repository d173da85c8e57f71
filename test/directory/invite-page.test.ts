/**
 * The web invite page, `GET /invite/{handleId}`, over real HTTP on loopback: what it shows for an
 * open session, that a session with a read restriction (or a private one) shows nothing beyond
 * "an invite", the 404 page for unknown, malformed, expired, deleted and non-invite handles, the
 * language, the installer per operating system, escaping of player text, its headers and its
 * script file. The page in a real browser is in invite-page.chromium.test.ts.
 */
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDirectory } from '../../src/directory/directory-options';
import { invitePageHtml } from '../../src/directory/invite-page/invite-page-html';
import { pageText } from '../../src/directory/invite-page/invite-page-text';
import { startDirectory } from '../../src/directory/start-directory';
import { call, joinBody, player, scid, sessionUrl, type Player } from './directory-test-client';

const downloads = {
  windows: 'https://downloads.example.com/Rallypoint-Setup.exe',
  macos: 'https://downloads.example.com/Rallypoint.dmg',
  linux: 'https://downloads.example.com/Rallypoint.AppImage',
};
const gameName = 'Harbor Raid';
const agents = {
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/143.0 Safari/537.36',
  macos: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15',
  linux: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/143.0 Mobile',
};

let directory: RunningDirectory;
let url: string;
let host: Player;
let invited: Player;
let counter = 0;
const now = { ms: Date.parse('2026-12-05T03:00:00Z') };

beforeAll(async () => {
  directory = await startDirectory({
    rateLimits: false,
    clock: { now: () => now.ms },
    handleLifetimeMs: 60_000,
    invitePage: { gameName, downloads },
    onLog: () => undefined,
  });
  url = directory.url;
  host = await player(url, 'Harbor Host');
  invited = await player(url, 'Invited Friend');
});
afterAll(() => directory?.close());

/** A session of `host` (with these system properties) and an invite for `invited`; its id. */
async function invite(
  system: Record<string, unknown> = {},
  options: { context?: string; as?: Player; constants?: Record<string, unknown> } = {},
): Promise<{ id: string; name: string }> {
  const sender = options.as ?? host;
  const name = `page-${++counter}`;
  const created = await call(url, 'PUT', sessionUrl(name), {
    as: sender,
    body: {
      ...joinBody(sender),
      properties: { system },
      ...(options.constants ? { constants: { system: options.constants } } : {}),
    },
  });
  expect(created.status, created.text).toBe(201);
  const handle = await call(url, 'POST', '/handles', {
    as: sender,
    body: {
      version: 1,
      type: 'invite',
      sessionRef: { scid, templateName: 'default', name },
      invitedXuid: invited.xuid,
      inviteAttributes: {
        titleId: '1717113201',
        ...(options.context === undefined ? {} : { context: options.context }),
      },
    },
  });
  expect(handle.status, handle.text).toBe(201);
  return { id: handle.json<{ id: string }>().id, name };
}

async function page(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

describe('the web invite page', () => {
  it('names the sender, the game, the players and opens the app link, with strict headers', async () => {
    const { id } = await invite({}, { context: 'squad up' });
    const answer = await page(`/invite/${id}`, { 'user-agent': agents.windows });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('content-language')).toBe('en');
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');

    const { html } = answer;
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(
      `<h1 id="invite-title"><bdi>Harbor Host</bdi> invited you to play <bdi>${gameName}</bdi></h1>`,
    );
    expect(html).toContain('“<bdi>squad up</bdi>”');
    expect(html).toContain('1 of 100 players');
    expect(html).toContain(`src="../people/pictures/${host.xuid}.svg"`);
    const appLink = `rallypoint://inviteHandleAccept?handle=${id}&amp;invitedXuid=${invited.xuid}&amp;senderXuid=${host.xuid}&amp;context=squad%20up`;
    expect(html).toContain(`id="open-link" href="${appLink}"`);
    expect(html).toContain(`id="open-again" href="${appLink}"`);
    expect(html).not.toMatch(/<script>|\son[a-z]+=/i);
    // No token of any kind: neither player's authorization appears, nor anything like one.
    for (const who of [host, invited]) {
      expect(html).not.toContain(who.authorization.split(';')[1]);
    }
    expect(html).not.toMatch(/XBL3\.0|authorization|token/i);
  });

  it('serves its one script at the hashed name the page loads with integrity', async () => {
    const { id } = await invite();
    const { html } = await page(`/invite/${id}`);
    const [, file, integrity] =
      /<script src="(open-launcher\.[0-9a-f]{12}\.js)" integrity="(sha384-[^"]+)"><\/script>/.exec(
        html,
      ) ?? [];
    expect(file).toBeDefined();
    const script = await page(`/invite/${file}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    const digest = createHash('sha384').update(script.html).digest('base64');
    expect(`sha384-${digest}`).toBe(integrity);
    // The inline style is the one the policy's hash allows.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const styleHash = createHash('sha256').update(style).digest('base64');
    const answer = await page(`/invite/${id}`);
    expect(answer.headers.get('content-security-policy')).toContain(`'sha256-${styleHash}'`);
  });

  it('speaks Japanese when Accept-Language prefers it, English otherwise', async () => {
    const { id } = await invite();
    const ja = await page(`/invite/${id}`, { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.8' });
    expect(ja.headers.get('content-language')).toBe('ja');
    expect(ja.html).toContain('<html lang="ja">');
    expect(ja.html).toContain(
      `<bdi>Harbor Host</bdi>さんから<bdi>${gameName}</bdi>への招待が届きました`,
    );
    expect(ja.html).toContain('もう一度開く');
    const preferEnglish = await page(`/invite/${id}`, { 'accept-language': 'en;q=1, ja;q=0.5' });
    expect(preferEnglish.html).toContain('<html lang="en">');
    const french = await page(`/invite/${id}`, { 'accept-language': 'fr-FR' });
    expect(french.html).toContain('Open again');
    const gone = await page('/invite/0b5f1c2a-0000-4f60-8a1b-2c3d4e5f6a7b', {
      'accept-language': 'ja',
    });
    expect(gone.html).toContain('この招待は利用できません');
  });

  it("offers the visitor's installer first, the others as links; none chosen on a phone", async () => {
    const { id } = await invite();
    for (const system of ['windows', 'macos', 'linux'] as const) {
      const { html } = await page(`/invite/${id}`, { 'user-agent': agents[system] });
      expect(html, system).toContain(
        `<a class="button primary" id="download" href="${downloads[system]}" data-platform="${system}">`,
      );
      for (const other of Object.values(downloads).filter((link) => link !== downloads[system]))
        expect(html, system).toContain(`href="${other}"`);
    }
    const hinted = await page(`/invite/${id}`, {
      'user-agent': agents.linux,
      'sec-ch-ua-platform': '"macOS"',
    });
    expect(hinted.html).toContain(`id="download" href="${downloads.macos}"`);
    const phone = await page(`/invite/${id}`, { 'user-agent': agents.android });
    expect(phone.html).not.toContain('id="download"');
    for (const link of Object.values(downloads)) expect(phone.html).toContain(`href="${link}"`);
  });

  for (const [why, system, constants] of [
    ['readRestriction followed', { readRestriction: 'followed' }, undefined],
    ['readRestriction local', { readRestriction: 'local' }, undefined],
    ['a private session', {}, { visibility: 'private' }],
    [
      'the userAuthorizationStyle capability',
      {},
      { capabilities: { userAuthorizationStyle: true } },
    ],
  ] as const) {
    it(`${why}: the page says "an invite" and nothing more`, async () => {
      const sender = await player(url, 'Secret Sender');
      const { id, name } = await invite(system, {
        as: sender,
        context: 'hidden-lobby-42',
        constants,
      });
      const { status, html } = await page(`/invite/${id}`);
      expect(status).toBe(200);
      expect(html).toContain('You have been invited to a game');
      for (const hidden of [
        'Secret Sender',
        'Harbor Host',
        gameName,
        'hidden-lobby-42',
        'players',
        '/people/pictures/',
        name,
        scid,
        'context=',
      ]) {
        expect(html, hidden).not.toContain(hidden);
      }
      // The app link is still there: the launcher needs it, and it carries no more than the
      // rallypoint:// link the sender could have pasted.
      expect(html).toContain(
        `href="rallypoint://inviteHandleAccept?handle=${id}&amp;invitedXuid=${invited.xuid}&amp;senderXuid=${sender.xuid}"`,
      );
    });
  }

  it('escapes and cleans the context a sender wrote: markup, bidi overrides, zero-width', async () => {
    const { id } = await invite({}, { context: '"><script>alert(1)</script>\u200B\u2066x\u2069' });
    const { html } = await page(`/invite/${id}`);
    expect(html).toContain('“<bdi>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;x</bdi>”');
    expect(html).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200D\uFEFF]/);
    expect(html).not.toContain('<script>');
    // The context is cleaned in the app link too (percent-encoded, no format characters).
    expect(html).toContain('context=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3Ex"');
  });

  it('escapes and cleans a gamertag the directory did not vet (another profile service)', () => {
    // This directory's own accounts only allow letters, digits, spaces, "_" and "-"; the page
    // does not rely on that.
    const html = invitePageHtml({
      language: 'en',
      text: pageText('en'),
      view: {
        kind: 'named',
        senderGamertag: '<img src=x onerror=alert(1)>\u202Eevil\u200D',
        membersCount: 1,
        maxMembersCount: 4,
      },
      gameName: 'Game "<b>"',
      appLink: 'rallypoint://inviteHandleAccept?handle=x&invitedXuid=1&senderXuid=2',
      platform: 'linux',
      downloads: { linux: 'https://example.com/a?b=1&c="2"' },
      rootPath: '../',
    });
    expect(html).toContain(
      '<bdi>&lt;img src=x onerror=alert(1)&gt;evil</bdi> invited you to play <bdi>Game &quot;&lt;b&gt;&quot;</bdi>',
    );
    expect(html).toContain('href="https://example.com/a?b=1&amp;c=&quot;2&quot;"');
    expect(html).toContain(
      'href="rallypoint://inviteHandleAccept?handle=x&amp;invitedXuid=1&amp;senderXuid=2"',
    );
    expect(html).not.toMatch(/[\u202E\u200D]|<img/);
  });

  it('answers the 404 page for unknown, malformed, deleted, expired and non-invite handles', async () => {
    const deleted = await invite();
    expect((await call(url, 'DELETE', `/handles/${deleted.id}`, { as: host })).status).toBe(204);
    const expired = await invite();
    const removedSession = await invite();
    await call(url, 'DELETE', `${sessionUrl(removedSession.name)}/members/me`, { as: host });
    const activity = await call(url, 'POST', '/handles', {
      as: host,
      body: {
        version: 1,
        type: 'activity',
        sessionRef: { scid, templateName: 'default', name: (await invite()).name },
      },
    });
    expect(activity.status, activity.text).toBe(201);
    now.ms += 61_000;
    const gonePaths = [
      '/invite/0b5f1c2a-0000-4f60-8a1b-2c3d4e5f6a7b',
      '/invite/00000000-0000-0000-0000-000000000000',
      '/invite/not-a-guid',
      '/invite/%E2%80%AE',
      '/invite/',
      `/invite/${deleted.id}/extra`,
      `/invite/${deleted.id}`,
      `/invite/${expired.id}`,
      `/invite/${removedSession.id}`,
      `/invite/${activity.json<{ id: string }>().id}`,
    ];
    try {
      for (const path of gonePaths) {
        const { status, html, headers } = await page(path);
        expect(status, path).toBe(404);
        expect(headers.get('content-type'), path).toBe('text/html; charset=utf-8');
        expect(html, path).toContain('This invite is no longer available');
        expect(html, path).not.toContain('<script');
      }
    } finally {
      now.ms -= 61_000;
    }
  });

  it('answers HEAD, refuses other methods, redirects a trailing slash, and keeps the Host check', async () => {
    const { id } = await invite();
    const head = await fetch(`${url}/invite/${id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${url}/invite/${id}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const slash = await page(`/invite/${id}/`);
    expect(slash.status).toBe(308);
    expect(new URL(slash.headers.get('location') ?? '', `${url}/invite/${id}/`).pathname).toBe(
      `/invite/${id}`,
    );
    // A name rebound to the directory's address (DNS rebinding) gets no page either.
    const rebound = await new Promise<{ status: number }>((resolve, reject) => {
      const { port } = new URL(url);
      get(
        { host: '127.0.0.1', port, path: `/invite/${id}`, headers: { host: 'attacker.example' } },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0 });
        },
      ).on('error', reject);
    });
    expect(rebound.status).toBe(421);
  });
});
