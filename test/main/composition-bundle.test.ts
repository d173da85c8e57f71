/**
 * The built main bundle (dist/main/main.cjs, what `npm start` runs) booted in a real child Node
 * process with the faked Electron swapped in for `require('electron')`: it composes, starts the
 * embedded directory, and a demo invite asked for over IPC ends in `joined` with the real demo game.
 * This catches what unit tests of the sources cannot: a bundling mistake (an ESM-only dependency,
 * `import.meta` in CommonJS, a missing asset) that would only show when Electron loads the file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

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
    if (phases.includes('joined') || phases.includes('failed')) {
      const page = await state.session.defaultSession.protocolHandlers.get('app')(
        new Request('app://rallypoint/index.html'),
      );
      return report({
        initialPhase: initial.view.phase,
        devMode: initial.devMode,
        phases,
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

describe('built main bundle', () => {
  it('boots in a child process and joins the demo invite end to end', async () => {
    const bundle = join(root, 'dist', 'main', 'main.cjs');
    expect(existsSync(bundle)).toBe(true);
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
    const driverPath = join(work, 'driver.cjs');
    writeFileSync(driverPath, driver);
    // What `require('electron')` returns: the fake's named exports, as Electron's module has them.
    const shimPath = join(work, 'electron-shim.cjs');
    writeFileSync(
      shimPath,
      `module.exports = require(${JSON.stringify(fakePath)}).electronMockFactory();\n`,
    );

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
    expect(result.initialPhase).toBe('idle');
    expect(result.devMode).toBe(true);
    expect(result.phases).toContain('joined');
    expect(result.handlers).toHaveLength(7);
    expect(result.pageStatus).toBe(200);
    expect(String(result.csp)).toContain("connect-src 'none'");
    expect(stdout).toMatch(
      /\(directory\) .*embedded session directory listening on http:\/\/127\.0\.0\.1:\d+ with the demo session/,
    );
    expect(stdout).not.toMatch(/invitedXuid=\d/);
  });
});
