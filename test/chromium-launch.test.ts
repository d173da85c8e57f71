/**
 * The browser tests' launcher: which Chromium it picks, and that the Chromium from the npm package
 * (what a machine with only Node gets) really runs here, with web security on and Japanese drawn
 * in the npm package's Noto Sans JP. This file always launches the npm browser, even where a
 * system Chromium exists, so CI proves the fallback every run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseChromium,
  installChromium,
  launchChromium,
  systemChromiumPath,
} from './chromium-launch';
import { drawnFonts } from './renderer/browser-kit';

describe('chooseChromium', () => {
  const only =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);

  it('takes the system Chromium where there is one', () => {
    expect(chooseChromium({}, only(systemChromiumPath))).toMatchObject({
      kind: 'system',
      executablePath: systemChromiumPath,
    });
  });

  it('falls back to the npm package without one', () => {
    expect(chooseChromium({}, only())).toMatchObject({ kind: 'npm' });
  });

  it('obeys RALLYPOINT_CHROMIUM=npm even where the system has one', () => {
    const env = { RALLYPOINT_CHROMIUM: 'npm' };
    expect(chooseChromium(env, only(systemChromiumPath))).toMatchObject({ kind: 'npm' });
  });

  it('uses a forced path, and refuses one that is not there instead of guessing', () => {
    const env = { RALLYPOINT_CHROMIUM: '/opt/chrome/chrome' };
    expect(chooseChromium(env, only('/opt/chrome/chrome', systemChromiumPath))).toMatchObject({
      kind: 'system',
      executablePath: '/opt/chrome/chrome',
    });
    expect(chooseChromium(env, only(systemChromiumPath))).toMatchObject({ kind: 'missing' });
  });
});

describe('the Chromium from the npm package', () => {
  const npm = { kind: 'npm', why: 'chromium-launch.test.ts' } as const;
  let browser: Browser;
  const servers: Server[] = [];

  /** A loopback server answering every request with `body`, without any CORS header. */
  async function serve(body: string, type: string): Promise<string> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    browser = await launchChromium({ choice: npm });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  });

  it('is the package’s own binary, not the system’s', async () => {
    const install = await installChromium(npm);
    expect(install.kind).toBe('npm');
    expect(install.executablePath).not.toBe(systemChromiumPath);
    expect(install.executablePath).toMatch(/rallypoint-chromium-[\d.]+\/chromium$/);
    expect(browser.version()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('keeps web security on: a page cannot read another origin without CORS', async () => {
    const other = await serve('secret', 'text/plain');
    const origin = await serve('<!doctype html><title>page</title>', 'text/html');
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    const outcome = await page.evaluate(async (url) => {
      try {
        return `read: ${await (await fetch(url)).text()}`;
      } catch {
        return 'blocked';
      }
    }, `${other}/data`);
    expect(outcome).toBe('blocked');
    // The same request from the other origin itself is allowed, so the block above is CORS.
    await page.goto(`${other}/`);
    expect(await page.evaluate(async (url) => (await fetch(url)).text(), `${other}/data`)).toBe(
      'secret',
    );
    await page.close();
  });

  it('draws Japanese with Noto Sans JP from npm, not boxes', async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><html lang="ja"><body><p id="ja" style="font-family: sans-serif">招待を受信しました</p></body></html>',
    );
    const fonts = await drawnFonts(page, '#ja');
    expect(fonts.map((font) => font.postScriptName)).toEqual([
      expect.stringMatching(/^NotoSansJP-/),
    ]);
    await page.close();
  });
});
