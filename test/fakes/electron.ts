/**
 * A faked `electron` module for main-process tests, where the Electron binary is absent.
 *
 * It models the parts of Electron the launcher touches with real behaviour where it matters:
 * web contents are event emitters whose `will-navigate` events can be prevented, the window-open
 * handler and permission handlers are stored and callable, `ipcMain.handle` keeps handlers that a
 * test invokes with a crafted sender, `protocol.handle` keeps the handler a test can feed real
 * `Request`s. Objects keep their identity across {@link resetFakeElectron} so a module that
 * imported `app` once still sees the fresh state.
 *
 * Use: `vi.mock('electron', () => import('../fakes/electron').then((m) => m.electronModule))`.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Listener = (...args: never[]) => unknown;

/** An event whose `preventDefault` is observable. */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  destroyed?: boolean;
  isDestroyed(): boolean;
}

export function fakeFrame(url: string, parent: FakeFrame | null = null): FakeFrame {
  const frame: FakeFrame = {
    url,
    parent,
    isDestroyed: () => frame.destroyed === true,
  };
  return frame;
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly loaded: string[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  destroyed = false;
  mainFrame = fakeFrame('about:blank');
  readonly session: FakeSession;

  constructor(session: FakeSession) {
    super();
    this.session = session;
  }

  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.mainFrame = fakeFrame(url);
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  reloads = 0;
  reload(): void {
    this.reloads += 1;
  }
  /** Pushes of one channel, in order. */
  pushes(channel: string): unknown[] {
    return this.sent.filter((entry) => entry.channel === channel).map((entry) => entry.payload);
  }
  /** Emits a preventable event with Electron's `(event, url)` argument order. */
  attempt(eventName: string, url: string): FakeEvent {
    const event = new FakeEvent({ url });
    this.emit(eventName, event, url);
    return event;
  }
}

export class FakeSession {
  permissionRequestHandler: Listener | undefined;
  permissionCheckHandler: Listener | undefined;
  devicePermissionHandler: Listener | undefined;
  beforeRequest:
    ((details: { url: string }, callback: (r: { cancel: boolean }) => void) => void) | undefined;
  readonly protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();

  readonly webRequest = {
    onBeforeRequest: (listener: NonNullable<FakeSession['beforeRequest']>) => {
      this.beforeRequest = listener;
    },
  };
  readonly protocol = {
    handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
      this.protocolHandlers.set(scheme, handler);
    },
    unhandle: (scheme: string) => {
      this.protocolHandlers.delete(scheme);
    },
    isProtocolHandled: (scheme: string) => this.protocolHandlers.has(scheme),
  };

  setPermissionRequestHandler(handler: Listener | null): void {
    this.permissionRequestHandler = handler ?? undefined;
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this.permissionCheckHandler = handler ?? undefined;
  }
  setDevicePermissionHandler(handler: Listener | null): void {
    this.devicePermissionHandler = handler ?? undefined;
  }

  /** Asks the stored permission handler, as Chromium would; resolves with its answer. */
  requestPermission(contents: FakeWebContents, permission: string): Promise<boolean> {
    return new Promise((resolve) => {
      const handler = this.permissionRequestHandler as
        ((c: unknown, p: string, cb: (granted: boolean) => void, d: unknown) => void) | undefined;
      if (handler === undefined) resolve(true);
      else handler(contents, permission, resolve, { requestingUrl: contents.getURL() });
    });
  }

  /** Runs the stored webRequest listener; resolves true when the request was cancelled. */
  request(url: string): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.beforeRequest === undefined) resolve(false);
      else this.beforeRequest({ url }, (response) => resolve(response.cancel));
    });
  }
}

