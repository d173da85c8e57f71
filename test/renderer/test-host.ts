/**
 * Serves the built launcher page (dist/renderer) over http://127.0.0.1:<free port> for real
 * Chromium, and stands in for Electron's IPC: a page-side bridge script (served from the same
 * origin, so the page's strict CSP allows it) talks to this host over a WebSocket, and the host
 * answers invoke channels with the handlers it was given and forwards pushes. The shipped
 * index.html is served unchanged except for one added `<script>` tag for that bridge.
 */
import { build } from 'esbuild';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type {
  InvokeChannel,
  InvokeChannels,
  PushChannel,
  PushChannels,
} from '../../src/shared/ipc-contract';
import type { HostMessage, InvokeMessage, ResultMessage } from './host-protocol';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const rendererDir = join(root, 'dist/renderer');
const axePath = join(root, 'node_modules/axe-core/axe.min.js');

/** What main's `ipcMain.handle` registrations would answer, channel by channel. */
export type InvokeHandlers = {
  [K in InvokeChannel]: (
    ...args: InvokeChannels[K]['args']
  ) => InvokeChannels[K]['result'] | Promise<InvokeChannels[K]['result']>;
};

export interface TestHost {
  /** The page's URL. */
  readonly url: string;
  readonly origin: string;
  /** Sends a push to every connected page, as `webContents.send` would. */
  push<K extends PushChannel>(channel: K, payload: PushChannels[K]): void;
  /** Every invoke the page made, in order, for assertions. */
  readonly invoked: readonly InvokeChannel[];
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

async function bridgeScript(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'test-bridge.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('test bridge did not build');
  return file.text;
}

/**
 * Reads the built page once, into memory: other test files rebuild dist/ while this one runs, and
 * a page must not 404 halfway through a scenario. Waits briefly if a rebuild is in progress.
 */
async function snapshotRenderer(): Promise<Map<string, Buffer>> {
  for (let tries = 0; ; tries++) {
    try {
      const names = await readdir(rendererDir);
      if (!names.includes('index.html') || !names.includes('app.js')) throw new Error('incomplete');
      const files = new Map<string, Buffer>();
      for (const name of names) files.set(name, await readFile(join(rendererDir, name)));
      return files;
    } catch (error) {
      if (tries >= 50) throw new Error(`dist/renderer is not built: ${String(error)}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

export interface TestHostOptions {
  /** False serves the page without a bridge, as if opened outside Rallypoint. Default true. */
  readonly bridge?: boolean;
}

export async function startTestHost(
  handlers: InvokeHandlers,
  options: TestHostOptions = {},
): Promise<TestHost> {
  const bridge = await bridgeScript();
  const files = await snapshotRenderer();
  const axe = await readFile(axePath);
  const sockets = new Set<WebSocket>();
  const invoked: InvokeChannel[] = [];

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (path === '/test-bridge.js') return send(200, contentTypes['.js']!, bridge);
    if (path === '/axe.min.js') return send(200, contentTypes['.js']!, axe);
    const name = path === '/' ? 'index.html' : path.slice(1);
    const file = files.get(name);
    if (!file) return send(404, 'text/plain', 'not found');
    const body =
      name === 'index.html' && options.bridge !== false
        ? file
            .toString('utf8')
            .replace('<script type="module"', '<script src="test-bridge.js"></script>\n    $&')
        : file;
    send(200, contentTypes[extname(name)] ?? 'application/octet-stream', body);
  });

  const wss = new WebSocketServer({ server, path: '/bridge' });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as InvokeMessage;
      invoked.push(message.channel);
      const handler = handlers[message.channel] as (...args: unknown[]) => unknown;
      Promise.resolve()
        .then(() => handler(...message.args))
        .then(
          (value): ResultMessage => ({ type: 'result', id: message.id, ok: true, value }),
          (error: unknown): ResultMessage => ({
            type: 'result',
            id: message.id,
            ok: false,
            message: String(error),
          }),
        )
        .then((reply) => socket.send(JSON.stringify(reply)));
    });
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/index.html`,
    origin,
    invoked,
    push(channel, payload) {
      const text = JSON.stringify({ type: 'push', channel, payload } as HostMessage);
      for (const socket of sockets) socket.send(text);
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
