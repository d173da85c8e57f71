/**
 * `GET /healthz`, `GET /readyz` and `GET /statsz` in front of the directory's listener, for load
 * balancers, orchestrators and operators: healthz says the process serves HTTP at all; readyz says
 * it should get traffic (its store answers and it is not shutting down); statsz gives this
 * process's counts (connections, presence, development identities, sessions held in memory), the
 * numbers an operator watches for a leak or a flood. None needs a token or counts against a rate
 * limit, and none reveals a session, a player or anything about the store beyond up or down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthProbes {
  /** Whether the store answers now. */
  ready(): Promise<boolean>;
  /** True once a graceful shutdown began: the balancer should stop sending requests here. */
  closing(): boolean;
  /** This process's counts, answered as JSON by `/statsz`. */
  stats(): object;
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
    if (url !== '/healthz' && url !== '/readyz' && url !== '/statsz') {
      return listener(request, response);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return reply(response, 405, `${request.method} is not allowed here; use GET.`);
    }
    if (url === '/healthz') return reply(response, 200, healthText);
    if (url === '/statsz') {
      const body = `${JSON.stringify(probes.stats())}\n`;
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      response.end(body);
      return;
    }
    if (probes.closing()) return reply(response, 503, 'shutting down\n');
    probes.ready().then(
      (ready) => reply(response, ready ? 200 : 503, ready ? 'ready\n' : 'store unavailable\n'),
      () => reply(response, 503, 'store unavailable\n'),
    );
  };
}