export class FakeBrowserWindow extends EventEmitter {
  /** Every window created since the last reset (kept in the shared state, see {@link current}). */
  static get instances(): FakeBrowserWindow[] {
    return current().windows;
  }
  readonly webContents: FakeWebContents;
  readonly options: Record<string, unknown>;
  visible = false;
  minimized = false;
  focused = false;
  destroyed = false;

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents(current().session.defaultSession);
    FakeBrowserWindow.instances.push(this);
    current().app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }

  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((window) => !window.destroyed);
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  show(): void {
    this.visible = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  focus(): void {
    this.focused = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

type InvokeListener = (event: unknown, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeListener>();
  readonly listeners = new Map<string, Listener[]>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }

  /**
   * Invokes like a renderer would: `from` is the sending webContents and `frame` its sending frame
   * (the top frame at its current URL unless given). Rejects like Electron does when the handler
   * throws.
   */
  async invoke(
    channel: string,
    from: FakeWebContents,
    args: unknown[] = [],
    frame: FakeFrame | null = from.mainFrame,
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    const event = { sender: from, senderFrame: frame, frameId: 1, processId: 1, type: 'frame' };
    return handler(event, ...args);
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  name = 'Rallypoint';
  readonly userData = mkdtempSync(join(tmpdir(), 'rallypoint-fake-electron-'));
  readonly quitCalls: string[] = [];
  lockGranted = true;
  /** How often `requestSingleInstanceLock` was called. */
  lockRequests = 0;
  /** Paths set with `setPath`, by name. */
  readonly setPaths = new Map<string, string>();
  readonly protocolClients: string[] = [];
  #ready = false;
  #readyWaiters: (() => void)[] = [];

  getPath(name: string): string {
    const set = this.setPaths.get(name);
    if (set !== undefined) return set;
    if (name === 'logs') return join(this.userData, 'logs');
    return this.userData;
  }
  setPath(name: string, path: string): void {
    this.setPaths.set(name, path);
  }
  setAppLogsPath(): void {}
  getAppPath(): string {
    return process.cwd();
  }
  getVersion(): string {
    return '0.1.0-test';
  }
  getLocale(): string {
    return 'en-US';
  }
  getPreferredSystemLanguages(): string[] {
    return ['en-US'];
  }
  isReady(): boolean {
    return this.#ready;
  }
  whenReady(): Promise<void> {
    if (this.#ready) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }
  /** Test control: fire `ready` (and `will-finish-launching` first, as Electron does). */
  makeReady(): void {
    if (this.#ready) return;
    this.emit('will-finish-launching');
    this.#ready = true;
    this.emit('ready', new FakeEvent(), {});
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
  }
  requestSingleInstanceLock(): boolean {
    this.lockRequests += 1;
    return this.lockGranted;
  }
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.push(scheme);
    return true;
  }
  isDefaultProtocolClient(scheme: string): boolean {
    return this.protocolClients.includes(scheme);
  }
  sandboxEnabled = false;
  enableSandbox(): void {
    if (this.#ready) throw new Error('enableSandbox after ready');
    this.sandboxEnabled = true;
  }
  setAppUserModelId(): void {}
  setDesktopName(): void {}
  focus(): void {}
  quit(): void {
    this.quitCalls.push('quit');
    this.emit('before-quit', new FakeEvent());
    this.emit('will-quit', new FakeEvent());
  }
  exit(code = 0): void {
    this.quitCalls.push(`exit:${code}`);
  }
}

/** All fake module state, replaced wholesale by {@link resetFakeElectron}. */
export interface FakeElectronState {
  readonly app: FakeApp;
  readonly ipcMain: FakeIpcMain;
  readonly session: { defaultSession: FakeSession; fromPartition(name: string): FakeSession };
  readonly privilegedSchemes: unknown[][];
  readonly openedExternally: string[];
  readonly errorBoxes: { title: string; content: string }[];
  readonly windows: FakeBrowserWindow[];
  /** Every text written to the clipboard, in order. */
  readonly clipboard: string[];
}

function createState(): FakeElectronState {
  const defaultSession = new FakeSession();
  const partitions = new Map<string, FakeSession>();
  return {
    app: new FakeApp(),
    ipcMain: new FakeIpcMain(),
    session: {
      defaultSession,
      fromPartition(name: string) {
        const existing = partitions.get(name) ?? new FakeSession();
        partitions.set(name, existing);
        return existing;
      },
    },
    privilegedSchemes: [],
    openedExternally: [],
    errorBoxes: [],
    windows: [],
    clipboard: [],
  };
}

const STATE_KEY = Symbol.for('rallypoint.fake-electron');
type GlobalWithFake = typeof globalThis & { [STATE_KEY]?: FakeElectronState };

/** The current fake state (shared through globalThis so re-imported modules see the same one). */
export function current(): FakeElectronState {
  const global = globalThis as GlobalWithFake;
  global[STATE_KEY] ??= createState();
  return global[STATE_KEY];
}

/** Starts every test from a fresh app, ipcMain, session and window list. */
export function resetFakeElectron(): FakeElectronState {
  (globalThis as GlobalWithFake)[STATE_KEY] = createState();
  return current();
}

/**
 * The module object handed to `vi.mock('electron')`. Every member delegates to the current state
 * at call time, so modules that imported `app` before a reset still talk to the fresh fake.
 */
export const electronModule = {
  app: new Proxy({} as FakeApp, {
    get: (_target, key) => {
      const app = current().app;
      const value = Reflect.get(app, key, app) as unknown;
      return typeof value === 'function' ? (value as Listener).bind(app) : value;
    },
    set: (_target, key, value) => Reflect.set(current().app, key, value),
  }),
  ipcMain: new Proxy({} as FakeIpcMain, {
    get: (_target, key) => {
      const ipc = current().ipcMain;
      const value = Reflect.get(ipc, key, ipc) as unknown;
      return typeof value === 'function' ? (value as Listener).bind(ipc) : value;
    },
  }),
  BrowserWindow: FakeBrowserWindow,
  protocol: {
    registerSchemesAsPrivileged(schemes: unknown[]): void {
      if (current().app.isReady()) throw new Error('registerSchemesAsPrivileged after ready');
      current().privilegedSchemes.push(schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
      current().session.defaultSession.protocol.handle(scheme, handler);
    },
  },
  session: {
    get defaultSession() {
      return current().session.defaultSession;
    },
    fromPartition: (name: string) => current().session.fromPartition(name),
  },
  dialog: {
    showErrorBox(title: string, content: string): void {
      current().errorBoxes.push({ title, content });
    },
  },
  shell: {
    async openExternal(url: string): Promise<void> {
      current().openedExternally.push(url);
    },
  },
  clipboard: {
    writeText(text: string): void {
      current().clipboard.push(text);
    },
  },
  /** Reversible, but never the plain text: enough to prove the cache goes through it. */
  safeStorage: {
    isEncryptionAvailable: () => true,
    encryptString: (text: string) =>
      Buffer.from(Buffer.from(text, 'utf8').map((byte) => byte ^ 0x5a)),
    decryptString: (data: Buffer) => Buffer.from(data.map((byte) => byte ^ 0x5a)).toString('utf8'),
  },
  webContents: {
    getAllWebContents: () => FakeBrowserWindow.getAllWindows().map((window) => window.webContents),
  },
};

/** What `import electron from 'electron'` would give. */
export default electronModule;

/** Factory for `vi.mock('electron', ...)`: named exports plus a default export. */
export function electronMockFactory(): typeof electronModule & { default: typeof electronModule } {
  return { ...electronModule, default: electronModule };
}
