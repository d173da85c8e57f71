/**
 * One server of the directory bench, in a process of its own: the directory (`startDirectory`, rate
 * limits off) or the bare `node:http` baseline. Both run alike (same Node, same loader, nothing else
 * in the process), so neither shares a heap or an event loop with the bench's own bookkeeping — the
 * bench holds tens of thousands of planned requests, and a directory in the same process paid for
 * collecting them. Talks to the bench over IPC: `ready` with its URL, then answers `cpu` with its
 * CPU time so far, `size` (bare only) with the body size to answer, and `close`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDirectory } from '../src/directory/start-directory';

type Command =
  | { readonly type: 'cpu' }
  | { readonly type: 'size'; readonly bytes: number }
  | { readonly type: 'close' };

const send = (message: unknown) => process.send?.(message);

/** A server answering every request, after reading its body, with one JSON body of a set size. */
function bareServer(): { server: Server; setSize: (bytes: number) => void } {
  let body = '{}';
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  const setSize = (bytes: number) => {
    body = JSON.stringify({ filler: 'x'.repeat(Math.max(0, bytes - '{"filler":""}'.length)) });
  };
  return { server, setSize };
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  let close: () => Promise<void>;
  let setSize: ((bytes: number) => void) | undefined;
  let url: string;
  if (kind === 'directory') {
    const directory = await startDirectory({ rateLimits: false });
    url = directory.url;
    close = () => directory.close();
  } else if (kind === 'bare') {
    const bare = bareServer();
    setSize = bare.setSize;
    await new Promise<void>((resolve) => bare.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;
    close = () =>
      new Promise((resolve) => {
        bare.server.close(() => resolve());
        bare.server.closeAllConnections();
      });
  } else {
    throw new Error(`usage: server-process.ts directory|bare (got ${kind})`);
  }
  process.on('message', (command: Command) => {
    if (command.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
    } else if (command.type === 'size') {
      setSize?.(command.bytes);
      send({ type: 'size' });
    } else {
      void close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', url });
}

void main();
