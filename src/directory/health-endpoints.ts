/**
 * `GET /healthz` and `GET /readyz` in front of the directory's listener, for load balancers and
 * orchestrators: healthz says the process serves HTTP at all; readyz says it should get traffic
 * (its store answers and it is not shutting down). Neither needs a token nor counts against a rate
 * limit, and neither says anything about the store beyond up or down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthProbes {
  /** Whether the store answers now. */
  ready(): Promise<boolean>;
  /** True once a graceful shutdown began: the balancer should stop sending requests here. */
  closing(): boolean;
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void;

function reply(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/**
 * `ok`, and under `--workers` which worker answered (the number the supervisor gave it, kept across
 * restarts), so an operator or a test can tell the processes behind one port apart.
 */
const healthText =
  process.env.RALLYPOINT_DIRECTORY_WORKER === undefined
    ? 'ok\n'
    : `ok worker ${process.env.RALLYPOINT_DIRECTORY_WORKER}\n`;

/** The directory listener with the two probe paths answered before it. */
export function withHealthEndpoints(listener: Listener, probes: HealthProbes): Listener {
  return (request, response) => {
    const url = request.url ?? '/';
    if (url !== '/healthz' && url !== '/readyz') return listener(request, response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return reply(response, 405, `${request.method} is not allowed here; use GET.`);
    }
    if (url === '/healthz') return reply(response, 200, healthText);
    if (probes.closing()) return reply(response, 503, 'shutting down\n');
    probes.ready().then(
      (ready) => reply(response, ready ? 200 : 503, ready ? 'ready\n' : 'store unavailable\n'),
      () => reply(response, 503, 'store unavailable\n'),
    );
  };
}
