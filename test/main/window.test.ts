/**
 * The launcher window and the guards, against the faked Electron: secure webPreferences, no
 * navigation or window away from the app, no permissions, no renderer network, the app scheme
 * registered without CSP bypass and served with the strict CSP header.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appScheme, registerAppScheme, serveAppScheme } from '../../src/main/electron/app-protocol';
import {
  bringToFront,
  createLauncherWindow,
  guardSession,
  guardWebContents,
} from '../../src/main/electron/window';
import { APP_ENTRY_URL } from '../../src/main/security/app-origin';
import { CONTENT_SECURITY_POLICY } from '../../src/main/security/content-security-policy';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeWebContents,
  current,
  resetFakeElectron,
} from '../fakes/electron';
import { recordingLogger } from '../fakes/recording-logger';

vi.mock('electron', async () => (await import('../fakes/electron')).electronMockFactory());

const expectedCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https://images-eds-ssl.xboxlive.com http://127.0.0.1:* http://localhost:*; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function openWindow(options: { devMode?: boolean; externalLinkOrigins?: string[] } = {}) {
  const fake = resetFakeElectron();
  const log = recordingLogger();
  const window = createLauncherWindow({
    preloadPath: '/app/dist/preload/preload.cjs',
    devMode: options.devMode ?? false,
    log,
    externalLinkOrigins: options.externalLinkOrigins ?? [],
  }) as unknown as FakeBrowserWindow;
  return { fake, log, window, contents: window.webContents };
}

describe('launcher window', () => {
  it('is created with the secure webPreferences and loads the app origin', () => {
    const { window } = openWindow();
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('enableRemoteModule');
    expect(window.webContents.loaded).toEqual([APP_ENTRY_URL]);
  });

  it('offers devtools only in development', () => {
    const { window } = openWindow({ devMode: true });
    expect((window.options.webPreferences as Record<string, unknown>).devTools).toBe(true);
  });

  it('stays hidden until painted, then shows', () => {
    const { window } = openWindow();
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('comes to the front when restored from minimised', () => {
    const { window } = openWindow();
    window.minimized = true;
    bringToFront(window as never);
    expect(window.minimized).toBe(false);
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
  });
});

describe('navigation and window guards', () => {
  let env: ReturnType<typeof openWindow>;
  beforeEach(() => {
    env = openWindow({ externalLinkOrigins: ['https://support.rallypoint.example'] });
  });

  for (const url of [
    'https://evil.example/',
    'file:///etc/passwd',
    'http://127.0.0.1:8080/',
    'app://other-host/index.html',
    'app://rallypoint:99/index.html',
    'rallypoint://inviteHandleAccept?handle=x',
    'javascript:alert(1)',
  ]) {
    it(`prevents navigating or redirecting to ${url}`, () => {
      expect(env.contents.attempt('will-navigate', url).defaultPrevented).toBe(true);
      expect(env.contents.attempt('will-redirect', url).defaultPrevented).toBe(true);
      const frameNav = new FakeEvent({ url });
      env.contents.emit('will-frame-navigate', frameNav);
      expect(frameNav.defaultPrevented).toBe(true);
    });
  }

  it('lets the page move within the app origin', () => {
    expect(
      env.contents.attempt('will-navigate', 'app://rallypoint/index.html#home').defaultPrevented,
    ).toBe(false);
  });

  it('denies every window.open and opens only allowlisted https links externally', async () => {
    const handler = env.contents.windowOpenHandler;
    expect(handler).toBeDefined();
    expect(handler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'http://support.rallypoint.example/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'https://user:pw@support.rallypoint.example/' })).toEqual({
      action: 'deny',
    });
    expect(handler?.({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'https://support.rallypoint.example/invites' })).toEqual({
      action: 'deny',
    });
    await Promise.resolve();
    expect(env.fake.openedExternally).toEqual(['https://support.rallypoint.example/invites']);
  });

  it('refuses to attach webviews', () => {
    const event = new FakeEvent();
    env.contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });

  it('logs a renderer crash and reloads the page, but not endlessly', () => {
    for (let i = 0; i < 5; i += 1) {
      env.contents.emit('render-process-gone', new FakeEvent(), {
        reason: 'crashed',
        exitCode: 11,
      });
    }
    expect(env.log.lines('error').join('\n')).toMatch(/renderer process gone/);
    expect(env.contents.reloads).toBe(3);
    expect(env.log.lines('error').join('\n')).toMatch(/keeps failing/);
  });

  it('does not reload after a clean exit', () => {
    env.contents.emit('render-process-gone', new FakeEvent(), {
      reason: 'clean-exit',
      exitCode: 0,
    });
    expect(env.contents.reloads).toBe(0);
  });

  it('guards any web contents once, however often asked', () => {
    const other = new FakeWebContents(current().session.defaultSession);
    guardWebContents(other as never, { log: env.log });
    guardWebContents(other as never, { log: env.log });
    expect(other.listenerCount('will-navigate')).toBe(1);
    expect(other.attempt('will-navigate', 'https://evil.example').defaultPrevented).toBe(true);
  });
});

describe('session guards', () => {
  it('denies every permission request and check', async () => {
    const { fake, contents, log } = openWindow();
    const session = fake.session.defaultSession;
    guardSession(session as never, log);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
    ]) {
      expect(await session.requestPermission(contents, permission)).toBe(false);
    }
    const check = session.permissionCheckHandler as unknown as (...args: unknown[]) => boolean;
    expect(check(contents, 'media', APP_ENTRY_URL, {})).toBe(false);
    const device = session.devicePermissionHandler as unknown as (...args: unknown[]) => boolean;
    expect(device({ deviceType: 'usb', origin: APP_ENTRY_URL })).toBe(false);
  });

  it('lets the renderer load only app, data and devtools URLs', async () => {
    const { fake, log } = openWindow();
    const session = fake.session.defaultSession;
    guardSession(session as never, log);
    expect(await session.request(APP_ENTRY_URL)).toBe(false);
    expect(await session.request('app://rallypoint/app.js')).toBe(false);
    expect(await session.request('data:image/png;base64,AAAA')).toBe(false);
    expect(await session.request('https://evil.example/x.js')).toBe(true);
    expect(await session.request('http://127.0.0.1:3000/handles/x/session')).toBe(true);
    expect(await session.request('file:///etc/passwd')).toBe(true);
    expect(await session.request('ws://127.0.0.1:1/')).toBe(true);
    expect(await session.request('app://elsewhere/index.html')).toBe(true);
  });
});

describe('app scheme', () => {
  it('is privileged as standard and secure, never bypassing CSP', () => {
    resetFakeElectron();
    registerAppScheme();
    expect(current().privilegedSchemes).toEqual([[appScheme]]);
    expect(appScheme.privileges).toMatchObject({
      standard: true,
      secure: true,
      bypassCSP: false,
      corsEnabled: false,
      allowServiceWorkers: false,
    });
  });

  it('serves the renderer with the strict CSP header and refuses everything else', async () => {
    const fake = resetFakeElectron();
    const root = mkdtempSync(join(tmpdir(), 'rallypoint-renderer-'));
    writeFileSync(
      join(root, 'index.html'),
      '<!doctype html><script type="module" src="app.js"></script>',
    );
    writeFileSync(join(root, 'app.js'), 'export {};');
    writeFileSync(join(root, 'app.js.map'), '{}');
    mkdirSync(join(root, 'sub'));
    const log = recordingLogger();
    serveAppScheme(fake.session.defaultSession as never, { root, devMode: false, log });
    const handler = fake.session.defaultSession.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    const get = (url: string, method = 'GET') =>
      Promise.resolve(handler!(new Request(url, { method })));

    const page = await get(APP_ENTRY_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(expectedCsp);
    expect(CONTENT_SECURITY_POLICY).toBe(expectedCsp);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('app.js');

    const script = await get('app://rallypoint/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(expectedCsp);

    expect((await get('app://rallypoint/app.js.map')).status).toBe(404);
    expect((await get('app://rallypoint/missing.js')).status).toBe(404);
    expect((await get('app://rallypoint/sub')).status).toBe(404);
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
    const refused = await get('app://rallypoint/%2e%2e/%2e%2e/etc/passwd');
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-security-policy')).toBe(expectedCsp);
    expect(log.lines('warn').join('\n')).toMatch(/refused app request/);
  });
});
