/**
 * Real WebSockets to the directory's presence endpoint (`ws://…/connect`) for the directory tests:
 * open one with given headers, send one RTA message and read the next answer, and open a
 * connection already subscribed to the connections resource (its `ConnectionId`).
 */
import WebSocket from 'ws';
import { expect } from 'vitest';
import { connectionsResource } from '../../src/directory/presence-hub';
import type { Player } from './directory-test-client';

/** `ws://…/connect` of a directory at `base` (`http://…`). */
export const presenceUrl = (base: string): string => `${base.replace('http', 'ws')}/connect`;

/** Opens a presence socket; `status` is the refusal's HTTP status when the upgrade is refused. */
export function openPresence(
  base: string,
  headers: Record<string, string>,
): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(presenceUrl(base), { headers });
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) =>
      resolve({ status: response.statusCode }),
    );
    socket.once('error', () => resolve({}));
  });
}

/** The next message the socket receives, parsed. */
export function nextMessage(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => {
    socket.once('message', (data) => resolve(JSON.parse(String(data))));
  });
}

/** Sends one RTA message and resolves with the next message received. */
export function ask(socket: WebSocket, message: unknown): Promise<unknown> {
  const answer = nextMessage(socket);
  socket.send(JSON.stringify(message));
  return answer;
}

/** A presence connection of `who`, subscribed to the connections resource, and its id. */
export async function connectionOf(
  base: string,
  who: Player,
): Promise<{ socket: WebSocket; id: string }> {
  const { socket } = await openPresence(base, { authorization: who.authorization });
  if (!socket) throw new Error('no presence connection');
  const answer = (await ask(socket, [1, 7, connectionsResource])) as [
    number,
    number,
    number,
    number,
    { ConnectionId: string },
  ];
  expect(answer.slice(0, 3)).toEqual([1, 7, 0]);
  return { socket, id: answer[4].ConnectionId };
}
