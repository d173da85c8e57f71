/**
 * A loopback HTTP front for the local directory that answers the first N session writes with
 * 503 + Retry-After, then passes everything through unchanged. It makes "the service hiccups once,
 * then works" deterministic, where the directory's own fault fractions are random by design.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlakyFront {
  readonly url: string;
  /** How many requests were refused so far. */
  refused(): number;
  close(): Promise<void>;
}

export async function startFlakyFront(
  target: string,
  options: { failFirst: number; retryAfterSeconds: number },
): Promise<FlakyFront> {
  const upstream = new URL(target);
  let refused = 0;
  const server = createServer((req, res) => {
    const isWrite = req.method === 'PUT' && /^\/handles\/[^/]+\/session/.test(req.url ?? '');
    if (isWrite && refused < options.failFirst) {
      refused += 1;
      req.resume();
      res.writeHead(503, {
        'Content-Type': 'application/json',
        'Retry-After': String(options.retryAfterSeconds),
      });
      res.end(JSON.stringify({ code: 503, message: 'Service Unavailable' }));
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refused: () => refused,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
