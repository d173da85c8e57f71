/**
 * The launcher's loopback redirect listener on its own: what the browser's return delivers, what
 * the page shows (nothing of the code), what it refuses, cancellation, and closing while a browser
 * still holds a connection open. Real HTTP on 127.0.0.1.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startLoopbackRedirect,
  type LoopbackRedirect,
} from '../../../src/main/account/loopback-redirect';

const open: LoopbackRedirect[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((listener) => listener.close()));
});

async function listen(signal = new AbortController().signal): Promise<LoopbackRedirect> {
  const listener = await startLoopbackRedirect(signal);
  open.push(listener);
  return listener;
}

/** Whether a promise has settled by now (a settled one wins the race: its reaction runs first). */
async function state(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending'))),
  ]);
}

describe('startLoopbackRedirect', () => {
  it('listens on 127.0.0.1 with a port the OS picked and names its /callback', async () => {
    const listener = await listen();
    const uri = new URL(listener.redirectUri);
    expect(listener.redirectUri).toBe(`http://127.0.0.1:${uri.port}/callback`);
    expect(Number(uri.port)).toBeGreaterThan(0);
  });

  it('listens on 127.0.0.1 only: another address of this machine is refused', async () => {
    const listener = await listen();
    const { port } = new URL(listener.redirectUri);
    // 127.0.0.2 reaches this machine too (Linux routes all of 127/8 to the loopback device).
    const other = connect(Number(port), '127.0.0.2');
    const outcome = await new Promise<string>((resolve) => {
      other.once('connect', () => resolve('connected'));
      other.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    other.destroy();
    expect(outcome).toBe('ECONNREFUSED');
  });

  it('delivers the whole URL of the return and shows a page without the code', async () => {
    const listener = await listen();
    const back = `${listener.redirectUri}?code=C0DE-secret-value&state=st4te`;
    const response = await fetch(back);
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page).toContain('You can return to Rallypoint');
    expect(page).not.toContain('C0DE');
    expect(page).not.toContain('st4te');
    const arrival = await listener.arrival;
    expect(arrival.href).toBe(back);
    expect(arrival.searchParams.get('code')).toBe('C0DE-secret-value');
  });

  it.each([
    ['a POST to /callback', 'POST', '/callback?code=wrong'],
    ['a GET elsewhere', 'GET', '/favicon.ico?code=wrong'],
    ['a GET of the root', 'GET', '/?code=wrong'],
  ])('answers %s with an empty 404 and keeps waiting', async (_name, method, path) => {
    const listener = await listen();
    const base = listener.redirectUri.replace('/callback', '');
    const refused = await fetch(`${base}${path}`, { method });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-length')).toBe('0');
    expect(await refused.text()).toBe('');
    expect(await state(listener.arrival)).toBe('pending');

    await (await fetch(`${listener.redirectUri}?code=right`)).text();
    expect((await listener.arrival).searchParams.get('code')).toBe('right');
  });

  it('rejects the arrival when the sign-in is cancelled', async () => {
    const controller = new AbortController();
    const listener = await listen(controller.signal);
    expect(await state(listener.arrival)).toBe('pending');
    controller.abort();
    await expect(listener.arrival).rejects.toThrow('sign-in cancelled');
  });

  it('rejects the arrival at once when the sign-in was cancelled before it started', async () => {
    const controller = new AbortController();
    controller.abort();
    const listener = await listen(controller.signal);
    expect(await state(listener.arrival)).toBe('rejected');
    await expect(listener.arrival).rejects.toThrow('sign-in cancelled');
  });

  it('leaves an arrival nobody awaits cancelled without an unhandled rejection', async () => {
    const controller = new AbortController();
    await listen(controller.signal);
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled).toEqual([]);
  });

  it('stops listening for the cancellation once closed', async () => {
    const controller = new AbortController();
    const listener = await listen(controller.signal);
    await listener.close();
    controller.abort();
    expect(await state(listener.arrival)).toBe('pending');
  });

  it('closes once however often it is asked, and stops accepting', async () => {
    const listener = await listen();
    const closing = listener.close();
    expect(listener.close()).toBe(closing);
    await closing;
    await expect(fetch(listener.redirectUri)).rejects.toThrow();
  });

  it('closes while a browser holds an idle or kept-alive connection open', async () => {
    const listener = await listen();
    const { port } = new URL(listener.redirectUri);
    // A connection that never sends a request (browsers open spare ones) ...
    const idle: Socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    // ... and one kept alive after the callback was answered.
    await new Promise<void>((resolve, reject) => {
      const sent = httpRequest(`${listener.redirectUri}?code=k`, {
        headers: { connection: 'keep-alive' },
      });
      sent.on('response', (response) => {
        response.resume();
        response.on('end', resolve);
      });
      sent.on('error', reject);
      sent.end();
    });
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));
    await listener.close();
    await idleClosed;
    expect(idle.destroyed).toBe(true);
  });
});
