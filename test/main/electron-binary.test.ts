/**
 * The real launcher in the real Electron binary, driven by playwright-core: the window opens on the
 * app origin with the strict CSP, the page has the bridge and no Node, and the demo invite joins
 * through the embedded directory. The Electron binary cannot be downloaded on every machine
 * (`require('electron')` would try to), so this test looks for it on disk and skips with a
 * one-line reason where it is absent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronOrSkip } from '../host-tools';

const root = resolve(import.meta.dirname, '..', '..');

const electronPath = electronOrSkip('the launcher in the real Electron binary');

describe.skipIf(electronPath === undefined)('launcher in the real Electron binary', () => {
  it('opens the secured window, exposes only the bridge, and joins the demo invite', async () => {
    if (electronPath === undefined) return;
    const home = mkdtempSync(join(tmpdir(), 'rallypoint-electron-'));
    const app = await electron.launch({
      executablePath: electronPath,
      args: ['--no-sandbox', root],
      cwd: root,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'data'),
        RALLYPOINT_DIRECTORY_URL: '',
      },
      timeout: 30_000,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(page.url()).toBe('app://rallypoint/index.html');

      const csp = await page.evaluate(async () => {
        const response = await fetch(location.href).catch((error: unknown) => String(error));
        return typeof response === 'string'
          ? response
          : response.headers.get('content-security-policy');
      });
      // connect-src 'none' blocks even same-origin fetch: the page cannot reach anything.
      expect(String(csp)).toMatch(/Failed to fetch|Content Security Policy/i);

      const exposed = await page.evaluate(() => ({
        bridge: typeof (window as unknown as { rallypoint?: unknown }).rallypoint,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(exposed).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' });

      const inlineRan = await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__inline = true';
        document.head.append(script);
        return (window as unknown as { __inline?: boolean }).__inline === true;
      });
      expect(inlineRan).toBe(false);

      const opened = await page.evaluate(() => window.open('https://example.com') === null);
      expect(opened).toBe(true);

      await page.evaluate(() =>
        (
          window as unknown as { rallypoint: { tryDemoInvite(): Promise<void> } }
        ).rallypoint.tryDemoInvite(),
      );
      await expect
        .poll(
          () =>
            page.evaluate(async () => {
              const bridge = (
                window as unknown as {
                  rallypoint: { getState(): Promise<{ view: { phase: string } }> };
                }
              ).rallypoint;
              return (await bridge.getState()).view.phase;
            }),
          { timeout: 20_000 },
        )
        .toBe('joined');
    } finally {
      await app.close();
    }
  });
});
