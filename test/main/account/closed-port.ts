/** A loopback port nothing listens on, for tests of a service that cannot be reached. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port the OS gave on 127.0.0.1 and that was closed again, so a connection is refused. */
export async function closedLoopbackPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
  const { port } = closed.address() as AddressInfo;
  await new Promise((done) => closed.close(done));
  return port;
}
