/**
 * The connection cap of the directory (src/directory/connection-guard.ts): when full, the
 * connection idle the longest makes room, a busy one never does, and with every one busy the new
 * one is refused. slow-clients.test.ts proves it holds against dribbling clients over real HTTP;
 * these pin the choice of victim and the counts, with real sockets of a loopback server
 * (mutation testing, docs/quality.md).
 */
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionGuard } from '../../src/directory/connection-guard';

let server: Server;
let port = 0;
const accepted: Socket[] = [];
const clients: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => accepted.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of [...accepted, ...clients]) socket.destroy();
  server.close();
  await once(server, 'close');
});

/** The server side of a new loopback connection. */
async function serverSocket(): Promise<Socket> {
  const before = accepted.length;
  const client = connect(port, '127.0.0.1');
  clients.push(client);
  await once(client, 'connect');
  while (accepted.length === before) await new Promise((resolve) => setImmediate(resolve));
  return accepted[accepted.length - 1] as Socket;
}

/** `count` new connections, one after the other so each is told apart. */
async function sockets(count: number): Promise<Socket[]> {
  const made: Socket[] = [];
  for (let i = 0; i < count; i += 1) made.push(await serverSocket());
  return made;
}

describe('ConnectionGuard', () => {
  it('admits up to its maximum without touching anyone', async () => {
    const guard = new ConnectionGuard(2);
    const [a, b] = (await sockets(2)) as [Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    expect(guard.stats).toEqual({ open: 2, evicted: 0, refused: 0 });
    expect(a.destroyed || b.destroyed).toBe(false);
  });

  it('when full, evicts the connection idle the longest for a new one', async () => {
    const guard = new ConnectionGuard(2);
    const [a, b, c] = (await sockets(3)) as [Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.admit(c);
    expect(a.destroyed).toBe(true);
    expect(b.destroyed || c.destroyed).toBe(false);
    expect(guard.stats).toEqual({ open: 2, evicted: 1, refused: 0 });
  });

  it('counts idle time from the end of the last answer', async () => {
    const guard = new ConnectionGuard(2);
    const [a, b, c] = (await sockets(3)) as [Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.busy(a);
    guard.idle(a);
    guard.admit(c);
    expect(b.destroyed).toBe(true);
    expect(a.destroyed || c.destroyed).toBe(false);
  });

  it('makes a connection evictable again once its answer is sent', async () => {
    const guard = new ConnectionGuard(2);
    const [a, b, c] = (await sockets(3)) as [Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.busy(a);
    guard.idle(a);
    guard.busy(b);
    guard.admit(c);
    expect(a.destroyed).toBe(true);
    expect(b.destroyed || c.destroyed).toBe(false);
    expect(guard.stats).toEqual({ open: 2, evicted: 1, refused: 0 });
  });

  it('never evicts a connection being served, and refuses a new one when all are', async () => {
    const guard = new ConnectionGuard(2);
    const [a, b, c, d] = (await sockets(4)) as [Socket, Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.busy(a);
    guard.admit(c);
    expect(b.destroyed).toBe(true);
    expect(a.destroyed).toBe(false);
    guard.busy(c);
    guard.admit(d);
    expect(d.destroyed).toBe(true);
    expect(a.destroyed || c.destroyed).toBe(false);
    expect(guard.stats).toEqual({ open: 2, evicted: 1, refused: 1 });
  });

  it('frees the place of a closed or upgraded connection', async () => {
    const guard = new ConnectionGuard(2);
    const [a, b, c] = (await sockets(3)) as [Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.release(b);
    expect(guard.stats.open).toBe(1);
    a.destroy();
    await once(a, 'close');
    expect(guard.stats.open).toBe(0);
    guard.admit(c);
    expect(guard.stats).toEqual({ open: 1, evicted: 0, refused: 0 });
    expect(b.destroyed).toBe(false);
  });

  it('ignores busy and idle for a connection it does not hold', async () => {
    const guard = new ConnectionGuard(1);
    const [a, b, stranger] = (await sockets(3)) as [Socket, Socket, Socket];
    guard.busy(stranger);
    guard.idle(stranger);
    expect(guard.stats.open).toBe(0);
    guard.admit(a);
    guard.admit(b);
    expect(a.destroyed).toBe(true);
    expect(guard.stats).toEqual({ open: 1, evicted: 1, refused: 0 });
  });
});
