/**
 * Closing an HTTP server without cutting off requests it is answering: stop accepting, close idle
 * keep-alive connections, let requests in flight finish (up to a grace period), then end whatever
 * is left. A worker that restarts or scales down then loses no answer it had started on.
 */
import type { Server } from 'node:http';

/** Counts requests in flight on `server`; call before it listens. */
export function trackRequests(server: Server): { inFlight(): number } {
  let count = 0;
  server.on('request', (_request, response) => {
    count += 1;
    response.once('close', () => {
      count -= 1;
    });
  });
  return { inFlight: () => count };
}

/**
 * Closes `server`: new connections are refused at once, requests in flight get up to `graceMs` to
 * be answered (keep-alive connections are closed as they fall idle), then every connection ends.
 */
export async function closeGracefully(
  server: Server,
  requests: { inFlight(): number },
  graceMs: number,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + graceMs;
  while (requests.inFlight() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.closeIdleConnections();
  }
  server.closeAllConnections();
  await closed;
}
