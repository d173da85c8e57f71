/**
 * Request bodies as clients really send them: split over several packets (with a multi-byte
 * character cut in two), chunked without a length, and two requests pipelined on one connection.
 * The directory settles a body with a Content-Length on the chunk that completes it; these tests
 * pin that it neither settles early on a partial body nor confuses the next request's bytes.
 */
import { describe, expect, it } from 'vitest';
import {
  call,
  directoryWithPlayer,
  expectSessionDocument,
  joinBody,
  rawConnection,
  requestHead,
  sessionUrl,
} from './directory-test-client';

const env = directoryWithPlayer('Bodies');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Status codes of the HTTP answers in `text`, in order. */
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);

describe('request bodies', () => {
  it('reads a body that arrives in pieces, with a multi-byte character split between them', async () => {
    const path = sessionUrl('split-body');
    const body = Buffer.from(
      JSON.stringify({
        ...joinBody(env.someone),
        properties: { custom: { motto: 'größer → 勝つ' } },
      }),
    );
    const cut = body.indexOf(Buffer.from('→')) + 1; // inside the arrow's three bytes
    const { socket, received } = await rawConnection(env.url);
    try {
      socket.write(requestHead(path, env.someone, body.length));
      await pause(30);
      socket.write(body.subarray(0, 10));
      await pause(30);
      socket.write(body.subarray(10, cut));
      await pause(30);
      // Nothing is answered while part of the body is missing.
      expect(received()).toBe('');
      socket.write(body.subarray(cut));
      await expect.poll(() => statuses(received())).toEqual(['201']);
    } finally {
      socket.destroy();
    }
    const read = await call(env.url, 'GET', path, { as: env.someone });
    expectSessionDocument(read);
    expect(read.json<{ properties: { custom: unknown } }>().properties.custom).toEqual({
      motto: 'größer → 勝つ',
    });
  });

  it('reads a chunked body that declares no length', async () => {
    const path = sessionUrl('chunked-body');
    const text = JSON.stringify(
      joinBody(env.someone, { connection: '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }),
    );
    const pieces = [text.slice(0, 7), text.slice(7, 40), text.slice(40)];
    const answer = await fetch(env.url + path, {
      method: 'PUT',
      headers: {
        authorization: env.someone.authorization,
        'x-xbl-contract-version': '107',
        'content-type': 'application/json',
      },
      body: new ReadableStream({
        async start(controller) {
          for (const piece of pieces) {
            controller.enqueue(new TextEncoder().encode(piece));
            await pause(10);
          }
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(201);
    const document = (await answer.json()) as {
      members: Record<string, { properties: { system: { connection?: string } } }>;
    };
    expect(document.members['0']?.properties.system.connection).toBe(
      '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    );
  });

  it('answers two pipelined writes on one connection in order, each with its own body', async () => {
    const path = sessionUrl('pipelined-bodies');
    const first = JSON.stringify(joinBody(env.someone));
    const second = JSON.stringify({ properties: { custom: { round: 2 } } });
    const { socket, received } = await rawConnection(env.url);
    try {
      socket.write(
        requestHead(path, env.someone, Buffer.byteLength(first)) +
          first +
          requestHead(path, env.someone, Buffer.byteLength(second)) +
          second,
      );
      await expect.poll(() => statuses(received())).toEqual(['201', '200']);
    } finally {
      socket.destroy();
    }
    const read = await call(env.url, 'GET', path, { as: env.someone });
    expect(read.json<{ properties: { custom: unknown } }>().properties.custom).toEqual({
      round: 2,
    });
  });
});
