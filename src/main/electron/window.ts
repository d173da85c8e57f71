/**
 * The launcher window and the guards every web contents gets. The window runs the page with the
 * renderer locked down (isolated, sandboxed, no Node) and the preload as its only bridge; the
 * guards make sure that even a page that goes wrong (injected markup, a bad link) cannot navigate
 * elsewhere, open windows, ask for permissions or reach the network.
 */
import { app, BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { TokenBucket } from '../ipc/token-bucket';
import type { Logger } from '../logging/logger';
import { APP_ENTRY_URL } from '../security/app-origin';
import { externalLinkTarget, mayNavigate, mayRequest } from '../security/navigation-policy';

export interface GuardOptions {
  readonly log: Logger;
  /** https origins whose links may open in the system browser; empty by default. */
  readonly externalLinkOrigins?: readonly string[];
}

const guarded = new WeakSet<WebContents>();

/**
 * Applies the navigation and window-opening policy to one web contents. Called for the launcher
 * window and, through `web-contents-created`, for any other web contents (devtools, anything a
 * future feature creates); applying it twice is harmless.
 */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  const { log } = options;
  const allowed = options.externalLinkOrigins ?? [];

  contents.setWindowOpenHandler(({ url }) => {
    const external = externalLinkTarget(url, allowed);
    if (external !== undefined) {
      log.info('opening allowed link in the system browser', external);
      void shell.openExternal(external).catch((error: unknown) => {
        log.warn('system browser refused the link', error);
      });
    } else {
      log.warn('refused to open a window', url);
    }
    return { action: 'deny' };
  });

  const refuseNavigation = (kind: string) => (event: { preventDefault(): void }, url: string) => {
    if (mayNavigate(url)) return;
    event.preventDefault();
    log.warn(`refused ${kind} away from the app`, url);
  };
  contents.on('will-navigate', refuseNavigation('navigation'));
  contents.on('will-redirect', refuseNavigation('redirect'));
  contents.on('will-frame-navigate', (event) => {
    if (mayNavigate(event.url)) return;
    event.preventDefault();
    log.warn('refused frame navigation away from the app', event.url);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('refused to attach a webview');
  });
  contents.on('render-process-gone', (_event, details) => {
    log.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
  });
  contents.on('preload-error', (_event, preloadPath, error) => {
    log.error('preload failed', preloadPath, error);
  });
  contents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
    if (isMainFrame) log.error('page failed to load', { code, description, url });
  });
}

/**
 * Session-wide refusals: no permission is ever granted (the launcher needs none, so a prompt can
 * only come from something that should not be there) and the renderer may not reach the network.
 */
export function guardSession(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('refused permission request', permission);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = mayRequest(details.url);
    if (!allowed) log.warn('blocked renderer request', details.url);
    callback({ cancel: !allowed });
  });
}

export interface LauncherWindowOptions {
  /** Absolute path of dist/preload/preload.cjs. */
  readonly preloadPath: string;
  /** Development builds get devtools; packaged builds do not. */
  readonly devMode: boolean;
  readonly log: Logger;
  readonly externalLinkOrigins?: readonly string[];
}

/** Creates the launcher window, shows it once painted, and loads the app page. */
export function createLauncherWindow(options: LauncherWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1024,
    height: 680,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Rallypoint',
    backgroundColor: '#14161c',
    autoHideMenuBar: true,
    // Spelled out here, as a literal, so static scanners (electronegativity) and reviewers see
    // every renderer setting where the window is made. Each is the secure choice.
    webPreferences: {
      preload: options.preloadPath,
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
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open a new window; windows are denied anyway, this removes the event.
      disableBlinkFeatures: 'Auxclick',
      devTools: options.devMode,
    },
  });
  guardWebContents(window.webContents, options);
  window.once('ready-to-show', () => window.show());
  // A crashed or killed renderer leaves a blank window; the page redraws itself from
  // `launcher:get-state`, so reloading loses nothing. A page that keeps dying is left alone.
  const reloads = new TokenBucket({ capacity: 3, refillPerSecond: 3 / 60 });
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || window.isDestroyed()) return;
    if (reloads.take()) {
      options.log.warn(
        `reloading the launcher page after the renderer was lost (${details.reason})`,
      );
      window.webContents.reload();
    } else {
      options.log.error('the launcher page keeps failing; not reloading it again for now');
    }
  });
  window.on('unresponsive', () => options.log.warn('the launcher window stopped responding'));
  window.on('responsive', () => options.log.info('the launcher window responds again'));
  options.log.info('loading launcher page', APP_ENTRY_URL);
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    options.log.error('launcher page did not load', error);
  });
  return window;
}

/** Brings the window to the front when an invite arrives, un-minimising it if needed. */
export function bringToFront(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  // macOS keeps the clicking app in front unless the launcher asks; the player just clicked an
  // invite meant for it, so it does.
  if (process.platform === 'darwin') app.focus({ steal: true });
  window.focus();
}
