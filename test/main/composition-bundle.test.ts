/**
 * The built main bundle (dist/main/main.cjs, what `npm start` runs) booted in a real child Node
 * process with the faked Electron swapped in for `require('electron')`: it composes, starts the
 * embedded directory, and a demo invite asked for over IPC ends in `joined` with the real demo game.
 * This catches what unit tests of the sources cannot: a bundling mistake (an ESM-only dependency,
 * `import.meta` in CommonJS, a missing asset) that would only show when Electron loads the file.
 * The same bundle started with `--rallypoint-demo-game` is the demo game over real pipes.
 * Cold start: main.cjs is at most 300 KB and is all that runs before the first window; the embedded
 * directory (dist/main/embedded-directory.cjs) and the join stack (dist/main/join-stack.cjs, with
 * got and xstate) are bundles of their own, required after the window exists, the directory only
 * when main starts it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DEMO_GAME_FLAG } from '../../src/main/demo-game-mode';
import { invokeChannels } from '../../src/shared/ipc-contract';

const root = resolve(import.meta.dirname, '..', '..');

/** Runs in the child before main.cjs: maps `electron` to the fake and drives the app like a window would. */
const driver = String.raw`
const Module = require('node:module');
const fakePath = process.env.FAKE_ELECTRON;
const shimPath = process.env.FAKE_ELECTRON_SHIM;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? shimPath : resolveFilename.call(this, request, ...rest);
};
const fake = require(fakePath);
const loadedBundles = () =>
  Object.keys(require.cache).filter((file) => file.includes('dist')).map((file) => require('node:path').basename(file)).sort();
const report = (result) => {
  process.stdout.write('RESULT ' + JSON.stringify(result) + '\n');
  process.exit(0);
};
setTimeout(() => report({ error: 'timed out' }), 25000).unref();
setImmediate(async () => {
  const state = fake.current();
  state.app.makeReady();
  for (let i = 0; i < 200 && state.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  const window = state.windows[0];
  if (!window) return report({ error: 'no window' });
  await window.webContents.loadURL('app://rallypoint/index.html');
  const initial = await state.ipcMain.invoke('launcher:get-state', window.webContents);
  await state.ipcMain.invoke('dev:try-demo-invite', window.webContents);
  for (let i = 0; i < 400; i++) {
    const phases = window.webContents.pushes('join:view').map((view) => view.phase);
    const rosters = window.webContents.pushes('session:roster');
    const live = rosters.find((roster) => roster.state === 'live');
    if ((phases.includes('joined') && live) || phases.includes('failed')) {
      const later = await state.ipcMain.invoke('launcher:get-state', window.webContents);
      const page = await state.session.defaultSession.protocolHandlers.get('app')(
        new Request('app://rallypoint/index.html'),
      );
      return report({
        bundlesAtFirstWindow: globalThis.bundlesAtFirstWindow,
        loadedBundles: loadedBundles(),
        initialPhase: initial.view.phase,
        devMode: initial.devMode,
        phases,
        rosterMembers: live ? live.members.map((member) => [member.gamertag, member.isHost, member.isYou]) : [],
        stateRoster: later.roster && later.roster.state === 'live'
          ? later.roster.members.map((member) => [member.gamertag, member.isHost, member.isYou])
          : later.roster,
        handlers: [...state.ipcMain.handlers.keys()].sort(),
        pageStatus: page.status,
        csp: page.headers.get('content-security-policy'),
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  report({ error: 'no outcome' });
});
`;

