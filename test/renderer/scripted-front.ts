/**
 * A loopback HTTP front for the local directory whose answers to session writes
 * (`PUT /handles/{id}/session`) and sign-ins (`POST /dev/tokens`) a test scripts: a chosen status
 * and body, or a write held until the launcher gives up on it. Everything else, and every request
 * while nothing is scripted, passes through to the real directory unchanged, so a test can put
 * the real join stack into any failure and then let it succeed.
 */
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the front does with the next requests of one kind; undefined passes them through. */
export type Script = ScriptedAnswer | 'hold' | undefined;

export interface ScriptedFront {
  readonly url: string;
  /** How session writes are answered from now on. */
  writes: Script;
  /** How sign-ins are answered from now on. */
  tokens: Script;
  /** Session writes and sign-ins seen so far, scripted or not. */
  seen(): { readonly writes: number; readonly tokens: number };
  close(): Promise<void>;
}

function answer(res: ServerResponse, script: ScriptedAnswer): void {
  res.writeHead(script.status, { 'Content-Type': 'application/json', ...script.headers });
  res.end(script.body);
}

export async function startScriptedFront(target: string): Promise<ScriptedFront> {
  const upstream = new URL(target);
  const counts = { writes: 0, tokens: 0 };
  const front: ScriptedFront = {
    url: '',
    writes: undefined,
    tokens: undefined,
    seen: () => ({ ...counts }),
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const isWrite = req.method === 'PUT' && /^\/handles\/[^/]+\/session/.test(path);
    const isToken = req.method === 'POST' && path.startsWith('/dev/tokens');
    if (isWrite) counts.writes += 1;
    if (isToken) counts.tokens += 1;
    const script = isWrite ? front.writes : isToken ? front.tokens : undefined;
    if (script === 'hold') {
      // Never answered: the launcher's cancel or timeout ends it.
      req.resume();
      return;
    }
    if (script !== undefined) {
      req.resume();
      answer(res, script);
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: upstream.host },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return Object.assign(front, {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  });
}
