/**
 * The launcher's end of the authorization-code redirect (RFC 8252 §7.3): a one-shot HTTP listener
 * on 127.0.0.1 with a port the OS picks. The browser comes back to `/callback?code=…&state=…`;
 * the page it shows says to return to Rallypoint and carries nothing of the code.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/callback`, to register as the redirect URI of this sign-in. */
  readonly redirectUri: string;
  /** The full URL the browser came back with; rejects when `signal` aborts. */
  readonly arrival: Promise<URL>;
  close(): Promise<void>;
}

const donePage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rallypoint</title></head>
<body><main><h1>You can return to Rallypoint</h1><p>This tab can be closed.</p></main></body></html>`;

/** Starts the listener; call `close` once the arrival settled or the sign-in was abandoned. */
export async function startLoopbackRedirect(signal: AbortSignal): Promise<LoopbackRedirect> {
  let deliver: (url: URL) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const arrival = new Promise<URL>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  // The caller may not await the arrival when it gives up early.
  arrival.catch(() => undefined);
  let port = 0;
  const server = createServer((request, response) => {
    // Stryker disable next-line StringLiteral: a request to a Node server always has a url; `'/'` only satisfies the type
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (request.method !== 'GET' || url.pathname !== '/callback') {
      response.writeHead(404, { 'content-length': 0 });
      response.end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    response.end(donePage);
    deliver(url);
  });
  await new Promise<void>((resolve, reject) => {
    // Stryker disable next-line StringLiteral: listening on port 0 of 127.0.0.1 does not fail here; no test can make it
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const onAbort = () => fail(new Error('sign-in cancelled'));
  // Stryker disable ObjectLiteral,BooleanLiteral: `{ once: true }`: the arrival settles once, so a second call of onAbort changes nothing (and a signal aborts once)
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // Stryker restore ObjectLiteral,BooleanLiteral
  let closing: Promise<void> | undefined;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    arrival,
    close() {
      signal.removeEventListener('abort', onAbort);
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