/** Bundles the faked Electron for a child process; returns it and a shim `require('electron')` maps to. */
async function buildFakeElectron(): Promise<{ work: string; fakePath: string; shimPath: string }> {
  const work = mkdtempSync(join(tmpdir(), 'rallypoint-bundle-'));
  const fakePath = join(work, 'fake-electron.cjs');
  await build({
    entryPoints: [join(root, 'test', 'fakes', 'electron.ts')],
    outfile: fakePath,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  // What `require('electron')` returns: the fake's named exports, as Electron's module has them.
  const shimPath = join(work, 'electron-shim.cjs');
  // Its BrowserWindow also notes which dist bundles were loaded when the first window was created.
  writeFileSync(
    shimPath,
    String.raw`
const electron = require(${JSON.stringify(fakePath)}).electronMockFactory();
class BrowserWindow extends electron.BrowserWindow {
  constructor(...args) {
    globalThis.bundlesAtFirstWindow ??= Object.keys(require.cache)
      .filter((file) => file.includes('dist'))
      .map((file) => require('node:path').basename(file))
      .sort();
    super(...args);
  }
}
module.exports = { ...electron, BrowserWindow };
`,
  );
  return { work, fakePath, shimPath };
}

/**
 * Demo-game mode's driver: maps `electron` to the fake, fires `ready`, and turns the fake's
 * `app.exit` into a report on stderr (stdout is the game's protocol channel) and a real exit.
 */
const demoGameDriver = String.raw`
const Module = require('node:module');
const shimPath = process.env.FAKE_ELECTRON_SHIM;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? shimPath : resolveFilename.call(this, request, ...rest);
};
const state = require(process.env.FAKE_ELECTRON).current();
state.app.exit = (code) => {
  process.stderr.write('RESULT ' + JSON.stringify({
    code,
    lockRequests: state.app.lockRequests,
    windows: state.windows.length,
    handlers: state.ipcMain.handlers.size,
    protocolClients: state.app.protocolClients,
    privilegedSchemes: state.privilegedSchemes.length,
    sandbox: state.app.sandboxEnabled,
    userData: state.app.setPaths.get('userData'),
  }) + '\n');
  process.exit(code);
};
setTimeout(() => {
  process.stderr.write('RESULT {"error":"timed out"}\n');
  process.exit(9);
}, 20000).unref();
setImmediate(() => state.app.makeReady());
`;

/** Fires `ready`, waits for the first window, and reports which dist bundles were loaded. */
const windowDriver = String.raw`
const Module = require('node:module');
const shimPath = process.env.FAKE_ELECTRON_SHIM;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? shimPath : resolveFilename.call(this, request, ...rest);
};
const state = require(process.env.FAKE_ELECTRON).current();
const report = (result) => {
  process.stdout.write('RESULT ' + JSON.stringify(result) + '\n');
  process.exit(0);
};
setTimeout(() => report({ error: 'timed out' }), 20000).unref();
setImmediate(async () => {
  state.app.makeReady();
  for (let i = 0; i < 400 && state.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  // Give a stray lazy load time to happen before looking.
  await new Promise((r) => setTimeout(r, 200));
  report({
    windows: state.windows.length,
    bundlesAtFirstWindow: globalThis.bundlesAtFirstWindow,
    loadedBundles: Object.keys(require.cache)
      .filter((file) => file.includes('dist'))
      .map((file) => require('node:path').basename(file))
      .sort(),
  });
});
`;

describe('built main bundle', () => {
  it('boots in a child process and joins the demo invite end to end', async () => {
    const bundle = join(root, 'dist', 'main', 'main.cjs');
    expect(existsSync(bundle)).toBe(true);
    const { work, fakePath, shimPath } = await buildFakeElectron();
    const driverPath = join(work, 'driver.cjs');
    writeFileSync(driverPath, driver);

    const child = spawn(process.execPath, ['-r', driverPath, bundle], {
      cwd: root,
      env: {
        ...process.env,
        FAKE_ELECTRON: fakePath,
        FAKE_ELECTRON_SHIM: shimPath,
        HOME: work,
        XDG_DATA_HOME: join(work, 'data'),
        XDG_CONFIG_HOME: join(work, 'config'),
        RALLYPOINT_DIRECTORY_URL: '',
        RALLYPOINT_CONFIG: '',
        RALLYPOINT_SIGN_IN: 'development',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));

    const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
    expect(line, `no result; stderr:\n${stderr.slice(-2000)}`).toBeDefined();
    const result = JSON.parse(line!.slice('RESULT '.length)) as Record<string, unknown>;
    expect(result.error).toBeUndefined();
    expect(code).toBe(0);
    // Before the first window only main.cjs ran; the directory and the join stack came after.
    expect(result.bundlesAtFirstWindow).toEqual(['main.cjs']);
    expect(result.loadedBundles).toEqual(['embedded-directory.cjs', 'join-stack.cjs', 'main.cjs']);
    expect(result.initialPhase).toBe('idle');
    expect(result.devMode).toBe(true);
    expect(result.phases).toContain('joined');
    // Main pushes the joined session's live roster: the demo host and the player.
    expect(result.rosterMembers).toEqual([
      ['RallyHost', true, false],
      [expect.any(String), false, true],
    ]);
    // The window's state carries the roster too, so a reloaded window shows it at once.
    expect(result.stateRoster).toEqual(result.rosterMembers);
    // One handler per channel of the contract.
    expect(result.handlers).toHaveLength(invokeChannels.length);
    expect(result.pageStatus).toBe(200);
    expect(String(result.csp)).toContain("connect-src 'none'");
    expect(stdout).toMatch(
      /\(directory\) .*embedded session directory listening on http:\/\/127\.0\.0\.1:\d+ with the demo session/,
    );
    expect(stdout).not.toMatch(/invitedXuid=\d/);
  });

  it('is the demo game over real pipes when started with --rallypoint-demo-game', async () => {
    const bundle = join(root, 'dist', 'main', 'main.cjs');
    const { work, fakePath, shimPath } = await buildFakeElectron();
    const driverPath = join(work, 'demo-game-driver.cjs');
    writeFileSync(driverPath, demoGameDriver);
    // Development layout: `[node, main.cjs, flag, …]`, the flag right after the app path.
    const child = spawn(
      process.execPath,
      ['-r', driverPath, bundle, DEMO_GAME_FLAG, '--join', '/s/first', '--connect', 'c'],
      {
        cwd: root,
        env: {
          ...process.env,
          FAKE_ELECTRON: fakePath,
          FAKE_ELECTRON_SHIM: shimPath,
          HOME: work,
          RALLYPOINT_JOIN_ID: 'first',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    const stdoutLines: string[] = [];
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`stdout ended; stderr:\n${stderr.slice(-2000)}`);
      stdoutLines.push(value as string);
      return JSON.parse(value as string) as Record<string, unknown>;
    };

    expect(await next()).toEqual({ type: 'joined', joinId: 'first', sessionRef: '/s/first' });
    child.stdin.write(
      `${JSON.stringify({ type: 'join', joinId: 'second', sessionRef: '/s/2', connection: 'c' })}\n`,
    );
    expect(await next()).toEqual({ type: 'joined', joinId: 'second', sessionRef: '/s/2' });
    child.stdin.end();
    const code = await exited;

    const line = stderr.split('\n').find((text) => text.startsWith('RESULT '));
    expect(line, `no result; stderr:\n${stderr.slice(-2000)}`).toBeDefined();
    const result = JSON.parse(line!.slice('RESULT '.length)) as Record<string, unknown>;
    expect(result).toMatchObject({
      code: 0,
      lockRequests: 0,
      windows: 0,
      handlers: 0,
      protocolClients: [],
      privilegedSchemes: 0,
      sandbox: false,
    });
    expect(String(result.userData)).toMatch(/rallypoint-demo-game$/);
    expect(code).toBe(0);
    // stdout carried protocol lines only; the game's chatter and no launcher log went to stderr.
    expect(stdoutLines).toHaveLength(2);
    expect(stderr).toContain('demo game started');
    expect(stderr).not.toContain('starting (development)');
  });
  it('starts with at most 300 KB: the directory and the join stack are bundles of their own', () => {
    const size = (file: string) => statSync(join(root, 'dist', 'main', file)).size;
    expect(size('main.cjs')).toBeLessThanOrEqual(300 * 1024);
    // What moved out is real weight (got, xstate, the directory's zod schemas), not a stub.
    expect(size('join-stack.cjs')).toBeGreaterThan(size('main.cjs'));
    expect(size('embedded-directory.cjs')).toBeGreaterThan(100 * 1024);
  });

  it('keeps the embedded directory and the join stack out of main.cjs', () => {
    const sources = (file: string) =>
      (
        JSON.parse(readFileSync(join(root, 'dist', 'main', `${file}.map`), 'utf8')) as {
          sources: string[];
        }
      ).sources.map((source) => source.replace(/^(\.\.\/)+/, ''));
    const mainSources = sources('main.cjs');
    expect(mainSources).toContain('src/main/electron/main.ts');
    expect(mainSources.filter((source) => source.startsWith('src/directory/'))).toEqual([]);
    expect(mainSources.filter((source) => /node_modules\/(got|xstate)\//.test(source))).toEqual([]);
    expect(mainSources).not.toContain('src/main/join/join-machine.ts');
    expect(sources('embedded-directory.cjs')).toContain('src/directory/start-directory.ts');
    expect(sources('join-stack.cjs')).toContain('src/main/join/join-machine.ts');
    const main = readFileSync(join(root, 'dist', 'main', 'main.cjs'), 'utf8');
    expect(main).toContain('require("./embedded-directory.cjs")');
    expect(main).toContain('require("./join-stack.cjs")');
  });

  it('never loads the embedded directory when a directory is configured', async () => {
    const bundle = join(root, 'dist', 'main', 'main.cjs');
    const { work, fakePath, shimPath } = await buildFakeElectron();
    const driverPath = join(work, 'window-driver.cjs');
    writeFileSync(driverPath, windowDriver);
    const child = spawn(process.execPath, ['-r', driverPath, bundle], {
      cwd: root,
      env: {
        ...process.env,
        FAKE_ELECTRON: fakePath,
        FAKE_ELECTRON_SHIM: shimPath,
        HOME: work,
        XDG_DATA_HOME: join(work, 'data'),
        XDG_CONFIG_HOME: join(work, 'config'),
        // A configured directory nobody listens on: nothing is sent before a link arrives.
        RALLYPOINT_DIRECTORY_URL: 'http://127.0.0.1:9',
        RALLYPOINT_CONFIG: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
    expect(line, `no result; stderr:\n${stderr.slice(-2000)}`).toBeDefined();
    const result = JSON.parse(line!.slice('RESULT '.length)) as Record<string, unknown>;
    expect(code).toBe(0);
    expect(result).toEqual({
      windows: 1,
      bundlesAtFirstWindow: ['main.cjs'],
      loadedBundles: ['join-stack.cjs', 'main.cjs'],
    });
    expect(stdout).toContain('using the configured session directory http://127.0.0.1:9');
  });
});
